"""Reliability of a generated project: schema fuzzing, sessions under load, and dependency outages.

One all-features variant is served for the module as in production: gunicorn with the project's
gunicorn.conf.py (worker recycling on), production settings, a fresh PostgreSQL database reached
through a TCP proxy the test can cut, and a redis-server of the test's own that it can stop.
Throttle rates and the tamper threshold are raised so that the fuzzer's forged tokens and the
load's volume measure failures, not rate limits. All traffic stays on 127.0.0.1.

Each scenario prints a summary line and merges it into .cache/reliability-summary.json.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.deployment import free_port
from tests.reliability.clients import call
from tests.reliability.load import LoadRun, Outcome, latency_ms, status_counts
from tests.reliability.probes import probe_every_endpoint, sign_in_probe_clients, unexpected_answers
from tests.reliability.redis_server import RedisServer
from tests.reliability.served_variant import (
    ALL_FEATURES,
    SERVER,
    ServedVariant,
    base_database_url,
    database_address,
    serve,
)
from tests.reliability.summary import ScenarioSummary, publish
from tests.reliability.tcp_proxy import TcpProxy
from tests.support.baking import TEMPLATE_DIR, bake

# One served variant for the module: under pytest-xdist, --dist loadgroup keeps its tests on one worker.
pytestmark = [pytest.mark.full, pytest.mark.xdist_group("reliability")]

CLIENTS = 32
# Every run stops by itself within RUN_LIMIT seconds. Its load is measured once every client has
# signed in (32 logins, each a PBKDF2 hash, take a while on 2 cores): STEADY_SECONDS of load,
# or, in the fault scenarios, a few seconds, the outage, and AFTER_OUTAGE_SECONDS more.
RUN_LIMIT = 60
SIGN_IN_TIMEOUT = 40
STEADY_SECONDS = 15
BEFORE_OUTAGE_SECONDS = 3
OUTAGE_SECONDS = 4
AFTER_OUTAGE_SECONDS = 10
# Everything works again this soon after the dependency is back.
RECOVERY_LIMIT = 5
# Requests in flight when a dependency came back have ended after this.
SETTLE_SECONDS = 2
FUZZ_MAX_EXAMPLES = 30
FUZZ_TIMEOUT = 120
FUZZ_SEED = 20240601
FUZZ_CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
UNAVAILABLE = {"detail": "Service temporarily unavailable.", "code": "service_unavailable"}


@dataclass
class Rig:
    """The served variant, the dependencies the tests take away from it, and who signs in where."""

    variant: ServedVariant
    redis: RedisServer
    database: TcpProxy
    load_users: list[str]
    fuzz_user: str  # the fuzzer may change its password
    probe_user: str

    def log_offset(self) -> int:
        return self.variant.log.stat().st_size

    def log_between(self, start: int, end: int | None = None) -> str:
        """What the server logged (access log, errors, security events) between two offsets."""
        with open(self.variant.log, "rb") as log:
            log.seek(start)
            return log.read(-1 if end is None else end - start).decode(errors="replace")


@pytest.fixture(scope="module")
def rig(tmp_path_factory, project_venv):
    workdir = tmp_path_factory.mktemp("reliability")
    project = bake(workdir / "project", **ALL_FEATURES)
    with contextlib.ExitStack() as stack:
        redis = RedisServer(free_port(), workdir / "redis")
        stack.callback(redis.stop)
        redis.start()
        database = TcpProxy(free_port(), *database_address(base_database_url()))
        stack.callback(database.stop)
        variant = serve(
            stack,
            project,
            project_venv,
            workdir / "server",
            "rig",
            redis_url=redis.url,
            users=CLIENTS + 2,
            database_proxy_port=database.port,
            TAMPER_THRESHOLD="1000000",
            # An asymmetric algorithm, so the JWKS endpoint (404 under HS256) is served and fuzzed too.
            JWT_ALGORITHM="RS256",
        )
        load_users, (fuzz_user, probe_user) = variant.usernames[:CLIENTS], variant.usernames[CLIENTS:]
        yield Rig(variant, redis, database, load_users, fuzz_user, probe_user)


def summarize(
    scenario: str,
    outcomes: list[Outcome],
    started: float,
    recovery: float | None = None,
    signed_in: float | None = None,
    **details,
):
    """The scenario's figures; "steady" ones leave out the opening burst of logins (before ``signed_in``)."""
    steady = [outcome for outcome in outcomes if outcome.started >= (signed_in or 0.0)]
    if signed_in is not None:
        details = {"everyone_signed_in_s": round(signed_in, 1), **details}
    by_action: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_action.setdefault(outcome.action, []).append(outcome)
    return ScenarioSummary(
        scenario=scenario,
        requests=len(outcomes),
        statuses=status_counts(outcomes),
        p50_ms=round(latency_ms(outcomes, 0.50), 1),
        p99_ms=round(latency_ms(outcomes, 0.99), 1),
        p50_steady_ms=round(latency_ms(steady, 0.50), 1),
        p99_steady_ms=round(latency_ms(steady, 0.99), 1),
        recovery_s=None if recovery is None else round(recovery, 2),
        seconds=round(time.monotonic() - started, 1),
        details={
            **details,
            "by_action": {
                action: {
                    "requests": len(group),
                    "statuses": status_counts(group),
                    "p50_ms": round(latency_ms(group, 0.50), 1),
                    "p99_ms": round(latency_ms(group, 0.99), 1),
                }
                for action, group in sorted(by_action.items())
            },
        },
    )


