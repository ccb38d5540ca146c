"""Benchmark of a generated project: authentication cost under load, measured as ratios in one run.

Run from the template root (``make bench`` does this with the template's venv):

    python bench/run.py                                # the full run, template test matrix included
    python bench/run.py --duration 4 --skip-matrix     # a quick look while developing

It generates the chosen variant (default: every feature flag on) twice, with the token cache
on and off, installs both in the project venv, gives each a fresh PostgreSQL database and a
Redis key prefix of its own, serves each with gunicorn on a free loopback port with
production settings, and drives them with wrk. Each scenario runs in short slices, interleaved
across scenarios in A-B-B-A order, so the ratios compare runs made under the same machine load.
It prints a table and the ratios against their targets, and writes bench/results/latest.json,
latest.md and latest.svg. Every process it starts is stopped, and its databases and Redis keys
removed, however the run ends.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PYTHON = ROOT / ".cache" / "template-venv" / "bin" / "python"

try:
    import cookiecutter  # noqa: F401  (the template's own tools: `make bench` provides them)
except ModuleNotFoundError:
    if not TEMPLATE_PYTHON.exists():
        sys.exit("cookiecutter is missing: run `make bench`, which creates the template's venv first.")
    os.execv(TEMPLATE_PYTHON, [str(TEMPLATE_PYTHON), *sys.argv])

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import deployment, load, report  # noqa: E402
from bench.scenarios import Scenario, refresh_tokens_needed, scenarios_for  # noqa: E402
from tests.support.baking import DEFAULTS, bake  # noqa: E402
from tests.support.project_env import ensure_project_venv  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
ALL_FEATURES = {"use_mobile_endpoints": "y", "use_fingerprinting": "y", "use_ip_allowlist": "y", "use_token_cache": "y"}
MATRIX_COMMAND = ["-m", "pytest", "-n", "2", "tests/test_variants.py", "-m", "not full", "-q"]
WARM_UP_SECONDS = 2
GENERATION_SAMPLES = 3
# Login waits for a PBKDF2 hash in every request: queued requests wait seconds, not milliseconds.
LOGIN_TIMEOUT_SECONDS = 20


def default_workers() -> int:
    """gunicorn.conf.py's own default (2 x cores + 1, at most 8); it measured best here too."""
    return min(2 * len(os.sched_getaffinity(0)) + 1, 8)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load per scenario (default 30)")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved slices per scenario (default 15)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--keep-worker-recycling",
        action="store_true",
        help="keep gunicorn.conf.py's max_requests (default: off, so worker restarts do not land in a measurement)",
    )
    parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE", help="change the variant")
    parser.add_argument("--skip-matrix", action="store_true", help="do not time the template test matrix")
    parser.add_argument("--keep-files", action="store_true", help="keep the projects and logs (path is printed)")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR, help="folder for latest.json, .md and .svg")
    args = parser.parse_args(argv)
    args.answers = variant_answers(parser, args.set)
    args.slice_seconds = max(1, round(args.duration / args.rounds))
    return args


def variant_answers(parser: argparse.ArgumentParser, assignments: list[str]) -> dict[str, str]:
    answers = dict(ALL_FEATURES)
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        if name not in DEFAULTS or name.startswith("_") or not value:
            parser.error(f"--set {assignment}: expected OPTION=VALUE with an option of cookiecutter.json")
        answers[name] = value
    answers.pop("use_token_cache", None)  # always measured both ways
    return answers


def stop_on_sigterm() -> None:
    """SIGTERM and SIGHUP unwind like Ctrl-C, so every clean-up still runs."""

    def _raise(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGHUP, _raise)


