"""``skipwise ARGS`` as an ordinary user runs it, wherever the checkout lives.

Run as root, the permission tests run skipwise as ``nobody`` (root may read,
write and enter anything). A checkout inside a folder only its owner may
enter (``/root``, any ``mktemp -d``) is out of nobody's reach, and so are its
sources and its virtualenv: "No module named 'app'". So the command runs in a
private mount namespace (``unshare``) where the checkout is also mounted, by a
bind mount, on a fresh folder under the temp dir that everyone may enter;
nobody runs the checkout's Python and sources from there. The mount lives and
dies with that one process; the host's mounts are untouched.

Not run as root, the command runs as the current user, from the checkout itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(os.path.abspath(__file__)).parents[1]  # as sys.executable is spelt: not resolved
NOBODY = 65534
TIMEOUT_S = 600  # a hang, not a speed limit

# Inside the namespace: mount the checkout on the view, go there, then become nobody and run.
_IN_NAMESPACE = 'mount --bind "$1" "$2" && cd "$2" && shift 2 && exec "$@"'


def can_run_as_nobody() -> bool:
    return os.geteuid() == 0 and shutil.which("setpriv") is not None and shutil.which("unshare") is not None


def skipwise_as_a_user(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``python -m app.launcher ARGS`` with ``SKIPWISE_HOME=home``, as nobody when run as root."""
    env = {**os.environ, "SKIPWISE_HOME": str(home)}
    if os.geteuid() != 0:
        env["PYTHONPATH"] = str(ROOT)
        cmd = [sys.executable, "-m", "app.launcher", *args]
        return subprocess.run(
            cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=TIMEOUT_S, check=False
        )
    view = Path(tempfile.mkdtemp(prefix="skipwise-checkout-view-"))
    try:
        os.chmod(view, 0o755)  # mkdtemp makes it 0700: nobody must enter it
        python = Path(os.path.abspath(sys.executable))
        if python.is_relative_to(ROOT):  # the checkout's own virtualenv: reach it through the view too
            python = view / python.relative_to(ROOT)
        env["PYTHONPATH"] = str(view)
        become_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        cmd = [
            "unshare", "--mount", "--propagation", "private", "sh", "-c", _IN_NAMESPACE, "sh",
            str(ROOT), str(view), *become_nobody, str(python), "-m", "app.launcher", *args,
        ]  # fmt: skip
        return subprocess.run(
            cmd, capture_output=True, text=True, cwd="/", env=env, timeout=TIMEOUT_S, check=False
        )
    finally:
        os.rmdir(view)  # empty again: the mount went with its namespace
