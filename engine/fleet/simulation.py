"""Flower's Simulation Engine (Ray, loopback only) running the fleet's ServerApp and ClientApp in-process."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from flwr.app import Context, Message
from flwr.client import ClientApp
from flwr.serverapp import Grid, ServerApp

from engine.fleet.client_app import make_client_app
from engine.fleet.privacy_env import quiet_environment
from engine.fleet.server_app import run_fleet
from engine.fleet.settings import FleetSettings
from engine.fleet.strategy import FleetStrategy


def run_in_simulation(
    settings: FleetSettings,
    devices: int,
    devices_dir: Path,
    *,
    client_app: ClientApp | None = None,
    record: list[Message] | None = None,
    on_round: Callable[[FleetStrategy], None] | None = None,
) -> FleetStrategy:
    """Run the fleet on ``devices`` virtual SuperNodes whose databases are in ``devices_dir``."""
    os.environ.update(quiet_environment())
    from flwr.simulation import run_simulation

    holder: list[FleetStrategy] = []
    server = ServerApp()

    @server.main()
    def main(grid: Grid, context: Context) -> None:
        holder.append(run_fleet(grid, context, settings=settings, record=record, on_round=on_round))

    backend = {
        "init_args": {"num_cpus": 2, "include_dashboard": False, "_node_ip_address": "127.0.0.1"},
        "client_resources": {"num_cpus": 1, "num_gpus": 0.0},
    }
    run_simulation(
        server_app=server,
        client_app=client_app or make_client_app(str(devices_dir)),
        num_supernodes=devices,
        backend_config=backend,  # type: ignore[arg-type]
    )
    if not holder:
        raise RuntimeError("the fleet's ServerApp did not finish (see the log above)")
    return holder[0]