def check_sessions(run: LoadRun) -> tuple[dict, list[str]]:
    """What the run did to sessions, and every broken promise: a session lost without its client
    logging out; afterwards, a live session that no longer refreshes, or an ended session or a
    rotated-out refresh token that is still accepted."""
    problems = [f"session lost without a logout: {outcome}" for outcome in run.lost]
    never_logged_out = {number for number in range(run.clients) if not run.logs_out(number)}
    problems += [f"client {number} ended without a session" for number in sorted(never_logged_out - set(run.live))]
    for kind, found in run.check_sessions().items():
        problems += [f"{kind}: {problem}" for problem in found]
    if not (run.logged_out and run.rotated_out):
        problems.append("the run ended no session or rotated no token, so nothing was checked")
    details = {
        "live_sessions_refreshed": len(run.live),
        "logged_out_sessions_refused": len(run.logged_out),
        "rotated_out_tokens_refused": len(run.rotated_out),
    }
    return details, problems


def wait_until(predicate, timeout: float, interval: float = 0.05) -> float | None:
    """Seconds until ``predicate()`` held, or None if it did not within ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(interval)
    return None


def documented(schema: dict, probe: str, status: int) -> bool:
    """Whether the OpenAPI schema lists ``status`` for the probed operation (paths outside it pass)."""
    method, path = probe.split()[:2]
    operation = schema["paths"].get(path, {}).get(method.lower())
    return operation is None or str(status) in operation["responses"]


def schema_of(rig: Rig) -> dict:
    reply = call(rig.variant.port, "GET", "/api/schema/?format=json")
    assert reply.status == 200, reply.body[:500]
    return reply.json()


def test_schema_fuzzing_finds_no_server_error_or_schema_violation(rig, tmp_path, record_property):
    """schemathesis against /api/schema/: every operation, authenticated as a real client would be,
    answers without a 5xx and exactly as documented (status, content type, headers, body)."""
    pytest.importorskip("schemathesis", reason="schemathesis is installed from requirements-dev.txt")
    started = time.monotonic()
    schema = schema_of(rig)
    operations = {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}
    schema_file = tmp_path / "openapi.json"
    schema_file.write_text(json.dumps(schema))
    client_file, record_file, report_file = tmp_path / "client.json", tmp_path / "calls.jsonl", tmp_path / "report.json"
    client_file.write_text(
        json.dumps(
            {
                "port": rig.variant.port,
                "frontend_origin": rig.variant.frontend_origin,
                "refresh_cookie": rig.variant.refresh_cookie,
                "username": rig.fuzz_user,
                "password": rig.variant.password,
                "link_tokens": rig.variant.link_tokens,
                "mailed_user_id": rig.variant.mailed_user_id,
                "staff_username": rig.variant.staff_username,
                "mfa": rig.variant.mfa,
                "passkeys": rig.variant.passkeys,
            }
        )
    )
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        str(schema_file),
        "--url", f"http://127.0.0.1:{rig.variant.port}",
        "--header", "X-Forwarded-Proto: https",
        "--checks", ",".join(FUZZ_CHECKS),
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(FUZZ_MAX_EXAMPLES),
        "--seed", str(FUZZ_SEED),
        "--workers", "1",
        "--request-timeout", "30",
        "--generation-database", "none",
        "--report", "json",
        "--report-json-path", str(report_file),
        "--no-color",
    ]  # fmt: skip
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("SCHEMATHESIS_")},
        "SCHEMATHESIS_HOOKS": str(TEMPLATE_DIR / "tests" / "reliability" / "fuzz_hooks.py"),
        "RELIABILITY_FUZZ_CLIENT": str(client_file),
        "RELIABILITY_FUZZ_RECORD": str(record_file),
        "PYTHONPATH": str(TEMPLATE_DIR),
    }
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=FUZZ_TIMEOUT, check=False
    )
    output = result.stdout[-12000:] + result.stderr[-4000:]
    assert report_file.exists() and record_file.exists(), output
    report = json.loads(report_file.read_text())

    calls = [json.loads(line) for line in record_file.read_text().splitlines()]
    outcomes = [Outcome(0, call_["operation"], 0.0, call_["elapsed"], call_["status"]) for call_ in calls]
    succeeded = {call_["operation"] for call_ in calls if 200 <= call_["status"] < 300}
    summary = summarize(
        "schema-fuzzing",
        outcomes,
        started,
        operations=len(operations),
        test_cases=report["test_cases"]["generated"],
        operations_answered_2xx=sorted(succeeded & operations),
    )
    publish(summary, record_property)

    assert report["operations"]["tested"] == len(operations) == report["operations"]["total"], output
    assert not report["failures"] and not report["errors"], output
    assert result.returncode == 0, output
    assert not [o for o in outcomes if o.status >= 500], output
    # Every operation was also answered with success, so success bodies were checked as well.
    assert not operations - succeeded, f"never answered with 2xx: {sorted(operations - succeeded)}"


def test_sessions_survive_concurrent_load(rig, record_property):
    """32 browser sessions at once: no error, no session lost, and afterwards revocation holds."""
    started = time.monotonic()
    offset = rig.log_offset()
    run = LoadRun(rig.variant, rig.load_users, seconds=RUN_LIMIT)
    with run.running():
        signed_in = run.wait_until_everyone_signed_in(SIGN_IN_TIMEOUT)
        run.end_at(signed_in + STEADY_SECONDS)
    checked, problems = check_sessions(run)
    publish(summarize("load", run.outcomes, started, signed_in=signed_in, **checked), record_property)

    unexpected = [o for o in run.outcomes if o.status not in (200, 204)]
    assert not unexpected, f"{len(unexpected)} answers other than 2xx, first: {unexpected[:10]}"
    assert not problems, problems[:20]
    assert "Traceback" not in rig.log_between(offset)


@dataclass
class Outage:
    """One dependency taken away under load: when, what the break returned, and the probes' answers."""

    run: LoadRun
    signed_in: float
    began: float
    ended: float
    break_result: object
    probes: dict


