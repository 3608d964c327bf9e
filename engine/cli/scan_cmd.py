"""``skipwise scan DIR...`` and ``skipwise tracks``: the library on the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.analysis.pool import DEFAULT_TIMEOUT_S, default_workers
from engine.cli.common import CliError, Progress, add_db_option, db_from, for_terminal, given_path, print_json
from engine.library.scan import Scanner, ScanStage
from engine.store.pathcodec import printable
from engine.store.scanning import list_tracks


def register(sub: Any) -> None:
    p = sub.add_parser("scan", help="find music in folders, read tags, analyse audio features")
    p.add_argument("dirs", nargs="+", type=given_path, metavar="DIR")
    add_db_option(p)
    p.add_argument(
        "--workers", type=int, default=None, help=f"analysis processes (default {default_workers()})"
    )
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds allowed per file")
    p.add_argument("--no-analysis", action="store_true", help="read tags only")
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="analyse again the files whose analysis failed in an earlier scan (a timeout, say)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=scan)
    t = sub.add_parser("tracks", help="list the library")
    add_db_option(t)
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=tracks)


def scan(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise CliError("--workers must be at least 1")
    missing = [str(d) for d in args.dirs if not d.exists()]
    if missing:
        raise CliError(f"no such file or folder: {', '.join(missing)}")
    if not args.timeout > 0:
        raise CliError(f"--timeout must be more than 0 seconds, got {args.timeout:g}")
    bars: dict[str, Progress] = {}

    def progress(stage: ScanStage, done: int, total: int) -> None:
        if stage is ScanStage.STORED:
            return
        bar = bars.get(stage)
        if bar is None:
            for other in bars.values():
                other.close()
            bar = bars[stage] = Progress(total, "reading tags" if stage is ScanStage.TAGS else "analysing")
        bar.advance(done - bar.done)

    scanner = Scanner(
        db_from(args),
        workers=args.workers,
        timeout_s=args.timeout,
        analyse=not args.no_analysis,
        progress=progress,
        retry_failed=args.retry_failed,
    )
    result = scanner.scan(args.dirs)
    for bar in bars.values():
        bar.close()
    if args.json:
        print_json(result.to_json())
        return 0
    out = sys.stdout
    out.write(
        f"{result.files} files: {result.added} new, {result.updated} changed, {result.unchanged} unchanged, "
        f"{result.missing} missing; {result.analysed} analysed, {len(result.failed)} failed "
        f"({result.seconds:.1f} s)\n"
    )
    for f in result.failed:
        out.write(f"  failed: {for_terminal(printable(f.path))}: {for_terminal(f.reason)}\n")
    return 0


def tracks(args: argparse.Namespace) -> int:
    rows = list_tracks(db_from(args, must_exist=True))
    for row in rows:
        row["path"] = printable(row["path"])
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        mark = (
            "" if row["status"] == "ok" and not row["error"] else f"  [{row['status']}: {row['error'] or ''}]"
        )
        print(for_terminal(f"{row['artist'] or '?'} - {row['title']}{mark}"))
    return 0
