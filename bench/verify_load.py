#!/usr/bin/env python
"""Load benchmark of ``POST /api/v1/verify/`` against the framework floor, on a generated registry.

    .venv/bin/python -m bench.generate --count 1000000 --reset   # DATABASE_URL=…/certsvc_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certsvc_bench .venv/bin/python bench/verify_load.py

Starts gunicorn (sync workers) serving the real service in production settings (DEBUG=false) with
the reference endpoints (``bench.settings``), then runs wrk on loopback (or, without wrk, a small threaded
keep-alive client) against three endpoints, interleaved, in several rounds:

- ``static``: ``GET /bench/static``, a DRF view with a fixed body: the framework floor;
- ``one_row``: ``GET /bench/certificate/<number>``, one indexed row serialized with nested DRF
  serializers;
- ``verify``: ``POST /api/v1/verify/ {"number": …}``, anonymous;
- ``healthz``: ``GET /healthz``, answered by a middleware before the framework: the server floor;
- ``jwks``: ``GET /.well-known/jwks.json`` and ``keys``: ``GET /api/v1/keys/``, the public keys.

The server runs with the database settings the README and ``docker-compose.yml`` give (persistent
connections unless ``DB_CONN_MAX_AGE`` is set in the environment, e.g. ``DB_CONN_MAX_AGE=0`` for
a new connection per request).

Numbers are drawn at random from the registry. The anonymous and per-address verify throttles are
raised for the run (``THROTTLE_VERIFY_ANON`` / ``THROTTLE_VERIFY_USER``, per second, so that DRF's
per-address history stays short: every request comes from 127.0.0.1). Prints req/s, p50 and p99
per endpoint (median over rounds) and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = {"healthz": "/healthz", "jwks": "/.well-known/jwks.json", "keys": "/api/v1/keys/"}
VENV_BIN = Path(sys.executable).parent
ENDPOINTS = ("static", "one_row", "verify", "healthz", "jwks", "keys")
_RUN_SECRET = secrets.token_urlsafe(50)  # one per run: the server and the priming share it
WRK_SCRIPT = """
local numbers = {}
for line in io.lines(os.getenv("BENCH_NUMBERS")) do numbers[#numbers + 1] = line end
local kind = os.getenv("BENCH_KIND")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  local n = numbers[math.random(#numbers)]
  if kind == "verify" then
    return wrk.format("POST", "/api/v1/verify/", {["Content-Type"] = "application/json"},
                      '{"number":"' .. n .. '"}')
  elseif kind == "one_row" then
    return wrk.format("GET", "/bench/certificate/" .. n)
  elseif kind ~= "static" then
    return wrk.format("GET", os.getenv("BENCH_PATH"))
  end
  return wrk.format("GET", "/bench/static")
end
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=15, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per endpoint")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--numbers", type=int, default=100_000, help="random numbers drawn from the registry")
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    return parser.parse_args(argv)


# --- the server ------------------------------------------------------------------------


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    kek_file = ROOT / "var" / "dev_kek"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "false",
            "SECRET_KEY": env.get("SECRET_KEY") or _RUN_SECRET,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "PUBLIC_BASE_URL": "https://certs.bench.invalid",
            "CACHE_URL": args.cache_url,
            "THROTTLE_VERIFY_ANON": "1000000/s",
            "THROTTLE_VERIFY_USER": "1000000/s",
            "LOG_LEVEL": "WARNING",
        }
    )
    # The generator ran in development settings: its active key is wrapped under the dev KEK.
    if not env.get("SIGNING_KEK") and kek_file.exists():
        env["SIGNING_KEK"] = kek_file.read_text().strip()
        env["SIGNING_KEK_ID"] = "dev"
    return env


def start_server(args: argparse.Namespace) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "certsvc.wsgi:application",
        f"--workers={args.workers}",
        f"--worker-class={getattr(args, 'worker_class', 'sync')}",
        f"--threads={getattr(args, 'threads', 1)}",
        f"--bind=127.0.0.1:{args.port}",
        "--keep-alive=30",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(args), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/bench/static", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# --- numbers ---------------------------------------------------------------------------


def random_numbers(count: int) -> list[str]:
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("verify_load needs DATABASE_URL pointing at a generated PostgreSQL registry")
    with psycopg.connect(url) as conn:
        low, high = conn.execute("SELECT MIN(id), MAX(id) FROM certificates_certificate").fetchone()
        if low is None:
            raise SystemExit("the registry is empty: run python -m bench.generate first")
        rng = random.Random(20261128)
        ids = [rng.randint(low, high) for _ in range(count)]
        rows = conn.execute(
            "SELECT number FROM certificates_certificate WHERE id = ANY(%s)", [ids]
        ).fetchall()
    numbers = [row[0] for row in rows]
    random.shuffle(numbers)
    return numbers


# --- load generators -------------------------------------------------------------------


