"""Drive a server with wrk over loopback and read back what happened.

Each scenario is a request spec (method, path, headers, body) written to a file that a Lua
script in ``bench/lua`` reads; the scripts count non-2xx answers per thread and print one
``BENCH_RESULT {json}`` line at the end, next to wrk's own ``--latency`` report.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"
RESULT_MARK = "BENCH_RESULT "
# wrk runs for the duration it is given; this is only a guard against a hung process.
WRK_GRACE_SECONDS = 30


@dataclass(frozen=True)
class RequestSpec:
    method: str
    path: str
    headers: dict[str, str]
    body: str = ""

    def write(self, path: Path) -> Path:
        lines = [f"{self.method} {self.path}", *(f"{name}: {value}" for name, value in self.headers.items())]
        path.write_text("\n".join(lines) + "\n\n" + self.body)
        return path


@dataclass(frozen=True)
class LoadShape:
    """How hard wrk pushes: threads, open connections, seconds, and when a request counts as timed out."""

    threads: int
    connections: int
    seconds: int  # wrk takes whole seconds
    timeout_seconds: int = 5


@dataclass(frozen=True)
class Measurement:
    requests_per_second: float
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int  # includes the requests a refresh run had to send without a fresh token
    socket_errors: int
    timeouts: int
    exhausted: int  # requests sent without a fresh token (should be 0)
    server_cpu_ms: float = 0.0  # gunicorn's CPU time per request, filled in by the caller

    @property
    def failures(self) -> int:
        return self.non_2xx + self.socket_errors + self.timeouts

    @classmethod
    def from_wrk(cls, data: dict) -> Measurement:
        seconds = data["duration_us"] / 1e6
        return cls(
            requests_per_second=data["requests"] / seconds if seconds else 0.0,
            requests=data["requests"],
            seconds=seconds,
            p50_ms=data["p50_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            non_2xx=data["non_2xx"],
            socket_errors=data["socket_errors"],
            timeouts=data["timeouts"],
            exhausted=data["exhausted"],
        )


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian's package when missing (the machines run as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's package")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def run_wrk(wrk: str, url: str, script: str, script_args: list[str], shape: LoadShape, log: Path) -> Measurement:
    """One bounded wrk run against ``url`` (loopback); its full report is appended to ``log``."""
    command = [
        wrk,
        f"--threads={shape.threads}",
        f"--connections={shape.connections}",
        f"--duration={shape.seconds}s",
        f"--timeout={shape.timeout_seconds}s",
        "--latency",
        f"--script={script}",
        url,
        "--",
        *script_args,
    ]
    completed = subprocess.run(
        command,
        cwd=LUA_DIR,  # the scripts find common.lua here
        capture_output=True,
        text=True,
        check=True,
        timeout=shape.seconds + WRK_GRACE_SECONDS,
    )
    with open(log, "a") as log_file:
        log_file.write(f"$ {' '.join(command)}\n{completed.stdout}{completed.stderr}\n")
    return _parse(completed.stdout)


def _parse(output: str) -> Measurement:
    for line in output.splitlines():
        if line.startswith(RESULT_MARK):
            return Measurement.from_wrk(json.loads(line[len(RESULT_MARK) :]))
    raise RuntimeError(f"wrk printed no result line:\n{output}")


def fixed_request(wrk: str, url: str, spec: RequestSpec, shape: LoadShape, workdir: Path, name: str) -> Measurement:
    spec_file = spec.write(workdir / f"{name}.spec")
    return run_wrk(wrk, url, "fixed.lua", [str(spec_file)], shape, workdir / "wrk.log")


def fresh_cookie_requests(
    wrk: str, url: str, spec: RequestSpec, cookies_file: Path, shape: LoadShape, workdir: Path, name: str
) -> Measurement:
    """Requests that each carry the next unused line of ``cookies_file`` as their Cookie header."""
    spec_file = spec.write(workdir / f"{name}.spec")
    args = [str(spec_file), str(cookies_file), str(shape.threads)]
    return run_wrk(wrk, url, "refresh.lua", args, shape, workdir / "wrk.log")