@contextlib.contextmanager
def outage_under_load(rig, probe_clients, break_dependency, restore_dependency) -> Iterator[Outage]:
    """Sign everyone in, break a dependency, probe every endpoint while it is down, restore it, and
    keep the load on for AFTER_OUTAGE_SECONDS; the body runs while the load still runs."""
    run = LoadRun(rig.variant, rig.load_users, seconds=RUN_LIMIT)
    with run.running():
        signed_in = run.wait_until_everyone_signed_in(SIGN_IN_TIMEOUT)
        run.sleep_until(signed_in + BEFORE_OUTAGE_SECONDS)
        began = run.clock()
        try:
            break_result = break_dependency()
            probes = probe_every_endpoint(rig.variant, probe_clients, rig.probe_user)
            run.sleep_until(began + OUTAGE_SECONDS)
        finally:
            restore_dependency()
        ended = run.clock()
        run.end_at(ended + AFTER_OUTAGE_SECONDS)
        yield Outage(run, signed_in, began, ended, break_result, probes)


def test_redis_outage_keeps_authentication_working(rig, record_property):
    """Redis stopped under load: every request still succeeds, the outage is alerted on, and the
    app uses the restarted Redis at once."""
    started = time.monotonic()
    offset = rig.log_offset()
    probe_clients = sign_in_probe_clients(rig.variant, rig.probe_user)
    with outage_under_load(rig, probe_clients, rig.redis.stop, rig.redis.start) as outage:
        # Recovered once the app writes to the restarted (empty) Redis again: throttles, token cache.
        recovery = wait_until(lambda: rig.redis.key_count() > 0, timeout=15)
        time.sleep(SETTLE_SECONDS)  # requests that began during the outage have ended
        settled = rig.log_offset()
    checked, problems = check_sessions(outage.run)
    after_logout = probe_clients.fresh.get("/api/me/")
    during_outage = [o for o in outage.run.outcomes if o.started >= outage.began and o.ended <= outage.ended]
    publish(
        summarize(
            "redis-outage",
            outage.run.outcomes,
            started,
            recovery,
            signed_in=outage.signed_in,
            outage_s=[round(outage.began, 1), round(outage.ended, 1)],
            requests_during_outage=len(during_outage),
            **checked,
        ),
        record_property,
    )

    unexpected = [o for o in outage.run.outcomes if o.status not in (200, 204)]
    assert not unexpected, f"{len(unexpected)} answers other than 2xx, first: {unexpected[:10]}"
    authenticated = [o for o in during_outage if o.action in ("me", "verify")]
    assert authenticated and all(o.status == 200 for o in authenticated), "authenticated requests failed in the outage"
    assert not problems, problems[:20]
    assert not unexpected_answers(
        outage.probes,
        {
            "GET /healthz": (200, {"status": "ok"}),
            "GET /api/version/": (200, None),
            "POST /api/auth/login/": (200, None),
            "POST /api/auth/mobile/login/": (200, None),
            "GET /api/me/": (200, None),
            "GET /api/auth/verify/": (200, {"valid": True}),
            "POST /api/auth/check/": (200, {"valid": True}),
            "POST /api/auth/password/": (400, {"code": "invalid_request"}),
            "GET /api/me/ (token in the cache)": (200, None),
            "POST /api/auth/refresh/": (200, None),
            "POST /api/auth/logout/": (204, None),
            "POST /api/auth/mobile/refresh/": (200, None),
            "POST /api/auth/mobile/logout/": (204, None),
        },
    )
    # A logout during the outage holds once Redis is back (empty): the token cache cannot revive it.
    assert after_logout.status == 401, after_logout.body
    assert recovery is not None and recovery <= RECOVERY_LIMIT, f"Redis unused {recovery} s after its restart"
    during, after = rig.log_between(offset, settled), rig.log_between(settled)
    alerts = [line for line in during.splitlines() if '"event": "throttle_unavailable"' in line]
    assert alerts and all('"levelname": "ERROR"' in line for line in alerts), "the outage raised no alert"
    assert "token cache unavailable" in during
    assert "throttle_unavailable" not in after, "throttles still fail after Redis came back"
    assert "Traceback" not in during + after


