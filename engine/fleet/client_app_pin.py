"""Only Skipwise's own ClientApp, from this installation, runs in a player's ``flwr-clientapp`` process.

Flower runs the app code (the FAB) that the SuperLink sends: its ``pyproject.toml``
names the ClientApp (``module:attribute``) and Flower imports it with the FAB's
folder first on ``sys.path``. Flower 1.42's answer, ``--trusted-entities``,
accepts only FABs that the SuperLink fetched from Flower Hub with a reviewer's
signature (``docs/fleet.md``), which a self-hosted fleet cannot give. So the
packaged player pins its ClientApp instead: ``pin()`` makes Flower's loader
hand out ``engine.fleet.client_app:app`` from the installed player and refuse
any other reference, before anything of the FAB is imported. A fleet server
can then send run config (checked by ``FleetSettings``), never code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CLIENT_APP_REF = "engine.fleet.client_app:app"  # what Skipwise's FAB names (engine/fleet/deployment.py)


def pin() -> None:
    """Replace Flower's ClientApp loader in this process by one that only gives Skipwise's ClientApp."""
    import flwr.clientapp.utils as loader

    from engine.fleet.client_app import app

    def load_pinned(
        module_attribute_str: str, error_type: type[Exception], project_dir: str | Path | None = None
    ) -> Any:
        if module_attribute_str != CLIENT_APP_REF:
            raise error_type(
                f"this player runs only its own ClientApp ({CLIENT_APP_REF}), not {module_attribute_str!r}"
            )
        return app

    loader.load_app = load_pinned  # get_load_client_app_fn's _load looks it up in its module
