"""Skipwise's Flower ClientApp: one device's part in a round (runs in the SuperNode's child processes).

Per round (``docs/fleet.md``):

- ``fit``: the baseline arrives and is validated like an imported profile;
  the device replays its play log from it (``local_train``), forms
  ``local - baseline``, clips it to L2 norm C and sends it (distributed DP: with
  its share of the noise, added by ``dp_mod``; then SecAgg+ masks it). Nothing
  else leaves the device: the reported example count is always 1, no metrics.
- ``evaluate``: the new baseline comes back, is validated and adopted as the
  profile's prior (``adopt_baseline``); the personal weights stay as they are.

The device's database and state file come from the SuperNode's node config
(``db=... state=...``), or, in the Simulation Engine, from the run config's
``devices-dir`` and the node's partition id.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from flwr.app import Context
from flwr.client import ClientApp, NumPyClient

from engine.fleet import config_keys as keys
from engine.fleet.adopt import adopt_baseline
from engine.fleet.baseline import Baseline, BaselineError, check_weights, labels_digest
from engine.fleet.device_state import read_state, write_state
from engine.fleet.dp_mod import dp_mod, secagg_when_used_mod
from engine.fleet.local_train import local_train
from engine.fleet.update import clip_update
from engine.store import open_db


def check_round_config(config: dict[str, Any]) -> tuple[float, str]:
    """The clip and what to send, from a round's config; BaselineError when it is not one to take part in."""
    if config.get(keys.LABELS) != labels_digest():
        raise BaselineError("the server's 42 parameters are not this version's (labels differ)")
    clip = config.get(keys.CLIP)
    if not isinstance(clip, float | int) or not math.isfinite(clip) or not 0 < clip <= keys.MAX_CLIP:
        raise BaselineError(f"the round's clip {clip!r} is not a number in (0, {keys.MAX_CLIP:g}]")
    send = config.get(keys.SEND, "delta")
    if send not in ("delta", "weights"):
        raise BaselineError(f"the round asks to send {send!r}")
    return float(clip), str(send)


def _baseline(parameters: list[np.ndarray], what: str) -> np.ndarray:
    if len(parameters) != 1:
        raise BaselineError(f"{what}: expected one array of 42 weights, got {len(parameters)} arrays")
    return check_weights(parameters[0], what)


class DeviceClient(NumPyClient):
    """One device: its database (plays, profile) and its fleet state file."""

    def __init__(self, db_path: Path, state_path: Path) -> None:
        self.db_path = db_path
        self.state_path = state_path

    def fit(self, parameters: list[np.ndarray], config: dict[str, Any]) -> tuple[list[np.ndarray], int, dict]:
        baseline = _baseline(parameters, "the round's baseline")
        clip, send = check_round_config(config)
        if not self.db_path.exists():
            raise BaselineError(f"no database at {self.db_path}")
        local = local_train(open_db(self.db_path), baseline)
        update = clip_update(local - baseline, clip)
        state = read_state(self.state_path)
        state.rounds_contributed += 1
        write_state(self.state_path, state)
        out = baseline + update if send == "weights" else update
        return [out.astype(np.float64)], 1, {}

    def evaluate(self, parameters: list[np.ndarray], config: dict[str, Any]) -> tuple[float, int, dict]:
        state = read_state(self.state_path)
        try:
            weights = _baseline(parameters, "the new baseline")
            if config.get(keys.LABELS) != labels_digest():
                raise BaselineError("the new baseline's 42 parameters are not this version's (labels differ)")
            rnd = int(config.get(keys.ROUND, 0))
            eps = config.get(keys.EPSILON)
            privacy = {"mode": config.get(keys.DP_MODE), "epsilon": eps, "delta": config.get(keys.DELTA)}
            baseline = Baseline(weights, rnd, str(config.get(keys.FLEET, "")), privacy)
            adopt_baseline(open_db(self.db_path), baseline, db_path=self.db_path)
        except BaselineError as exc:
            state.last_refusal = str(exc)
            write_state(self.state_path, state)
            raise
        state.last_round, state.baseline_version = rnd, baseline.version
        state.epsilon = float(eps) if isinstance(eps, float | int) and eps >= 0 else None
        state.delta = config.get(keys.DELTA)
        state.dp_mode, state.fleet, state.last_refusal = privacy["mode"], baseline.fleet, None
        write_state(self.state_path, state)
        return 0.0, 1, {}


def device_paths(context: Context, devices_dir: str | None = None) -> tuple[Path, Path]:
    """The device's database and state file: from the node config (``db=... state=...``), or, in the
    Simulation Engine, ``devices_dir``'s files for the node's partition id."""
    node = context.node_config
    if "db" in node:
        db = Path(str(node["db"]))
        state = Path(str(node.get("state", db.with_name(db.stem + ".fleet-state.json"))))
        return db, state
    if not devices_dir:
        raise BaselineError("this SuperNode was started without a database (--node-config db=PATH)")
    i = int(node["partition-id"])
    folder = Path(devices_dir)
    return folder / f"device-{i:04d}.db", folder / f"device-{i:04d}.fleet-state.json"


def make_client_app(
    devices_dir: str | None = None,
    *,
    client: type[DeviceClient] = DeviceClient,
    outer_mods: tuple = (),
    device_mod: Any = dp_mod,
) -> ClientApp:
    """The ClientApp: SecAgg+ outermost (when the round uses it), then the DP mod, then the device.

    ``outer_mods`` go outside all of them, ``device_mod`` replaces the DP mod (the tests' dropouts and
    hostile devices).
    """

    def client_fn(context: Context) -> Any:
        return client(*device_paths(context, devices_dir)).to_client()

    return ClientApp(client_fn=client_fn, mods=[*outer_mods, secagg_when_used_mod, device_mod])


app = make_client_app()
