"""A whole fleet on this machine as real processes: one SuperLink and a SuperNode per device database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.fleet.deployment import run_app, start_superlink, start_supernode
from engine.fleet.processes import Child
from engine.fleet.settings import FleetSettings

SECONDS_PER_EXCHANGE = 15.0  # measured ~9-10 s per message exchange here (a 3 s poll, a process per message)


def run_budget(settings: FleetSettings) -> float:
    """A generous bound on a run's wall time: five exchanges a round, every attempt, plus start-up."""
    return 60.0 + settings.rounds * (1 + settings.retries) * 5 * max(
        SECONDS_PER_EXCHANGE, settings.stage_timeout
    )


def run_local_fleet(settings: FleetSettings, dbs: list[Path], folder: Path) -> dict[str, Any]:
    """Run the fleet on 127.0.0.1 and return its report (``report.json`` in the settings' out dir)."""
    link = start_superlink(folder / "superlink")
    nodes: list[Child] = []
    try:
        nodes = [start_supernode(folder / f"node-{i:04d}", link.address, db) for i, db in enumerate(dbs)]
        result = run_app(folder / "run", link, settings, timeout=run_budget(settings))
    finally:
        for node in nodes:
            node.stop()
        link.child.stop()
    report_path = Path(settings.out_dir) / "report.json"
    if not report_path.exists():
        raise RuntimeError(
            f"the fleet run wrote no report (flwr run: {result.returncode}): {result.log[-1500:]}"
        )
    report = json.loads(report_path.read_text())
    report["flwr_run"] = {"returncode": result.returncode, "seconds": round(result.seconds, 2),
                          "timed_out": result.timed_out}  # fmt: skip
    return report
