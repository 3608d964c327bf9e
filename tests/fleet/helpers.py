"""Test-only devices: one that drops out at a SecAgg+ stage, and hostile ones that send bad updates."""

from __future__ import annotations

from typing import Any

import numpy as np
from flwr.app import Context, Message
from flwr.app.message_type import MessageType
from flwr.common import ndarrays_to_parameters
from flwr.common.secure_aggregation.secaggplus_constants import RECORD_KEY_CONFIGS, Key
from flwr.compat.common import recorddict_compat as compat

from engine.fleet.dp_mod import dp_mod


def drop_at(stage: str, partition: int = 0) -> Any:
    """A mod that makes device ``partition`` fail (leave) at SecAgg+ stage ``stage``."""

    def mod(msg: Message, ctxt: Context, call_next: Any) -> Message:
        if (
            msg.metadata.message_type == MessageType.TRAIN
            and int(ctxt.node_config["partition-id"]) == partition
        ):
            cfg = msg.content.config_records.get(RECORD_KEY_CONFIGS)
            if cfg is not None and cfg.get(Key.STAGE) == stage:
                raise ConnectionError(f"device left at {stage}")
        return call_next(msg, ctxt)

    return mod


HOSTILE = {0: "nan", 1: "shape", 2: "huge"}


def hostile_update_mod(msg: Message, ctxt: Context, call_next: Any) -> Message:
    """Inside SecAgg+, in place of the honest DP mod: devices 0-2 send NaN, 43 numbers, a norm of 1e6."""
    kind = HOSTILE.get(int(ctxt.node_config["partition-id"]))
    if kind is None or msg.metadata.message_type != MessageType.TRAIN:
        return dp_mod(msg, ctxt, call_next)
    out = call_next(msg, ctxt)
    fit_res = compat.recorddict_to_fitres(out.content, keep_input=True)
    bad = {"nan": np.full(42, np.nan), "shape": np.ones(43), "huge": np.full(42, 1e6 / np.sqrt(42))}[kind]
    fit_res.parameters = ndarrays_to_parameters([bad])
    out.content = compat.fitres_to_recorddict(fit_res, keep_input=True)
    return out
