"""Fleet learning: players improve a shared baseline through secure aggregation and differential privacy.

Nothing in this package is imported by the player or the CLI at start-up:
the modules that need Flower (``client_app``, ``server_app``, ``dp_mod``,
``secagg_workflow``, ``strategy``, ``simulation``) are loaded only by the
processes that take part in a fleet. See ``docs/fleet.md``.
"""

import os

from engine.fleet.privacy_env import quiet_environment

# Before any Flower module is imported: Flower reads its telemetry switch once, at import.
os.environ.update(quiet_environment())