def generate(workdir: Path, answers: dict[str, str]) -> tuple[Path, Path, list[tuple[float, float]]]:
    """Both projects, and (wall, CPU) seconds of three generations of the first; the first one
    includes cookiecutter's one-time set-up in this process, and CPU counts the hooks' processes."""
    samples = []
    for attempt in range(GENERATION_SAMPLES):
        wall, cpu = time.perf_counter(), _cpu_seconds()
        cached = bake(workdir / f"generation-{attempt}", project_name="bench_cache", use_token_cache="y", **answers)
        samples.append((time.perf_counter() - wall, _cpu_seconds() - cpu))
    uncached = bake(workdir, project_name="bench_nocache", use_token_cache="n", **answers)
    return cached, uncached, samples


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def deploy(stack: contextlib.ExitStack, project: Path, venv: Path, workdir: Path, options) -> deployment.Deployment:
    """Database, key prefix, migrations and a running server for one generated project."""
    name = project.name.removeprefix("bench_")
    base_database_url = os.environ.get("DATABASE_URL", deployment.DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", deployment.DEFAULT_REDIS_URL)
    env = deployment.deployment_env(
        dict(os.environ),
        venv,
        DATABASE_URL=deployment.create_database(stack, venv, base_database_url, f"bench_{name}_{os.getpid()}"),
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=deployment.claim_key_prefix(stack, venv, redis_url, name),
    )
    target = deployment.Deployment(name, project / "backend", env, venv)
    deployment.prepare(target, workdir)
    deployment.start_server(stack, target, options, workdir / f"{name}-gunicorn.log")
    return target


class Runner:
    """Runs scenarios against the deployments; every wrk report is kept in the workdir."""

    def __init__(self, args: argparse.Namespace, wrk: str, workdir: Path) -> None:
        self.args = args
        self.wrk = wrk
        self.workdir = workdir
        self.refresh_cookie_files: list[Path] = []

    def shape(self, scenario: Scenario | None, seconds: int) -> load.LoadShape:
        if scenario is not None and scenario.bounded_by_hashing:
            connections = max(1, self.args.workers * self.args.threads)
            return load.LoadShape(min(self.args.wrk_threads, connections), connections, seconds, LOGIN_TIMEOUT_SECONDS)
        return load.LoadShape(self.args.wrk_threads, self.args.connections, seconds)

    def warm_up(self, scenarios: list[Scenario]) -> dict[str, float]:
        """Run these request types on every worker before measuring (lazy imports, first connections).

        Returns each one's warm-up rate; the fastest sizes the refresh tokens. Login is left out:
        its PBKDF2 hash dwarfs any first-request cost.
        """
        return {
            scenario.key: self.drive(scenario, WARM_UP_SECONDS).requests_per_second
            for scenario in scenarios
            if not scenario.bounded_by_hashing
        }

    def provision_refresh_tokens(self, target: deployment.Deployment, fastest_rate: float) -> None:
        """Fresh sessions for the refresh warm-up and every refresh slice, created before any measurement."""
        per_slice = refresh_tokens_needed(fastest_rate, max(self.args.slice_seconds, WARM_UP_SECONDS))
        slices = self.args.rounds + 1
        every = self.workdir / "refresh-cookies.txt"
        target.write_refresh_cookies(per_slice * slices, every)
        lines = every.read_text().splitlines(keepends=True)
        for number in range(slices):
            part = self.workdir / f"refresh-cookies-{number}.txt"
            part.write_text("".join(lines[number * per_slice : (number + 1) * per_slice]))
            self.refresh_cookie_files.append(part)

    def run(self, scenario: Scenario, seconds: int) -> load.Measurement:
        """One measured run of ``scenario``, with the server's CPU time per request."""
        cpu_before = deployment.server_cpu_seconds(scenario.deployment.server_pid)
        result = self.drive(scenario, seconds)
        cpu = deployment.server_cpu_seconds(scenario.deployment.server_pid) - cpu_before
        return dataclasses.replace(result, server_cpu_ms=1000 * cpu / max(1, result.requests))

    def drive(self, scenario: Scenario, seconds: int) -> load.Measurement:
        shape = self.shape(scenario, seconds)
        target = scenario.deployment
        if not scenario.fresh_cookies:
            return load.fixed_request(self.wrk, target.url, scenario.spec, shape, self.workdir, scenario.key)
        cookies = self.refresh_cookie_files.pop(0)  # each slice its own tokens: none is ever sent twice
        return load.fresh_cookie_requests(self.wrk, target.url, scenario.spec, cookies, shape, self.workdir, "refresh")


def measure(runner: Runner, scenarios: list[Scenario]) -> dict[str, load.Measurement]:
    """Each scenario in ``rounds`` slices, in A-B-B-A order so slow drifts of the machine cancel out.

    Login, bounded by hashing and in no ratio, runs once for the whole duration at the end: its
    requests take about a second each, too long for short slices.
    """
    interleaved = [scenario for scenario in scenarios if not scenario.bounded_by_hashing]
    slices: dict[str, list[load.Measurement]] = {scenario.key: [] for scenario in scenarios}
    for round_number in range(runner.args.rounds):
        order = interleaved if round_number % 2 == 0 else list(reversed(interleaved))
        print(f"  round {round_number + 1}/{runner.args.rounds}", flush=True)
        for scenario in order:
            slices[scenario.key].append(runner.run(scenario, runner.args.slice_seconds))
    for scenario in scenarios:
        if scenario.bounded_by_hashing:
            print(f"  {scenario.label}", flush=True)
            slices[scenario.key].append(runner.run(scenario, runner.args.slice_seconds * runner.args.rounds))
    return {key: combine(parts) for key, parts in slices.items()}


def combine(parts: list[load.Measurement]) -> load.Measurement:
    """The median slice for rates and latencies (robust to a burst of other work); counts add up."""
    return load.Measurement(
        requests_per_second=statistics.median(part.requests_per_second for part in parts),
        requests=sum(part.requests for part in parts),
        seconds=sum(part.seconds for part in parts),
        p50_ms=statistics.median(part.p50_ms for part in parts),
        p99_ms=statistics.median(part.p99_ms for part in parts),
        non_2xx=sum(part.non_2xx for part in parts),
        socket_errors=sum(part.socket_errors for part in parts),
        timeouts=sum(part.timeouts for part in parts),
        exhausted=sum(part.exhausted for part in parts),
        server_cpu_ms=statistics.median(part.server_cpu_ms for part in parts),
    )


def time_matrix(log: Path) -> tuple[float, int]:
    """Wall seconds and exit status of the template's 16-combination matrix (fast tier)."""
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", deployment.DEFAULT_DATABASE_URL),
        "REDIS_URL": os.environ.get("REDIS_URL", deployment.DEFAULT_REDIS_URL),
    }
    python = TEMPLATE_PYTHON if TEMPLATE_PYTHON.exists() else Path(sys.executable)
    started = time.monotonic()
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [str(python), *MATRIX_COMMAND],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            status = process.wait()
        finally:
            if process.poll() is None:  # interrupted: let pytest clean up first
                os.killpg(process.pid, signal.SIGINT)
                deployment.stop_process_group(process)
    return time.monotonic() - started, status