# The generated project's circuit breaker (config/cache.py): failures in a row before a process
# skips Redis, and for how long; each failure waits out the 1-second socket timeout.
CIRCUIT_FAILURES, CIRCUIT_COOLDOWN, CACHE_TIMEOUT = 3, 5.0, 1.0


def test_a_hung_redis_degrades_fast(rig, record_property):
    """Redis frozen under load (SIGSTOP: it accepts connections and never answers): each worker
    waits out a few socket timeouts, then skips Redis (the circuit opens), so the requests of the
    outage stay fast and all succeed; once it answers again the app uses it after one cooldown."""
    started = time.monotonic()
    offset = rig.log_offset()
    probe_clients = sign_in_probe_clients(rig.variant, rig.probe_user)
    with outage_under_load(rig, probe_clients, rig.redis.pause, rig.redis.resume) as outage:
        before = rig.redis.key_count()
        recovery = wait_until(lambda: rig.redis.key_count() > before, timeout=CIRCUIT_COOLDOWN + RECOVERY_LIMIT + 5)
        time.sleep(SETTLE_SECONDS)
    checked, problems = check_sessions(outage.run)
    # Every request that began while Redis was frozen, however long it then took.
    during = [o for o in outage.run.outcomes if outage.began <= o.started < outage.ended]
    slow = [o for o in during if o.elapsed >= CACHE_TIMEOUT * 0.9]
    summary = summarize(
        "redis-hung",
        outage.run.outcomes,
        started,
        recovery,
        signed_in=outage.signed_in,
        outage_s=[round(outage.began, 1), round(outage.ended, 1)],
        requests_during_outage=len(during),
        p50_during_outage_ms=round(latency_ms(during, 0.50), 1),
        p99_during_outage_ms=round(latency_ms(during, 0.99), 1),
        waited_out_a_timeout=len(slow),
        **checked,
    )
    publish(summary, record_property)

    unexpected = [o for o in outage.run.outcomes if o.status not in (200, 204)]
    assert not unexpected, f"{len(unexpected)} answers other than 2xx, first: {unexpected[:10]}"
    assert not problems, problems[:20]
    assert during, "no request ran during the outage"
    # Without the circuit every request of the outage would wait at least one timeout; with it, only
    # the calls that open each worker's circuit do (a request may make two before it opens).
    assert len(slow) <= CIRCUIT_FAILURES * SERVER.workers, f"{len(slow)} of {len(during)} requests waited out a timeout"
    assert latency_ms(during, 0.50) < CACHE_TIMEOUT * 1000 / 2
    assert recovery is not None, "Redis unused after it answered again"
    log = rig.log_between(offset)
    assert "circuit open" in log and "Traceback" not in log


