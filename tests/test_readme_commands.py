"""The commands the READMEs open with, run as a reader would run them.

`make demo` (template README) generates the default project and runs its `make run`
(generated README), which must serve the API and the frontend and let the demo user sign in;
then the generated project's `make test` must pass. `make test` of the template is what
`.ci/run` itself runs first.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.baking import TEMPLATE_DIR
from tests.frontend_support import exclusive

DEMO_PROJECT = TEMPLATE_DIR / ".demo" / "acme_portal"
API = "http://localhost:8000"
FRONTEND = "http://localhost:3000"
START_TIMEOUT = 600


def get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def wait_for(url: str, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if get(url) == 200:
            return
        assert process.poll() is None, f"`make demo` exited with {process.returncode} before {url} answered"
        time.sleep(2)
    raise AssertionError(f"{url} did not answer within {START_TIMEOUT}s")


def demo_login() -> dict:
    request = urllib.request.Request(
        f"{API}/api/auth/login/",
        data=json.dumps({"username": "demo", "password": "demo-password-123"}).encode(),
        headers={"Content-Type": "application/json", "Origin": FRONTEND, "X-Requested-With": "XMLHttpRequest"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return {"status": response.status, "cookie": response.headers.get("Set-Cookie", ""), **json.load(response)}


def stop(process: subprocess.Popen) -> None:
    """Stop `make demo` and everything it started (runserver, next dev)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.mark.full
def test_make_demo_serves_the_default_project_and_its_make_test_passes(tmp_path, record_property):
    log = tmp_path / "make-demo.log"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    start = time.monotonic()
    # The browser suites use the same ports: one at a time on this machine.
    with exclusive("browser-suite"), open(log, "w") as output:
        process = subprocess.Popen(
            ["make", "demo"], cwd=TEMPLATE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            wait_for(f"{API}/api/version/", process, deadline)
            wait_for(f"{FRONTEND}/login", process, deadline)
            started = time.monotonic() - start
            signed_in = demo_login()
        finally:
            stop(process)

    printed = log.read_text()
    assert signed_in["status"] == 200 and signed_in["access"]
    assert "refresh_token=" in signed_in["cookie"] and "HttpOnly" in signed_in["cookie"]
    assert f"{FRONTEND}/login" in printed and "demo-password-123" in printed

    tested = subprocess.run(
        ["make", "test"], cwd=DEMO_PROJECT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-3000:]
    summary = [line for line in tested.stdout.splitlines() if " passed" in line][-1]
    record_property(
        "progress",
        f"readme   make demo served API and frontend in {started:5.1f}s; generated make test: {summary.strip('= ')}",
    )
