"""Skipwise's Flower ServerApp: rounds of SecAgg+ (or plain) federated averaging with DP.

The compat path that SecAgg+ needs in Flower 1.42 (``docs/fleet.md``):
``LegacyContext`` + ``DefaultWorkflow(fit_workflow=SecAggPlusWorkflow)`` over a
compat strategy, under today's ``ServerApp`` and ``Grid``. The run's settings
come from the run config (``FleetSettings.to_run_config``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import numpy as np
from flwr.app import Context, Message
from flwr.app.message_type import MessageType
from flwr.compat.common import recorddict_compat as compat
from flwr.server import LegacyContext, ServerConfig
from flwr.server.workflow import DefaultWorkflow
from flwr.server.workflow.constant import MAIN_CONFIGS_RECORD, MAIN_PARAMS_RECORD
from flwr.server.workflow.constant import Key as WorkflowKey
from flwr.server.workflow.default_workflows import default_fit_workflow
from flwr.serverapp import Grid, ServerApp

from engine.fleet.baseline import Baseline
from engine.fleet.dp_mod import device_noise_std
from engine.fleet.secagg_workflow import RecoveringSecAggPlus, RetryingFit, ScreenedGrid
from engine.fleet.settings import MAX_PER_ROUND, FleetSettings
from engine.fleet.strategy import FleetStrategy
from engine.fleet.update import NOISE_SIGMAS
from engine.learner.params import bounds
from engine.learner.profile import load_prior

log = logging.getLogger("skipwise.fleet")
SHARE_THRESHOLD = 0.6  # of a device's neighbours must stay to rebuild its masks (2 of 3, 30 of 50)


def secagg_ranges(settings: FleetSettings) -> tuple[float, int]:
    """SecAgg+'s per-value clipping range and quantisation range for this run.

    The range covers every honest value: a clipped update's entries are at most C,
    its noise share at most NOISE_SIGMAS deviations (with central DP the devices
    send weights, within their bound plus C). The quantisation range keeps the sum of
    MAX_PER_ROUND quantised values below SecAgg+'s modulus 2^32.
    """
    s = settings
    if s.dp == "central":
        value = float(np.max(bounds())) + s.clip
    else:
        value = s.clip + NOISE_SIGMAS * device_noise_std(s.z, s.clip, s.min_devices)
    devices = s.per_round or MAX_PER_ROUND
    quantization = 2 ** math.floor(math.log2(2**31 / devices))
    return value, min(quantization, 2**22)


def initial_baseline(settings: FleetSettings) -> np.ndarray:
    return Baseline.read(Path(settings.baseline_file)).weights if settings.baseline_file else load_prior()


def bounded_evaluate(timeout: float) -> Callable[[Grid, Context], None]:
    """Publish the new baseline to the devices and count who took it, waiting at most ``timeout`` s."""

    def workflow(grid: Grid, context: Context) -> None:
        assert isinstance(context, LegacyContext)
        cfg = context.state.config_records[MAIN_CONFIGS_RECORD]
        rnd = int(cfg[WorkflowKey.CURRENT_ROUND])  # type: ignore[arg-type]
        params = compat.arrayrecord_to_parameters(context.state.array_records[MAIN_PARAMS_RECORD], True)
        todo = context.strategy.configure_evaluate(rnd, params, context.client_manager)
        if not todo:
            return
        proxies = {proxy.node_id: proxy for proxy, _ in todo}
        out = [
            Message(compat.evaluateins_to_recorddict(ins, True), dst_node_id=proxy.node_id,
                    message_type=MessageType.EVALUATE, group_id=str(rnd))
            for proxy, ins in todo
        ]  # fmt: skip
        results: list[Any] = []
        failures: list[Any] = []
        for msg in grid.send_and_receive(out, timeout=timeout):
            if msg.has_content():
                results.append(
                    (proxies[msg.metadata.src_node_id], compat.recorddict_to_evaluateres(msg.content))
                )
            else:
                failures.append(Exception(msg.error.reason if msg.error else "no reply"))
        failures += [Exception("no reply")] * (len(todo) - len(results) - len(failures))
        context.strategy.aggregate_evaluate(rnd, results, failures)

    return workflow


def run_fleet(
    grid: Grid,
    context: Context,
    *,
    settings: FleetSettings | None = None,
    record: list[Message] | None = None,
    on_round: Callable[[FleetStrategy], None] | None = None,
) -> FleetStrategy:
    """Run every round of the fleet (``settings``, by default from ``context.run_config``).

    ``record`` collects every reply the server's code receives; ``on_round`` is
    called after each round that published a baseline. Returns the strategy (its report).
    """
    settings = settings or FleetSettings.from_run_config(dict(context.run_config))
    clipping_range, quantization_range = secagg_ranges(settings)
    quantum = 2 * clipping_range / quantization_range if settings.secagg else 0.0
    strategy = FleetStrategy(settings, initial_baseline(settings), quantum=quantum, on_round=on_round)
    legacy = LegacyContext(context, config=ServerConfig(num_rounds=settings.rounds), strategy=strategy)
    if settings.secagg:
        inner: Callable[[Grid, Context], None] = RecoveringSecAggPlus(
            num_shares=1.0,
            reconstruction_threshold=SHARE_THRESHOLD,
            max_weight=1.0,
            clipping_range=clipping_range,
            quantization_range=quantization_range,
            timeout=settings.stage_timeout,
            on_stage=strategy.on_stage,
        )
    else:
        inner = default_fit_workflow
    workflow = DefaultWorkflow(
        fit_workflow=RetryingFit(inner, strategy, settings.retries),
        evaluate_workflow=bounded_evaluate(settings.stage_timeout),
    )
    screened = ScreenedGrid(grid, timeout=settings.stage_timeout, record=record)
    workflow(cast(Grid, screened), legacy)  # a Grid in all but name: it forwards every other call
    return strategy


app = ServerApp()


@app.main()
def main(grid: Grid, context: Context) -> None:
    run_fleet(grid, context)