def test_database_outage_answers_503_and_recovers(rig, record_property):
    """PostgreSQL cut off under load: clean, documented 503s (never a 500), /healthz 503, no session
    lost, and full service again within seconds of the database coming back."""
    started = time.monotonic()
    offset = rig.log_offset()
    schema = schema_of(rig)
    probe_clients = sign_in_probe_clients(rig.variant, rig.probe_user)
    with outage_under_load(rig, probe_clients, rig.database.cut, rig.database.restore) as outage:
        healthy = wait_until(lambda: call(rig.variant.port, "GET", "/healthz").status == 200, timeout=15)
    checked, problems = check_sessions(outage.run)
    unavailable = [o for o in outage.run.outcomes if o.status == 503]
    last_failure = max((o.ended for o in unavailable), default=outage.ended)
    recovery = max(healthy if healthy is not None else float("inf"), last_failure - outage.ended)
    publish(
        summarize(
            "database-outage",
            outage.run.outcomes,
            started,
            recovery,
            signed_in=outage.signed_in,
            outage_s=[round(outage.began, 1), round(outage.ended, 1)],
            connections_cut=outage.break_result,
            answered_503=len(unavailable),
            **checked,
        ),
        record_property,
    )

    unexpected = [o for o in outage.run.outcomes if o.status not in (200, 204, 503)]
    assert not unexpected, f"{len(unexpected)} answers other than 2xx or 503, first: {unexpected[:10]}"
    assert unavailable, "no request noticed the outage"
    outside = [o for o in unavailable if o.ended < outage.began or o.started > outage.ended + RECOVERY_LIMIT]
    assert not outside, f"503 outside the outage: {outside[:5]}"
    assert recovery <= RECOVERY_LIMIT, f"still failing {recovery:.1f} s after the database came back"
    assert not problems, problems[:20]
    expected = {name: (503, UNAVAILABLE) for name in outage.probes}
    expected["GET /healthz"] = (503, {"status": "unavailable", "database": "down"})
    expected["GET /api/version/"] = (200, None)
    # The token cache still knows this session: reading the signed-in user needs no database.
    expected["GET /api/me/ (token in the cache)"] = (200, None)
    assert not unexpected_answers(outage.probes, expected)
    undocumented = [name for name, reply in outage.probes.items() if not documented(schema, name, reply.status)]
    assert not undocumented, f"answers missing from the OpenAPI schema: {undocumented}"
    log = rig.log_between(offset)
    assert "database unavailable" in log
    assert "Traceback" not in log
