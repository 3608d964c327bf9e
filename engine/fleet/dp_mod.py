"""Client mods on Flower's mod mechanism: SecAgg+ when the round uses it, and the device's DP step.

``dp_mod`` sits inside ``secaggplus_mod``, so it sees the device's clipped
update before it is masked:

- ``distributed`` (the default): it adds Gaussian noise N(0, (z C)^2 / n) per
  weight, n the devices the server expects this round; the n shares sum to
  N(0, (z C)^2), so even the server sees only a noised sum.
- ``central``: Flower's ``fixedclipping_mod`` clips; the server adds the noise.
- ``off``: the clipped update goes as it is.

``secagg_when_used_mod`` runs Flower's ``secaggplus_mod`` for rounds that use
SecAgg+; a device whose node config says ``require-secagg=true`` (the player
always does) refuses a round without it.
"""

from __future__ import annotations

import math
import secrets

import numpy as np
from flwr.app import Context, Message
from flwr.app.message_type import MessageType
from flwr.client.mod import fixedclipping_mod, secaggplus_mod
from flwr.clientapp.typing import ClientAppCallable
from flwr.common import ndarrays_to_parameters, parameters_to_ndarrays
from flwr.common.secure_aggregation.secaggplus_constants import RECORD_KEY_CONFIGS
from flwr.compat.common import recorddict_compat as compat

from engine.fleet import config_keys as keys
from engine.fleet.update import clip_update


class RoundRefusedError(RuntimeError):
    """The device does not take part in this round (the reason goes back to the server as an error)."""


def _truthy(value: object) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


def secagg_when_used_mod(msg: Message, ctxt: Context, call_next: ClientAppCallable) -> Message:
    if msg.metadata.message_type != MessageType.TRAIN:
        return call_next(msg, ctxt)
    if RECORD_KEY_CONFIGS in msg.content.config_records:
        return secaggplus_mod(msg, ctxt, call_next)
    if _truthy(ctxt.node_config.get("require-secagg", False)):
        raise RoundRefusedError("this device takes part only in rounds with secure aggregation (SecAgg+)")
    return call_next(msg, ctxt)


def device_noise_std(noise_multiplier: float, clip: float, expected_devices: int) -> float:
    """The standard deviation of one device's share of the noise: z C / sqrt(n)."""
    return noise_multiplier * clip / math.sqrt(max(expected_devices, 1))


def dp_mod(msg: Message, ctxt: Context, call_next: ClientAppCallable) -> Message:
    if msg.metadata.message_type != MessageType.TRAIN:
        return call_next(msg, ctxt)
    config = compat.recorddict_to_fitins(msg.content, keep_input=True).config
    mode = config.get(keys.DP_MODE, "distributed")
    if mode not in keys.DP_MODES:
        raise RoundRefusedError(f"unknown DP mode {mode!r}")
    if mode == "central":
        return fixedclipping_mod(msg, ctxt, call_next)
    out = call_next(msg, ctxt)
    if out.has_error():
        return out
    z, clip, n = config.get(keys.NOISE, 0.0), config.get(keys.CLIP), config.get(keys.EXPECTED, 1)
    if not (isinstance(z, float | int) and math.isfinite(z) and z >= 0) or not isinstance(n, int) or n < 1:
        raise RoundRefusedError("the round's noise multiplier or expected device count is not usable")
    if not (isinstance(clip, float | int) and math.isfinite(clip) and clip > 0):
        raise RoundRefusedError(f"the round's clip {clip!r} is not a positive number")
    fit_res = compat.recorddict_to_fitres(out.content, keep_input=True)
    (update,) = parameters_to_ndarrays(fit_res.parameters)
    update = clip_update(update, float(clip))  # the client clipped already; a mod below must not undo it
    if mode == "distributed" and z > 0:
        rng = np.random.default_rng(secrets.randbits(128))
        update = update + rng.normal(0.0, device_noise_std(z, float(clip), n), update.shape)
    fit_res.parameters = ndarrays_to_parameters([update])
    out.content = compat.fitres_to_recorddict(fit_res, keep_input=True)
    return out