def run_wrk(kind: str, seconds: float, args: argparse.Namespace, numbers_file: str, script: str) -> dict:
    env = dict(os.environ, BENCH_NUMBERS=numbers_file, BENCH_KIND=kind, BENCH_PATH=PATHS.get(kind, ""))
    command = [
        "wrk",
        "-t2",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "-s",
        script,
        f"http://127.0.0.1:{args.port}",
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = {
        int(p): _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50": percentiles.get(50),
        "p99": percentiles.get(99),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def run_python(kind: str, seconds: float, args: argparse.Namespace, numbers: list[str]) -> dict:
    """A threaded keep-alive client: slower than wrk, so only for machines without it."""
    import http.client

    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    non_2xx = [0]
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            number = rng.choice(numbers)
            started = time.perf_counter()
            if kind == "verify":
                body = json.dumps({"number": number})
                conn.request("POST", "/api/v1/verify/", body, {"Content-Type": "application/json"})
            elif kind == "one_row":
                conn.request("GET", f"/bench/certificate/{number}")
            elif kind in PATHS:
                conn.request("GET", PATHS[kind])
            else:
                conn.request("GET", "/bench/static")
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            bad += response.status >= 300
        with lock:
            latencies.extend(mine)
            non_2xx[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None  # noqa: E731
    return {"rps": len(ordered) / elapsed, "p50": pick(0.5), "p99": pick(0.99), "non_2xx": non_2xx[0]}


# --- the run ---------------------------------------------------------------------------


def check_answers(args: argparse.Namespace, number: str) -> None:
    """The three endpoints answer 200 and verify says ``valid``/a status with a receipt."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{args.port}/api/v1/verify/",
        data=json.dumps({"number": number}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        answer = json.loads(response.read())
    if answer.get("number") != number or "receipt" not in answer:
        raise SystemExit(f"unexpected verify answer: {answer}")
    with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/bench/certificate/{number}", timeout=10) as r:
        if json.loads(r.read())["number"] != number:
            raise SystemExit("the one-row reference answered another certificate")


def flush_cache(args: argparse.Namespace) -> None:
    """Start from an empty shared cache, so that what is measured is first sight."""
    code = "import django; django.setup(); from django.core.cache import cache; cache.clear()"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=server_env(args), check=True)


def measure(args: argparse.Namespace) -> dict:
    numbers = random_numbers(args.numbers)
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    workdir = Path(tempfile.mkdtemp(prefix="certsvc-verify-load-"))
    numbers_file, script = workdir / "numbers.txt", workdir / "load.lua"
    numbers_file.write_text("\n".join(numbers) + "\n")
    script.write_text(WRK_SCRIPT)

    def run(kind: str, seconds: float) -> dict:
        if use_wrk:
            return run_wrk(kind, seconds, args, str(numbers_file), str(script))
        return run_python(kind, seconds, args, numbers)

    flush_cache(args)
    server = start_server(args)
    samples: dict[str, list[dict]] = {kind: [] for kind in ENDPOINTS}
    try:
        check_answers(args, numbers[0])
        for kind in ENDPOINTS:
            if args.warmup:
                run(kind, args.warmup)
        for round_ in range(args.rounds):
            order = ENDPOINTS if round_ % 2 == 0 else tuple(reversed(ENDPOINTS))
            for kind in order:
                result = run(kind, args.duration)
                samples[kind].append(result)
                print(f"round {round_ + 1} {kind:8} {result}", file=sys.stderr)
    finally:
        stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)
    result = summarize(samples, client="wrk" if use_wrk else "python", numbers=len(numbers))
    return result


def summarize(samples: dict[str, list[dict]], *, client: str, numbers: int) -> dict:
    result: dict = {"client": client, "numbers": numbers, "endpoints": {}}
    for kind, runs in samples.items():
        result["endpoints"][kind] = {
            "rps": statistics.median(r["rps"] for r in runs),
            "p50_ms": statistics.median(r["p50"] for r in runs),
            "p99_ms": statistics.median(r["p99"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "rounds_rps": [round(r["rps"], 1) for r in runs],
        }
    endpoints = result["endpoints"]
    result["verify_over_one_row"] = endpoints["verify"]["rps"] / endpoints["one_row"]["rps"]
    result["verify_over_static"] = endpoints["verify"]["rps"] / endpoints["static"]["rps"]
    result["one_row_over_static"] = endpoints["one_row"]["rps"] / endpoints["static"]["rps"]
    # Per round too: healthz, jwks and keys run back to back, so a round's ratio shares its noise.
    for kind in ("jwks", "keys"):
        result[f"{kind}_over_healthz"] = endpoints[kind]["rps"] / endpoints["healthz"]["rps"]
        result[f"{kind}_over_healthz_rounds"] = [
            round(a["rps"] / b["rps"], 2) for a, b in zip(samples[kind], samples["healthz"], strict=True)
        ]
    result["db_conn_max_age"] = os.environ.get("DB_CONN_MAX_AGE", "default")
    return result


def print_table(result: dict) -> None:
    state = "empty shared cache"
    conn = f"DB_CONN_MAX_AGE={result['db_conn_max_age']}"
    print(f"\nverify load ({result['client']}, {result['numbers']:,} random numbers, {state}, {conn})\n")
    print(f"{'endpoint':>9} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | non-2xx | rounds req/s")
    for kind, row in result["endpoints"].items():
        print(
            f"{kind:>9} | {row['rps']:>8.1f} | {row['p50_ms']:>7.2f} | {row['p99_ms']:>7.2f} | "
            f"{row['non_2xx']:>7} | {row['rounds_rps']}"
        )
    print(
        f"\nverify / one_row = {result['verify_over_one_row']:.2f}  (target >= 2.0)\n"
        f"verify / static  = {result['verify_over_static']:.2f}  (target >= 0.7)\n"
        f"one_row / static = {result['one_row_over_static']:.2f}\n"
        f"verify p99       = {result['endpoints']['verify']['p99_ms']:.1f} ms (target <= 25)\n"
        f"jwks / healthz   = {result['jwks_over_healthz']:.2f}  (target >= 0.8), "
        f"per round {result['jwks_over_healthz_rounds']}\n"
        f"keys / healthz   = {result['keys_over_healthz']:.2f}, "
        f"per round {result['keys_over_healthz_rounds']}"
    )


def main(argv=None) -> dict:
    args = parse_args(argv)
    result = measure(args)
    print_table(result)
    if args.json:
        print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
