"""``skipwise profile``: show, export, import, undo and reset the learner's profile."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from engine.atomic import write_text_atomic
from engine.cli.common import CliError, add_db_option, db_from, db_path, print_json
from engine.learner.params import GROUPS, LABELS
from engine.learner.profile import Mode, Profile, ProfileError
from engine.start_prior import start_prior
from engine.store.player_lock import running_player
from engine.store.profiles import load_profile, save_profile, undo_last, undone_what


def register(sub: Any) -> None:
    p = sub.add_parser("profile", help="show, export, import, undo or reset the learned profile")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the 42 weights by group")
    add_db_option(show)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=show_cmd)
    export = actions.add_parser("export", help="write the profile as a JSON file")
    add_db_option(export)
    export.add_argument("path", type=Path)
    export.set_defaults(func=export_cmd)
    imp = actions.add_parser("import", help="replace the profile with a JSON file (validated first)")
    add_db_option(imp)
    imp.add_argument("path", type=Path)
    imp.set_defaults(func=import_cmd)
    undo = actions.add_parser("undo", help="undo the last update")
    add_db_option(undo)
    undo.set_defaults(func=undo_cmd)
    reset = actions.add_parser(
        "reset", help="start again from the shipped prior, or the fleet's if one was adopted (can be undone)"
    )
    add_db_option(reset)
    mode = reset.add_mutually_exclusive_group()
    mode.add_argument("--int8", action="store_true", help="start the new profile in INT8 mode")
    mode.add_argument("--float32", action="store_true", help="start the new profile in float32 mode")
    reset.set_defaults(func=reset_cmd)


def _current(args: argparse.Namespace, *, must_exist: bool = True) -> Profile:
    loaded = load_profile(db_from(args, must_exist=must_exist))
    if loaded is None:
        return Profile.from_prior(start_prior(db_path(args)))
    for problem in loaded.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return loaded.profile


def show_cmd(args: argparse.Namespace) -> int:
    profile = _current(args)
    if args.json:
        print_json(profile.to_json())
        return 0
    w = profile.weights
    print(f"mode {profile.mode}, {profile.steps} updates")
    print(f"started from the prior {describe_origin(profile.origin)}")
    for g in GROUPS:
        print(f"{g.title} ({g.size})")
        for i in range(g.start, g.stop):
            print(f"  {LABELS[i]:<42} {w[i]:+.4f}   (prior {profile.prior[i]:+.2f})")
    return 0


def describe_origin(origin: dict[str, Any]) -> str:
    """``'hand' (made_by hand, sha256 93f89bdfbac6)``: a profile's prior origin in one line."""
    details = [
        f"{key} {str(value)[:12] if key == 'sha256' else value}"
        for key, value in origin.items()
        if key != "name"
    ]
    return repr(origin["name"]) + (f" ({', '.join(details)})" if details else "")


def export_cmd(args: argparse.Namespace) -> int:
    if _is_the_database(Path(args.path), db_path(args)):
        raise CliError(f"{args.path} is the database itself: nothing was exported (name another file)")
    text = _current(args).dumps() + "\n"
    try:
        write_text_atomic(args.path, text)
    except OSError as exc:
        raise CliError(f"cannot write {args.path}: {exc.strerror or exc}") from None
    print(f"exported the profile to {args.path}")
    return 0


def _is_the_database(target: Path, db: Path) -> bool:
    """Whether writing ``target`` would replace the database or its WAL files."""
    for part in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        with contextlib.suppress(OSError):
            if os.path.samefile(target, part):
                return True
    return False


def import_cmd(args: argparse.Namespace) -> int:
    try:
        profile = Profile.read(args.path)
    except ProfileError as exc:
        raise CliError(f"{args.path} was not imported, the current profile is unchanged: {exc}") from None
    _refuse_under_a_running_player(args)
    save_profile(db_from(args), profile, "import")
    print(f"imported {args.path} ({profile.steps} updates, {profile.mode})")
    return 0


def _refuse_under_a_running_player(args: argparse.Namespace) -> None:
    """The player keeps its profile in memory and saves it after every play: a change made
    here while it runs would be overwritten, so it is refused."""
    pid = running_player(db_path(args))
    if pid is not None:
        raise CliError(
            f"the player (pid {pid}) has this library open and would overwrite the change; "
            "close it first, or use Undo, Reset or Import in its Weights panel"
        )


def undo_cmd(args: argparse.Namespace) -> int:
    _refuse_under_a_running_player(args)
    loaded = undo_last(db_from(args, must_exist=True))
    if loaded is None:
        raise CliError("nothing to undo")
    print(f"undid {undone_what(loaded.undid)}: the profile is back at {loaded.profile.steps} updates")
    return 0


def reset_cmd(args: argparse.Namespace) -> int:
    _refuse_under_a_running_player(args)
    if args.int8 or args.float32:
        mode: Mode = "int8" if args.int8 else "float32"
    else:
        try:
            mode = _current(args, must_exist=False).mode
        except ProfileError as exc:  # nothing usable to take the mode from: the reset is the way out
            print(f"warning: {exc}\nresetting to a float32 profile (--int8 for INT8)", file=sys.stderr)
            mode = "float32"
    prior = start_prior(db_path(args))
    save_profile(db_from(args), Profile.from_prior(prior, mode=mode), "reset")
    print(
        f"the profile is back at the prior {prior.name!r} (`skipwise profile undo` brings the old one back)"
    )
    return 0
