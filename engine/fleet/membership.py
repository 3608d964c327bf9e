"""The listener's fleet membership: off by default; joining stores the SuperLink's address and certificate.

Kept in ``fleet.json`` beside the player's settings (``engine.paths.config_dir``),
with the device's state (``fleet-state.json``, written by the ClientApp) beside it.
Nothing here opens a socket or imports Flower.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from engine.atomic import write_text_atomic
from engine.fleet.adopt import baseline_path
from engine.fleet.device_state import read_state
from engine.paths import config_dir, default_db_path

_ADDRESS = re.compile(r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$")


class MembershipError(ValueError):
    """A join that cannot be stored (bad address, missing certificate), with the reason."""


@dataclass
class Membership:
    joined: bool = False
    address: str | None = None
    certificate: str | None = None  # the SuperLink's CA certificate (PEM); None: plain (loopback tests only)
    db: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def membership_path() -> Path:
    return config_dir() / "fleet.json"


def state_path() -> Path:
    return config_dir() / "fleet-state.json"


def check_address(address: str) -> str:
    """``host:port`` as the SuperNode takes it; MembershipError otherwise."""
    match = _ADDRESS.match(address.strip())
    if not match or not 0 < int(match.group(2)) < 65536:
        raise MembershipError(f"{address!r} is not an address like fleet.example.org:9092 (host:port)")
    return address.strip()


def read_membership(path: Path | None = None) -> Membership:
    try:
        doc = json.loads((path or membership_path()).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return Membership()
    if not isinstance(doc, dict):
        return Membership()
    joined, address, cert, db = (doc.get(k) for k in ("joined", "address", "certificate", "db"))
    text = lambda v: v if isinstance(v, str) else None  # noqa: E731
    return Membership(joined is True, text(address), text(cert), text(db))


def join(address: str, *, db: Path | None = None, certificate: Path | None = None) -> Membership:
    """Store a membership (nothing starts here: the player's supervisor starts the SuperNode)."""
    address = check_address(address)
    if certificate is not None:
        if not certificate.is_file():
            raise MembershipError(f"no certificate file at {certificate}")
        if b"BEGIN CERTIFICATE" not in certificate.read_bytes()[:65536]:
            raise MembershipError(f"{certificate} is not a PEM certificate")
    elif not address.startswith(("127.", "localhost:", "[::1]:")):
        raise MembershipError("a fleet beyond this machine needs its certificate (--certificate FILE): "
                              "the update would travel unencrypted")  # fmt: skip
    member = Membership(True, address, str(certificate.resolve()) if certificate else None,
                        str((db or default_db_path()).resolve()))  # fmt: skip
    write_text_atomic(membership_path(), json.dumps(member.to_json(), indent=1) + "\n")
    return member


def leave() -> Membership:
    """Forget the membership (the adopted baseline stays the profile's prior until a reset)."""
    member = read_membership()
    member.joined = False
    write_text_atomic(membership_path(), json.dumps(member.to_json(), indent=1) + "\n")
    return member


def status() -> dict[str, Any]:
    """What ``skipwise fleet status --json`` prints and the Fleet settings show."""
    member = read_membership()
    state = read_state(state_path())
    db = Path(member.db) if member.db else default_db_path()
    return {
        "joined": member.joined,
        "address": member.address,
        "certificate": member.certificate,
        "db": str(db),
        "last_round": state.last_round,
        "baseline_version": state.baseline_version,
        "epsilon": state.epsilon,
        "delta": state.delta,
        "dp_mode": state.dp_mode,
        "rounds_contributed": state.rounds_contributed,
        "last_refusal": state.last_refusal,
        "baseline_file": str(baseline_path(db)) if baseline_path(db).exists() else None,
    }
