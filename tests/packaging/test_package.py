"""The installable packages: built by `make package`'s entry point, unpacked, run with a bare environment.

"Bare" means what a fresh login gives a program and nothing from this checkout:
PATH=/usr/bin:/bin, a new empty HOME as the working directory, no virtualenv,
no PYTHONPATH. The build is reused when dist/ is up to date with the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGING = ROOT / "packaging"
DIST = ROOT / "dist"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
METAINFO = "io.github.skipwise.Skipwise.metainfo.xml"
MAX_DEB_BYTES = 200 * 1000 * 1000

pytestmark = pytest.mark.slow


def bare_env(home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), **extra}


def run_bare(exe: Path, *args: str, home: Path, wrapper: tuple[str, ...] = (), **extra: str):
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [*wrapper, str(exe), *args], env=bare_env(home, **extra), cwd=home,
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def assert_self_test_passed(out: subprocess.CompletedProcess) -> None:
    lines = [line for line in out.stdout.splitlines() if line.startswith("skipwise self-test")]
    assert out.returncode == 0, out.stdout + out.stderr[-4000:]
    (line,) = lines
    assert line.startswith("skipwise self-test PASSED: scan 14/14 analysed"), line
    assert "50 plays" in line and "played 1.0 s" in line, line


def relations(depends: str) -> set[str]:
    """Package names in a Depends field, alternatives included, versions dropped."""
    return {alt.split("(")[0].strip() for rel in depends.split(",") for alt in rel.split("|")}


@pytest.fixture(scope="module")
def manifest() -> dict:
    import importlib.util

    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is not installed: `make test` installs it (pip install -e '.[package]')")
    done = subprocess.run(
        [sys.executable, str(PACKAGING / "build.py")], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr[-6000:]
    return json.loads((DIST / "package-manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def deb(manifest: dict) -> Path:
    return DIST / manifest["deb"]


@pytest.fixture(scope="module")
def deb_root(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return root


@pytest.fixture(scope="module")
def tar_root(manifest: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("portable")
    subprocess.run(["tar", "-C", str(root), "-xzf", str(DIST / manifest["tarball"])], check=True)
    return root


def test_the_deb_runs_its_self_test_from_an_unpacked_root(deb_root: Path, tmp_path: Path) -> None:
    launcher = deb_root / "usr" / "bin" / "skipwise"
    assert launcher.is_symlink() and not os.readlink(launcher).startswith("/")
    out = run_bare(launcher, "--self-test", home=tmp_path / "home", QT_QPA_PLATFORM="offscreen")
    assert_self_test_passed(out)


def test_the_deb_runs_with_the_checkout_and_the_build_python_hidden(deb_root: Path, tmp_path: Path) -> None:
    hidden = [str(ROOT)] + ([sys.base_prefix] if not sys.base_prefix.startswith("/usr") else [])
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("hiding folders needs root and unshare (a private mount namespace)")
    # In a private mount namespace, empty folders are mounted over the checkout and the build's Python.
    mount_each = 'for d in "$@"; do [ "$d" = -- ] && break; mount -t tmpfs none "$d" || exit 97; shift; done'
    script = f'{mount_each}; shift; exec "$@"'
    wrapper = ("unshare", "--mount", "sh", "-c", script, "sh", *hidden, "--")
    out = run_bare(deb_root / "usr" / "bin" / "skipwise", "--self-test", home=tmp_path / "home",
                   wrapper=wrapper, QT_QPA_PLATFORM="offscreen")  # fmt: skip
    assert_self_test_passed(out)


def test_the_portable_archive_runs_from_any_folder(tar_root: Path, manifest: dict, tmp_path: Path) -> None:
    (folder,) = tar_root.iterdir()
    assert folder.name == f"skipwise-{manifest['version']}-linux-x86_64"
    assert (folder / "_internal" / "assets" / "demo" / "truth.json").is_file()
    out = run_bare(folder / "skipwise", "--self-test", home=tmp_path / "home", QT_QPA_PLATFORM="offscreen")
    assert_self_test_passed(out)


def test_the_window_opens_on_x11_with_the_system_libraries(deb_root: Path, tmp_path: Path) -> None:
    # The xcb platform plugin, fonts and GL come from the system packages the .deb depends on.
    out = run_bare(
        deb_root / "usr" / "bin" / "skipwise", "--demo", "--no-scan", home=tmp_path / "home",
        wrapper=("xvfb-run", "--auto-servernum"), SKIPWISE_REPORT_SHOWN="1",
    )  # fmt: skip
    assert out.returncode == 0 and out.stdout.startswith("shown "), out.stdout + out.stderr[-4000:]


def test_frozen_workers_cache_numba_code_in_the_users_cache_dir(deb_root: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    exe = deb_root / "usr" / "bin" / "skipwise"
    demo = deb_root / "usr" / "lib" / "skipwise" / "_internal" / "assets" / "demo"
    cache = home / ".cache" / "skipwise" / "numba"
    first = run_bare(exe, "scan", str(demo), home=home, NUMBA_DEBUG_CACHE="1")
    assert first.returncode == 0 and "14 analysed, 0 failed" in first.stdout, (
        first.stdout + first.stderr[-4000:]
    )
    assert (home / ".local" / "share" / "skipwise" / "skipwise.db").is_file()
    assert f"index saved to '{cache}/" in first.stdout + first.stderr
    assert not (home / ".cache" / "numba").exists(), "numba fell back to its own cache folder"
    # A second library makes fresh workers analyse again: they load the compiled code instead.
    second = run_bare(
        exe, "scan", str(demo), "--db", str(home / "second.db"), home=home, NUMBA_DEBUG_CACHE="1"
    )
    assert second.returncode == 0, second.stdout + second.stderr[-4000:]
    assert f"data loaded from '{cache}/" in second.stdout + second.stderr
    assert "data saved to" not in second.stdout + second.stderr


def test_control_fields(deb: Path, manifest: dict) -> None:
    fields = ("Package", "Version", "Architecture", "Maintainer", "Installed-Size", "Depends", "Description")
    out = subprocess.run(["dpkg-deb", "-f", str(deb), *fields], capture_output=True, text=True, check=True)
    control = dict(line.split(": ", 1) for line in out.stdout.splitlines() if ": " in line)
    assert control["Package"] == "skipwise" and control["Version"] == manifest["version"]
    assert control["Architecture"] == "amd64"
    assert int(control["Installed-Size"]) == manifest["installed_size_kib"] > 100_000
    qt = [line.strip() for line in (PACKAGING / "qt-runtime-packages.txt").read_text().splitlines()]
    missing = [p for p in qt if p and not p.startswith("#") and p not in relations(control["Depends"])]
    assert missing == []
    assert control["Depends"].startswith("libc6 (>= 2.")
    assert deb.stat().st_size <= MAX_DEB_BYTES, f"{deb.stat().st_size / 1e6:.0f} MB"


def test_every_system_library_the_bundle_links_is_in_depends(deb_root: Path, manifest: dict) -> None:
    sys.path.insert(0, str(PACKAGING))
    import elf_deps

    linked = elf_deps.external_libraries(deb_root / "usr" / "lib" / "skipwise")
    providers = elf_deps.debian_packages(linked)
    declared = relations(manifest["depends"])
    assert {lib: pkg for lib, pkg in providers.items() if pkg not in declared} == {}


def test_desktop_integration_files_are_installed_and_valid(deb_root: Path) -> None:
    share = deb_root / "usr" / "share"
    for size in ICON_SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "skipwise.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "skipwise.svg").is_file()
    desktop = share / "applications" / "skipwise.desktop"
    assert "\nExec=skipwise\n" in desktop.read_text() and "\nIcon=skipwise\n" in desktop.read_text()
    metainfo = share / "metainfo" / METAINFO
    assert '<launchable type="desktop-id">skipwise.desktop</launchable>' in metainfo.read_text()
    validators = (
        ["desktop-file-validate", str(desktop)],
        ["appstreamcli", "validate", "--no-net", str(metainfo)],
    )
    for command in validators:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (share / "doc" / "skipwise" / "copyright").is_file()


def test_maintainer_scripts_are_valid_shell_and_leave_user_data_alone(deb: Path, tmp_path: Path) -> None:
    subprocess.run(["dpkg-deb", "-e", str(deb), str(tmp_path / "DEBIAN")], check=True)
    for name in ("postinst", "postrm"):
        script = tmp_path / "DEBIAN" / name
        assert os.access(script, os.X_OK)
        assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0
        assert "rm " not in script.read_text() and "HOME" not in script.read_text()


def test_an_up_to_date_build_is_reused(manifest: dict) -> None:
    sys.path.insert(0, str(PACKAGING))
    import build

    assert build.up_to_date(manifest["fingerprint"]) == manifest
    assert build.up_to_date("0" * 64) is None


def bundle_bin(root: Path) -> Path:
    """The bundle's wrappers of Flower's listener commands (engine/fleet/flower_commands.py)."""
    return root / "usr" / "lib" / "skipwise" / "bin"


def test_the_deb_carries_the_supernode_and_the_commands_it_starts(deb_root: Path, tmp_path: Path) -> None:
    from engine.fleet.flower_commands import LISTENER_COMMANDS

    assert sorted(p.name for p in bundle_bin(deb_root).iterdir()) == sorted(LISTENER_COMMANDS)
    for name in LISTENER_COMMANDS:
        out = run_bare(bundle_bin(deb_root) / name, "--help", home=tmp_path / "home")
        assert out.returncode == 0 and out.stdout.startswith("usage: "), out.stdout + out.stderr[-3000:]
    version = run_bare(bundle_bin(deb_root) / "flower-supernode", "--version", home=tmp_path / "home")
    assert version.stdout.strip() == f"Flower version: {metadata_version('flwr')}", version.stderr[-3000:]
    # The server and the simulation are not a listener's: they stay pip extras.
    internal = deb_root / "usr" / "lib" / "skipwise" / "_internal"
    assert not (internal / "ray").exists()


def metadata_version(dist: str) -> str:
    from importlib import metadata

    return metadata.version(dist)


def test_three_bundled_supernodes_join_a_fleet_on_loopback_for_a_secagg_round(
    deb_root: Path, tmp_path: Path
) -> None:
    """The listener's side from the .deb only: SuperNode, SuperExec, flwr-clientapp with Skipwise's ClientApp.

    The SuperLink and ``flwr run`` are the server's, from this checkout (the fleet-server extra).
    The SuperNodes get a bare environment: nothing but the bundle can run their ClientApp.
    """
    from engine.fleet.deployment import run_app, start_superlink, supernode_argv
    from engine.fleet.device_state import read_state
    from engine.fleet.privacy_env import quiet_environment
    from engine.fleet.processes import free_port, start
    from engine.fleet.settings import FleetSettings
    from engine.fleet.sim_devices import make_devices
    from engine.store import open_db
    from engine.store.profiles import load_profile

    dbs = make_devices(tmp_path / "devices", 3, events=80, shared=True)
    settings = FleetSettings(rounds=1, min_devices=3, clip=1.0, noise_multiplier=1.0, dp="distributed",
                             out_dir=str(tmp_path / "out"), stage_timeout=90.0, wait_devices=120.0,
                             retries=1)  # fmt: skip
    link = start_superlink(tmp_path / "superlink")
    nodes = []
    try:
        for i, db in enumerate(dbs):
            home = tmp_path / f"node-{i}"
            home.mkdir()
            argv = supernode_argv(link.address, db, home / "fleet-state.json", port=free_port(),
                                  require_secagg=True)  # fmt: skip
            env = bare_env(home, FLWR_HOME=str(home / "flwr"), **quiet_environment())
            wrapper = bundle_bin(deb_root) / "flower-supernode"
            nodes.append(start(f"frozen-{i}", [str(wrapper), *argv[1:]], env=env, log_path=home / "node.log"))
        result = run_app(tmp_path / "run", link, settings, timeout=900)
        running = [node.running() for node in nodes]
    finally:
        for node in nodes:
            node.stop()
        link.child.stop()
    logs = "\n".join(node.log_tail(1500) for node in nodes)
    assert result.returncode == 0 and not result.timed_out, result.log + logs
    assert running == [True, True, True], logs
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [(r["outcome"], r["contributed"]) for r in report["rounds_report"]] == [("completed", 3)]
    published = report["baseline"]["weights"]
    for i, db in enumerate(dbs):
        state = read_state(tmp_path / f"node-{i}" / "fleet-state.json")
        assert state.last_round == 1 and state.rounds_contributed == 1, state
        assert load_profile(open_db(db)).profile.prior.tolist() == published  # type: ignore[union-attr]


def test_a_bundled_supernode_runs_no_code_that_the_fleet_server_sends(deb_root: Path, tmp_path: Path) -> None:
    """A FAB naming its own ClientApp (``evil:app``, shipped in the FAB) is refused and never imported."""
    from engine.fleet.client_app_pin import CLIENT_APP_REF
    from engine.fleet.deployment import start_superlink, supernode_argv, write_app, write_federation
    from engine.fleet.privacy_env import quiet_environment
    from engine.fleet.processes import child_environment, flower_bin, free_port, start
    from engine.fleet.settings import FleetSettings
    from engine.fleet.sim_devices import make_devices

    (db,) = make_devices(tmp_path / "devices", 1, events=40, shared=True)
    settings = FleetSettings(rounds=1, min_devices=1, clip=1.0, noise_multiplier=0.0, dp="off", secagg=False,
                             out_dir=str(tmp_path / "out"), stage_timeout=60.0, wait_devices=120.0,
                             retries=0)  # fmt: skip
    app = write_app(tmp_path / "run", settings)
    marker = tmp_path / "the-servers-code-ran"
    pyproject = (app / "pyproject.toml").read_text()
    assert f'clientapp = "{CLIENT_APP_REF}"' in pyproject
    (app / "pyproject.toml").write_text(pyproject.replace(CLIENT_APP_REF, "evil:app"))
    (app / "evil.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nfrom engine.fleet.client_app import app as honest\n"
        "app = honest\n"
    )
    home = tmp_path / "node"
    home.mkdir()
    link = start_superlink(tmp_path / "superlink")
    node = run = None
    try:
        argv = supernode_argv(link.address, db, home / "fleet-state.json", port=free_port())
        env = bare_env(home, FLWR_HOME=str(home / "flwr"), **quiet_environment())
        node = start("frozen", [str(bundle_bin(deb_root) / "flower-supernode"), *argv[1:]], env=env,
                     log_path=home / "node.log")  # fmt: skip
        write_federation(tmp_path / "flwr-cli", link)
        run = start("flwr-run", [flower_bin("flwr"), "run", str(app), "fleet", "--stream"],
                    env=child_environment(tmp_path / "flwr-cli"), log_path=tmp_path / "flwr-run.log",
                    cwd=tmp_path / "run")  # fmt: skip
        run.proc.wait(timeout=600)
        alive = node.running()
    finally:
        for child in (run, node, link.child):
            if child is not None:
                child.stop()
    log = node.log_tail(20_000)
    assert alive, log
    assert "this player runs only its own ClientApp" in log and "'evil:app'" in log, log
    assert not marker.exists(), "the bundled SuperNode imported code the server sent"
