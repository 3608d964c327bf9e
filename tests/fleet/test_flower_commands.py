"""Flower's listener commands run inside the (frozen) app; frozen, the fleet finds the bundle's wrappers.

The frozen bundle itself is tested in tests/packaging/test_package.py; here the
same code runs from the checkout, with a bundle's layout in a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import flwr.clientapp.utils as loader
import pytest

from engine.fleet import processes
from engine.fleet.flower_commands import LISTENER_COMMANDS, requested, run, wrapper_script

FLOWERS_LOADER = loader.load_app  # before any test pins it (running flwr-clientapp here pins it)


@pytest.fixture(autouse=True)
def flowers_own_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "load_app", FLOWERS_LOADER)


def test_the_commands_option_is_recognised_only_as_the_first_word() -> None:
    assert requested(["--flower-supernode", "--insecure"]) == "flower-supernode"
    assert requested(["--flwr-clientapp"]) == "flwr-clientapp"
    assert requested(["fleet", "--flower-supernode"]) is None
    assert requested(["--flower-superlink"]) is None  # the server is not a listener's
    assert requested([]) is None


@pytest.mark.parametrize("name", sorted(LISTENER_COMMANDS))
def test_each_command_runs_in_this_process_as_its_console_script(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = sys.argv
    try:
        code = run(name, ["--help"])
    finally:
        sys.argv = argv
    assert code == 0
    assert "usage:" in capsys.readouterr().out


def test_a_wrapper_runs_the_executable_one_folder_up_with_its_folder_first_on_path(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "bin").mkdir(parents=True)
    exe = bundle / "skipwise"  # stands in for the frozen executable: prints what it was given
    exe.write_text('#!/bin/sh\necho "args: $*"\necho "path: $PATH"\n')
    exe.chmod(0o755)
    wrapper = bundle / "bin" / "flwr-clientapp"
    wrapper.write_text(wrapper_script("flwr-clientapp"))
    wrapper.chmod(0o755)
    out = subprocess.run(
        ["flwr-clientapp", "--insecure"], env={"PATH": f"{bundle / 'bin'}:/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = out.stdout.splitlines()
    assert lines[0] == "args: --flwr-clientapp --insecure"
    assert lines[1].startswith(f"path: {bundle / 'bin'}:")


def test_frozen_the_fleet_starts_the_bundles_wrappers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "bin").mkdir(parents=True)
    (bundle / "bin" / "flower-supernode").write_text(wrapper_script("flower-supernode"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "skipwise"))
    assert processes.flower_bin("flower-supernode") == str(bundle / "bin" / "flower-supernode")
    assert processes.flower_bin("flower-superlink") == "flower-superlink"  # a pip install's, on PATH
    env = processes.child_environment(tmp_path / "flwr")
    assert env["PATH"].split(":")[0] == str(bundle / "bin")
    monkeypatch.setattr(sys, "frozen", False)
    assert processes.executables_dir() == bundle  # not frozen: beside the Python that runs
    assert processes.flower_bin("flower-supernode") == "flower-supernode"


def test_a_pinned_clientapp_process_runs_only_skipwises_clientapp_and_imports_nothing_of_the_fab(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flwr.clientapp.client_app import ClientApp, LoadClientAppError

    from engine.fleet.client_app import app
    from engine.fleet.client_app_pin import CLIENT_APP_REF, pin

    fab = tmp_path / "fab"
    fab.mkdir()
    marker = tmp_path / "imported"
    (fab / "evil.py").write_text(f"open({str(marker)!r}, 'w').close()\napp = None\n")
    # Unpinned, Flower imports what the FAB names, from the FAB's folder.
    with pytest.raises(LoadClientAppError):
        loader.get_load_client_app_fn("evil:app", str(fab), multi_app=False)("", "", "")
    assert marker.exists()
    marker.unlink()
    monkeypatch.setattr(sys, "path", list(sys.path))
    sys.modules.pop("evil", None)

    pin()
    with pytest.raises(LoadClientAppError, match="runs only its own ClientApp"):
        loader.get_load_client_app_fn("evil:app", str(fab), multi_app=False)("", "", "")
    assert not marker.exists(), "the FAB's code ran"
    loaded = loader.get_load_client_app_fn(CLIENT_APP_REF, str(fab), multi_app=False)("", "", "")
    assert loaded is app and isinstance(loaded, ClientApp)