def benchmark(args: argparse.Namespace, workdir: Path, options: deployment.ServerOptions) -> tuple[dict, dict, list]:
    """Generate, deploy and measure; everything started here is stopped before it returns."""
    venv = ensure_project_venv()
    wrk = load.ensure_wrk()
    cached_project, uncached_project, generation_samples = generate(workdir, args.answers)
    walls = ", ".join(f"{wall:.2f}" for wall, _ in generation_samples)
    print(f"generated both projects; three generations took {walls} s", flush=True)
    with contextlib.ExitStack() as stack:
        cached = deploy(stack, cached_project, venv, workdir, options)
        uncached = deploy(stack, uncached_project, venv, workdir, options)
        print(f"serving {cached.url} (cache on) and {uncached.url} (cache off): {options.describe()}", flush=True)
        runner = Runner(args, wrk, workdir)
        scenarios = scenarios_for(cached, uncached)
        warm_rates = runner.warm_up([scenario for scenario in scenarios if not scenario.fresh_cookies])
        runner.provision_refresh_tokens(cached, max(warm_rates.values()))
        runner.warm_up([scenario for scenario in scenarios if scenario.fresh_cookies])
        results = measure(runner, scenarios)
    labels = {scenario.key: scenario.label for scenario in scenarios}
    return results, labels, generation_samples


