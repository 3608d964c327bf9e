"""Flower's and Ray's privacy defaults, turned off in every process the project starts."""

from __future__ import annotations

QUIET = {
    "FLWR_TELEMETRY_ENABLED": "0",  # Flower sends usage events by default
    "FLWR_DISABLE_UPDATE_CHECK": "1",  # the daemons and every flwr CLI call ask the package index
    "RAY_USAGE_STATS_ENABLED": "0",  # Ray reports usage by default
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
    "RAY_DISABLE_DOCKER_CPU_WARNING": "1",
    "GRPC_ENABLE_FORK_SUPPORT": "0",
}


def quiet_environment() -> dict[str, str]:
    """The environment variables that keep Flower and Ray from calling home."""
    return dict(QUIET)
