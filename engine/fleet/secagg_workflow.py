"""SecAgg+ for the fleet: Flower's workflow, with what a round needs to survive dropouts and bad replies.

- ``RecoveringSecAggPlus``: Flower 1.42 loses the round when a device drops
  at *setup* or *share-keys* (nobody holds shares of its keys, and the unmask
  stage asks for them: ``KeyError`` on the devices). A device that never
  distributed its shares never took part in anyone's masks, so after
  share-keys it is dropped from the protocol's view: it leaves the sampled set
  and every neighbour list. Drops at the later stages are recovered by Flower.
- ``ScreenedGrid``: the server's own view of the replies. A masked vector that
  is not two arrays of the expected shapes of integers in [0, 2^32) cannot be
  summed and is dropped as if its device had left (the stage goes on without
  it). It can also record every reply, which the tests read to show that the
  server's code path only ever holds masked vectors.
- ``RetryingFit``: a round that yields no aggregate (too few devices, an
  aggregate refused, an error) is tried again, without the devices that
  dropped, up to ``retries`` times; the strategy's report says which.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, cast

import numpy as np
from flwr.app import Context, Message
from flwr.common import bytes_to_ndarray
from flwr.common.secure_aggregation.secaggplus_constants import RECORD_KEY_CONFIGS, Key
from flwr.server.workflow import SecAggPlusWorkflow
from flwr.serverapp.grid import Grid

from engine.learner.params import N_PARAMS

log = logging.getLogger("skipwise.fleet")
MOD_RANGE = 2**32


class RecoveringSecAggPlus(SecAggPlusWorkflow):
    """Flower's SecAgg+ workflow, with devices that dropped before sharing their keys left out of it."""

    def __init__(
        self, *args: Any, on_stage: Callable[[str, set[int], set[int]], None] | None = None, **kw: Any
    ):
        super().__init__(*args, **kw)
        self.on_stage = on_stage  # (stage, sampled, active) after each stage: the strategy's dropout record

    def _report(self, stage: str, state: Any) -> None:
        if self.on_stage:
            self.on_stage(stage, set(state.sampled_node_ids), set(state.active_node_ids))

    def _forget_inactive(self, stage: str, state: Any) -> bool:
        """Leave out the devices that did not answer ``stage`` (setup or share-keys); threshold still met?"""
        kept = set(state.active_node_ids)
        gone = state.sampled_node_ids - kept
        if gone:
            log.warning("SecAgg+: %d device(s) left at %s; the round goes on without them", len(gone), stage)
            state.sampled_node_ids = kept
            state.nid_to_neighbours = {nid: nbrs & kept for nid, nbrs in state.nid_to_neighbours.items()}
        self._report(stage, state)
        return len(kept) >= 2 and self._check_threshold(state)

    def setup_stage(self, grid: Grid, context: Any, state: Any) -> bool:
        super().setup_stage(grid, context, state)
        return bool(state.sampled_node_ids) and self._forget_inactive("setup", state)

    def share_keys_stage(self, grid: Grid, context: Any, state: Any) -> bool:
        super().share_keys_stage(grid, context, state)
        return self._forget_inactive("share-keys", state)

    def collect_masked_vectors_stage(self, grid: Grid, context: Any, state: Any) -> bool:
        ok = super().collect_masked_vectors_stage(grid, context, state)
        self._report("collect-masked-vectors", state)
        return ok

    def unmask_stage(self, grid: Grid, context: Any, state: Any) -> bool:
        ok = super().unmask_stage(grid, context, state)
        self._report("unmask", state)
        return ok


def masked_vector_problem(msg: Message) -> str | None:
    """Why a reply's masked vector cannot be summed, or None (also for replies that carry none)."""
    if msg.has_error() or RECORD_KEY_CONFIGS not in msg.content.config_records:
        return None
    cfg = msg.content.config_records[RECORD_KEY_CONFIGS]
    if Key.MASKED_PARAMETERS not in cfg:
        return None
    blobs = cfg[Key.MASKED_PARAMETERS]
    if not isinstance(blobs, list) or len(blobs) != 2 or not all(isinstance(b, bytes) for b in blobs):
        return "a masked vector must be two arrays"
    try:
        arrays = [bytes_to_ndarray(cast(bytes, b)) for b in blobs]
    except Exception as exc:
        return f"a masked vector does not decode: {exc}"
    if [a.shape for a in arrays] != [(1,), (N_PARAMS,)]:
        return f"a masked vector has shapes {[a.shape for a in arrays]}, expected [(1,), ({N_PARAMS},)]"
    for a in arrays:
        if a.dtype.kind not in "iu" or np.any(a < 0) or np.any(a >= MOD_RANGE):
            return "a masked vector holds values that are not integers in [0, 2^32)"
    return None


class ScreenedGrid:
    """A Grid whose replies are screened (``masked_vector_problem``) and optionally recorded."""

    def __init__(self, grid: Grid, *, timeout: float, record: list[Message] | None = None) -> None:
        self._grid = grid
        self.timeout = timeout  # every exchange is bounded, also those Flower's workflows leave unbounded
        self.record = record
        self.screened_out: list[tuple[int, str]] = []  # (node id, why)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._grid, name)

    def send_and_receive(self, messages: Iterable[Message], *, timeout: float | None = None) -> list[Message]:
        wait = self.timeout if timeout is None else min(timeout, self.timeout)
        replies = list(self._grid.send_and_receive(messages, timeout=wait))
        if self.record is not None:
            self.record.extend(replies)
        kept = []
        for msg in replies:
            problem = masked_vector_problem(msg)
            if problem is None:
                kept.append(msg)
            else:
                self.screened_out.append((msg.metadata.src_node_id, problem))
                log.warning("device %s: %s; left out of the round", msg.metadata.src_node_id, problem)
        return kept


class RetryingFit:
    """Run a fit workflow until the strategy records an aggregate for the round, at most 1 + retries times."""

    def __init__(self, inner: Callable[[Grid, Context], None], strategy: Any, retries: int) -> None:
        self.inner, self.strategy, self.retries = inner, strategy, retries

    def __call__(self, grid: Grid, context: Context) -> None:
        for attempt in range(1, self.retries + 2):
            self.strategy.begin_attempt(attempt)
            try:
                self.inner(grid, context)
            except Exception as exc:
                log.exception("round attempt %d failed", attempt)
                self.strategy.attempt_failed(f"{type(exc).__name__}: {exc}")
            if self.strategy.round_done():
                return
        self.strategy.round_lost()
