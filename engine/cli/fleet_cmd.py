"""``skipwise fleet``: join, leave and status for a player; serve and simulate for a fleet's operator.

Nothing here imports Flower at start-up: each subcommand loads what it needs
when it runs (``join``, ``leave`` and ``status`` never do).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from engine.cli.common import CliError, add_db_option, given_path, print_json, real, whole

DP_CHOICES = ("distributed", "central", "off")
FLEET_HINT = "pip install 'skipwise[fleet-server,fleet-sim]'"


def register(sub: Any) -> None:
    p = sub.add_parser("fleet", help="fleet learning: join a fleet, or serve and simulate one")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    join = actions.add_parser("join", help="join the fleet at ADDRESS (host:port); off until you do")
    join.add_argument("address")
    add_db_option(join)
    join.add_argument("--certificate", type=given_path, metavar="FILE", help="the SuperLink's CA certificate")
    join.set_defaults(func=join_cmd)
    leave = actions.add_parser("leave", help="leave the fleet (the player stops its SuperNode)")
    leave.set_defaults(func=leave_cmd)
    status = actions.add_parser("status", help="membership, last round, baseline version, epsilon spent")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=status_cmd)

    serve = actions.add_parser("serve", help="run a fleet server: a SuperLink and the rounds")
    _round_options(serve, required=True)
    serve.add_argument("--min-devices", type=whole(3), required=True, metavar="N")
    serve.add_argument("--listen", default="127.0.0.1:9092", metavar="ADDRESS",
                       help="host:port of the SuperLink (default 127.0.0.1:9092, loopback)")  # fmt: skip
    serve.add_argument("--certificate", type=given_path, metavar="FILE", help="TLS certificate (PEM)")
    serve.add_argument("--key", type=given_path, metavar="FILE", help="TLS private key (PEM)")
    serve.add_argument(
        "--baseline", type=given_path, metavar="FILE", help="round 0's baseline (default: the prior)"
    )
    serve.add_argument("--stage-timeout", type=real(1, 3600), default=120.0, metavar="S")
    serve.add_argument("--wait-devices", type=real(1, 86400), default=600.0, metavar="S")
    serve.add_argument("--out", type=given_path, required=True, metavar="DIR")
    serve.set_defaults(func=serve_cmd)

    sim = actions.add_parser("simulate", help="a fleet of simulated listeners: baseline, cold start, privacy")
    sim.add_argument("--devices", type=whole(3, 1000), required=True, metavar="D")
    _round_options(sim, required=False)
    sim.add_argument("--events", type=whole(1, 100_000), default=300, metavar="E", help="plays per device")
    sim.add_argument("--engine", choices=("simulation", "deployment"), default="simulation")
    sim.add_argument("--shared", choices=("on", "off"), default="on")
    sim.add_argument("--seed", type=whole(0), default=0)
    sim.add_argument("--held-out", type=whole(2, 1000), default=30, metavar="H", help="held-out listeners")
    sim.add_argument("--json", action="store_true")
    sim.set_defaults(func=simulate_cmd)


def _round_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--rounds", type=whole(1, 10_000), required=required, default=None if required else 5)
    p.add_argument(
        "--per-round", type=whole(0, 1000), default=0, metavar="K", help="devices a round (0: all)"
    )
    p.add_argument("--clip", type=real(1e-6, 100), default=None if required else 1.0, required=required)
    p.add_argument("--noise-multiplier", type=real(0, 1e6), default=None, required=required, metavar="Z")
    p.add_argument("--dp", choices=DP_CHOICES, default="distributed")
    p.add_argument("--no-secagg", action="store_true", help="plain federated averaging (no SecAgg+)")


def _need_flower() -> None:
    import importlib.util

    missing = [m for m in ("flwr", "dp_accounting") if importlib.util.find_spec(m) is None]
    if missing:
        raise CliError(f"this needs {', '.join(missing)}, which is not installed ({FLEET_HINT})")


def join_cmd(args: argparse.Namespace) -> int:
    from engine.fleet.membership import MembershipError, join

    try:
        member = join(args.address, db=args.db, certificate=args.certificate)
    except MembershipError as exc:
        raise CliError(str(exc)) from None
    print(f"joined the fleet at {member.address}; the player takes part while it runs (a running one: now)")
    return 0


def leave_cmd(args: argparse.Namespace) -> int:
    from engine.fleet.membership import leave

    member = leave()
    print(f"left the fleet{' at ' + member.address if member.address else ''}")
    return 0


def status_cmd(args: argparse.Namespace) -> int:
    from engine.fleet.membership import status
    from engine.fleet.statements import WHAT_COMES_BACK, WHAT_LEAVES

    doc = status()
    if args.json:
        print_json(doc)
        return 0
    if not doc["joined"]:
        print("not in a fleet (off by default): `skipwise fleet join ADDRESS` to take part")
    else:
        print(f"joined: {doc['address']} (certificate: {doc['certificate'] or 'none'})")
    eps = "unknown" if doc["epsilon"] is None else f"{doc['epsilon']:.3g} at delta {doc['delta']:g}"
    print(
        f"last round: {doc['last_round']}, baseline version: {doc['baseline_version']}, epsilon spent: {eps}"
    )
    if doc["last_refusal"]:
        print(f"last baseline refused: {doc['last_refusal']}")
    print(f"what leaves this device: {WHAT_LEAVES}\nwhat comes back: {WHAT_COMES_BACK}")
    return 0


def _settings(args: argparse.Namespace, **kw: Any) -> Any:
    from engine.fleet.settings import FleetSettings

    try:
        return FleetSettings(rounds=args.rounds, per_round=args.per_round, clip=args.clip, dp=args.dp,
                             secagg=not args.no_secagg, **kw)  # fmt: skip
    except ValueError as exc:
        raise CliError(str(exc)) from None


def serve_cmd(args: argparse.Namespace) -> int:
    _need_flower()
    from engine.fleet.baseline import Baseline, BaselineError
    from engine.fleet.serve import serve

    if bool(args.certificate) != bool(args.key):
        raise CliError("TLS needs both --certificate FILE and --key FILE")
    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit() or host == "0.0.0.0":
        raise CliError(f"--listen {args.listen!r}: expected host:port of one interface (not 0.0.0.0)")
    if args.baseline:
        try:
            Baseline.read(args.baseline)
        except BaselineError as exc:
            raise CliError(f"--baseline: {exc}") from None
    settings = _settings(
        args, min_devices=args.min_devices, noise_multiplier=args.noise_multiplier, out_dir=str(args.out),
        baseline_file=str(args.baseline or ""), fleet=args.listen, stage_timeout=args.stage_timeout,
        wait_devices=args.wait_devices,
    )  # fmt: skip
    report = serve(settings, host=host, port=int(port), certificate=args.certificate, key=args.key)
    print(json.dumps({k: report[k] for k in ("rounds", "rounds_completed", "dp")}, indent=2))
    return 0 if report["rounds_completed"] == settings.rounds else 1


def simulate_cmd(args: argparse.Namespace) -> int:
    _need_flower()
    from engine.fleet.fleet_sim import simulate_fleet

    _settings(args, min_devices=min(args.per_round or args.devices, args.devices), noise_multiplier=0.0)
    doc = simulate_fleet(
        devices=args.devices, rounds=args.rounds, per_round=args.per_round, events=args.events,
        clip=args.clip, noise_multiplier=args.noise_multiplier, dp=args.dp, secagg=not args.no_secagg,
        engine=args.engine,
        shared=args.shared == "on", seed=args.seed, held_out=args.held_out,
    )  # fmt: skip
    if args.json:
        print_json(doc)
    else:
        c = doc["cold_start_skip_rate"]
        print(f"{doc['devices']} devices, {doc['rounds']} rounds: cold start (median skip rate, 1-100) "
              f"hand {c['hand']['median']:.3f}, fleet {c['fleet']['median']:.3f}; "
              f"epsilon {doc['dp']['epsilon']} at delta {doc['dp']['delta']:g}", file=sys.stdout)  # fmt: skip
    return 0
