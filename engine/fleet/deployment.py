"""Flower's Deployment Engine for the fleet: a SuperLink, SuperNodes and ``flwr run`` as processes.

The app (the FAB) is a folder with one ``pyproject.toml`` whose components
name the installed ``engine.fleet`` modules and whose config is the run's
settings; ``flwr run`` packs it and the SuperLink pushes it to the SuperNodes.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.fleet.client_app_pin import CLIENT_APP_REF
from engine.fleet.processes import (
    LOOPBACK,
    Child,
    child_environment,
    flower_bin,
    free_port,
    start,
    wait_listening,
)
from engine.fleet.settings import FleetSettings

APP_FOLDER = "skipwise-fleet-app"  # `flwr build` refuses folder names with "_"
PUBLISHER = "skipwise"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_app(folder: Path, settings: FleetSettings) -> Path:
    """The FAB's folder: pyproject.toml naming Skipwise's ServerApp and ClientApp, with the run's settings."""
    app = folder / APP_FOLDER
    app.mkdir(parents=True, exist_ok=True)
    config = "\n".join(f"{k} = {_toml_value(v)}" for k, v in settings.to_run_config().items())
    (app / "pyproject.toml").write_text(
        "[build-system]\n"
        'requires = ["hatchling"]\n'
        'build-backend = "hatchling.build"\n\n'
        "[project]\n"
        'name = "skipwise-fleet"\n'
        'version = "1.0.0"\n'
        'description = "Skipwise fleet learning: SecAgg+ and DP over 42 weights"\n'
        'license = "MIT"\n'
        "dependencies = []\n\n"
        "[tool.hatch.build.targets.wheel]\n"
        'packages = ["."]\n\n'
        "[tool.flwr.app]\n"
        f'publisher = "{PUBLISHER}"\n\n'
        "[tool.flwr.app.components]\n"
        'serverapp = "engine.fleet.server_app:app"\n'
        f'clientapp = "{CLIENT_APP_REF}"\n\n'
        "[tool.flwr.app.config]\n"
        f"{config}\n"
    )
    return app


def superlink_address(port: int) -> str:
    return f"{LOOPBACK}:{port}"


@dataclass
class SuperLink:
    """A running SuperLink on ``host:port`` (Fleet, Control and ServerApp APIs on one HTTP port)."""

    child: Child
    host: str
    port: int
    home: Path
    certificate: Path | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def start_superlink(
    home: Path,
    *,
    host: str = LOOPBACK,
    port: int | None = None,
    certificate: Path | None = None,
    key: Path | None = None,
) -> SuperLink:
    """Start ``flower-superlink`` (TLS when a certificate and key are given, else --insecure)."""
    port = port or free_port()
    argv = [flower_bin("flower-superlink"), "--host", host, "--port", str(port)]
    argv += ["--disable-runtime-dependency-installation", "--database", str(home / "superlink.db")]
    if certificate and key:
        argv += [
            "--ssl-certfile",
            str(certificate),
            "--ssl-keyfile",
            str(key),
            "--ssl-ca-certfile",
            str(certificate),
        ]
    else:
        argv.append("--insecure")
    home.mkdir(parents=True, exist_ok=True)
    child = start("superlink", argv, env=child_environment(home / "flwr"), log_path=home / "superlink.log")
    if not wait_listening(child, host, port):
        child.stop()
        raise RuntimeError(f"the SuperLink did not start on {host}:{port}: {child.log_tail(800)}")
    return SuperLink(child, host, port, home, certificate)


def supernode_argv(
    superlink: str, db: Path, state: Path, *, port: int, certificate: Path | None = None,
    trusted_entities: Path | None = None, require_secagg: bool = False,
) -> list[str]:  # fmt: skip
    """``flower-supernode`` for one device: its database and state file in the node config."""
    argv = [flower_bin("flower-supernode"), "--superlink", superlink, "--host", LOOPBACK, "--port", str(port)]
    argv += ["--root-certificates", str(certificate)] if certificate else ["--insecure"]
    if trusted_entities:
        argv += ["--trusted-entities", str(trusted_entities)]
    argv += [
        "--node-config",
        f'db="{db}" state="{state}" require-secagg={str(require_secagg).lower()}',
        "--max-retries",
        "30",
    ]
    return argv


def start_supernode(home: Path, superlink: str, db: Path, *, certificate: Path | None = None) -> Child:
    home.mkdir(parents=True, exist_ok=True)
    argv = supernode_argv(superlink, db, home / "fleet-state.json", port=free_port(), certificate=certificate)
    return start(
        f"supernode:{home.name}", argv, env=child_environment(home / "flwr"), log_path=home / "supernode.log"
    )


def write_federation(flwr_home: Path, superlink: SuperLink) -> None:
    """``$FLWR_HOME/config.toml`` for ``flwr run``: the SuperLink to submit the run to."""
    flwr_home.mkdir(parents=True, exist_ok=True)
    lines = ["[superlink.fleet]", f'address = "{superlink.address}"']
    if superlink.certificate:
        lines.append(f'root-certificates = "{superlink.certificate}"')
    else:
        lines.append("insecure = true")
    (flwr_home / "config.toml").write_text("\n".join(lines) + "\n")


@dataclass
class RunResult:
    returncode: int | None
    seconds: float
    log: str
    timed_out: bool = False
    children: list[str] = field(default_factory=list)


def run_app(folder: Path, superlink: SuperLink, settings: FleetSettings, *, timeout: float) -> RunResult:
    """Submit the fleet's app to ``superlink`` with ``flwr run --stream`` and wait at most ``timeout`` s."""
    app = write_app(folder, settings)
    flwr_home = folder / "flwr-cli"
    write_federation(flwr_home, superlink)
    argv = [flower_bin("flwr"), "run", str(app), "fleet", "--stream"]
    started = time.monotonic()
    child = start(
        "flwr-run", argv, env=child_environment(flwr_home), log_path=folder / "flwr-run.log", cwd=folder
    )
    timed_out = False
    try:
        child.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        code = child.stop()
    return RunResult(code, time.monotonic() - started, child.log_tail(), timed_out)
