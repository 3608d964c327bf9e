"""``skipwise plays``: the stored plays, oldest first (a contract other tools read)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from engine.cli.common import add_db_option, db_from, for_terminal, print_json, whole
from engine.store.pathcodec import from_db, printable
from engine.store.plays import list_plays

# The contract of `skipwise plays --json` first; the rest is extra and may grow.
CONTRACT_KEYS = ("path", "title", "started_at", "listened_ms", "position_ms", "duration_ms", "ended", "label")
EXTRA_KEYS = ("track_id", "label_kind", "session_id", "hour", "seeks_forward", "seeks_backward", "source")


def register(sub: Any) -> None:
    p = sub.add_parser("plays", help="list the stored plays with their timings and labels")
    add_db_option(p)
    p.add_argument("--limit", type=whole(1), default=None, metavar="N", help="only the N most recent plays")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=run)


def play_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        doc = {k: r[k] for k in CONTRACT_KEYS if k != "path"}
        doc = {"path": printable(from_db(r["path"])), **doc, **{k: r[k] for k in EXTRA_KEYS}}
        out.append(doc)
    return out


def run(args: argparse.Namespace) -> int:
    rows = play_rows(list_plays(db_from(args, must_exist=True), last=args.limit))
    if args.json:
        print_json(rows)
        return 0
    out = sys.stdout
    for r in rows:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r["started_at"]))
        label = "-" if r["label"] is None else f"{r['label']:.2f}"
        out.write(
            f"{when}  {r['ended']:<11} {r['listened_ms'] / 1000:6.1f} s of {r['duration_ms'] / 1000:6.1f} s"
            f"  label {label:>4} ({r['label_kind']})  {for_terminal(r['title'] or '')}\n"
        )
    if not rows:
        out.write("no plays yet\n")
    return 0