def summary_of(args: argparse.Namespace, options: deployment.ServerOptions, generation_samples: list) -> dict:
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": len(os.sched_getaffinity(0)),
            "load_average_1m_5m_15m": [round(value, 2) for value in os.getloadavg()],
        },
        "variant": {**args.answers, "use_token_cache": "y and n"},
        "server": options.describe(),
        "load": {
            "seconds_per_scenario": args.slice_seconds * args.rounds,
            "rounds": args.rounds,
            "wrk_threads": args.wrk_threads,
            "connections": args.connections,
        },
        "throttle_rates": dict.fromkeys(deployment.THROTTLE_VARIABLES, deployment.UNTHROTTLED_RATE),
        "generation_seconds": round(statistics.median(wall for wall, _ in generation_samples), 3),
        "generation_cpu_seconds": round(statistics.median(cpu for _, cpu in generation_samples), 3),
        "generation_samples_wall_cpu_seconds": [[round(wall, 3), round(cpu, 3)] for wall, cpu in generation_samples],
    }


def print_report(summary: dict, results: dict, labels: dict, checks: list) -> None:
    load_shape = summary["load"]
    print(
        f"\nserver: {summary['server']}; wrk: {load_shape['wrk_threads']} threads, {load_shape['connections']} "
        f"connections, {load_shape['seconds_per_scenario']} s per scenario in {load_shape['rounds']} slices"
    )
    print(
        f"throttles still run, every rate raised to {deployment.UNTHROTTLED_RATE} through "
        "every THROTTLE_RATE_*: this measures authentication, not throttling"
    )
    print("login is bounded by PBKDF2 hashing (Django's default iterations, not weakened)")
    print(f"load average (1/5/15 min) at the end: {summary['machine']['load_average_1m_5m_15m']}\n")
    print(report.scenario_table(results, labels))
    print()
    print(report.checks_table(checks))


def write_results(output: Path, summary: dict, results: dict, labels: dict, checks: list) -> None:
    output.mkdir(parents=True, exist_ok=True)
    report.write_json(output / "latest.json", summary, results, labels, checks)
    markdown = report.markdown_table(results, labels, checks)
    (output / "latest.md").write_text(markdown + "\n")
    caption = f"{summary['measured_at']}, {summary['machine']['cores']} cores, {summary['server']}"
    report.write_svg(output / "latest.svg", results, labels, caption)
    print(f"\nwrote {output}/latest.json, latest.md and latest.svg")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    options = deployment.ServerOptions(args.workers, args.worker_class, args.threads, args.keep_worker_recycling)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        results, labels, generation_samples = benchmark(args, workdir, options)
        summary = summary_of(args, options, generation_samples)
        if not args.skip_matrix:
            print("timing the template test matrix ...", flush=True)
            seconds, status = time_matrix(workdir / "matrix.log")
            summary["matrix"] = {"seconds": round(seconds, 1), "status": status}
            if status != 0:
                print((workdir / "matrix.log").read_text()[-3000:])
    finally:
        if args.keep_files:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    checks = report.ratio_checks(results) + report.other_checks(
        results, summary["generation_seconds"], summary["generation_cpu_seconds"]
    )
    if "matrix" in summary:
        checks.append(report.matrix_check(summary["matrix"]["seconds"], summary["matrix"]["status"]))
    print_report(summary, results, labels, checks)
    write_results(args.output, summary, results, labels, checks)
    return 0 if summary.get("matrix", {}).get("status", 0) == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the clean-up above has already run
        sys.exit("interrupted: the servers, databases and Redis keys of this run are gone")
