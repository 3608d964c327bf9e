"""``skipwise fleet serve``: a SuperLink on the given address and the fleet's rounds, then its report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.fleet.deployment import run_app, start_superlink
from engine.fleet.local_fleet import run_budget
from engine.fleet.settings import FleetSettings


def serve(
    settings: FleetSettings, *, host: str, port: int, certificate: Path | None = None, key: Path | None = None
) -> dict[str, Any]:
    """Start the SuperLink, run every round (waiting for devices to join), stop it; the report."""
    out = Path(settings.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    link = start_superlink(out / "superlink", host=host, port=port, certificate=certificate, key=key)
    try:
        result = run_app(out / "run", link, settings, timeout=settings.wait_devices + run_budget(settings))
    finally:
        link.child.stop()
    report_path = out / "report.json"
    if not report_path.exists():
        return {"rounds": 0, "rounds_completed": 0, "dp": {}, "problem": result.log[-1500:]}
    return json.loads(report_path.read_text())
