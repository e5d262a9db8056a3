"""Settings of the probes and of /metrics, read from the environment with the others."""

from __future__ import annotations

from certsvc.env import env_bool, env_int, env_list, env_secret, env_str

HEALTH_BROKER_TIMEOUT = env_int("HEALTH_BROKER_TIMEOUT", 2)
# A worker heartbeat older than this makes /readyz report "degraded" (still 200).
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 120)
# /metrics: a bearer token, and/or client addresses or networks allowed without it.
METRICS_TOKEN = env_secret("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS")
# Workers serve their task metrics on this port when set (0: off).
WORKER_METRICS_PORT = env_int("WORKER_METRICS_PORT", 0)
# Inside a container the worker's metrics port is only reachable on the internal network.
WORKER_METRICS_ADDR = env_str("WORKER_METRICS_ADDR", "0.0.0.0")  # noqa: S104  # nosec B104
# The load benchmark's reference endpoints serve documents anonymously: refused unless DEBUG.
BENCH_ROUTES = env_bool("CERTSVC_BENCH_ROUTES", False)
