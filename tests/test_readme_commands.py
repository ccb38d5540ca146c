"""The commands the READMEs open with, run as a reader would run them, on a fresh copy of the
checkout: as the user running the tests, and as an ordinary user whose ``python3`` belongs to root.

`make demo` (template README) generates the default project and runs its `make run` (generated
README): the API and the frontend answer, and the `curl` examples of both READMEs work against
them. A second `make demo` starts in seconds and keeps the database. Then the generated project's
`make test` passes, and, for the ordinary user, so does the template's own `make test`.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.accounts import Account, current_account, ordinary_account, stop_processes
from tests.support.frontend_support import CHROMIUM, exclusive

API = "http://localhost:8000"
FRONTEND = "http://localhost:3000"
FIRST_START_TIMEOUT = 600
# A rerun installs nothing: it only regenerates, migrates and starts the two servers.
RERUN_LIMIT_SECONDS = 45
ADMIN = {"username": "readme-admin", "password": "readme-admin-password-1"}
DEMO_PROJECT = Path(".demo") / "acme_portal"
BASH_BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def get(url: str, headers: dict | None = None) -> tuple[int | None, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError:
        return None, ""


def wait_for(url: str, process: subprocess.Popen, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if get(url)[0] == 200:
            return time.monotonic() - start
        assert process.poll() is None, f"`make demo` exited with {process.returncode} before {url} answered"
        time.sleep(1)
    raise AssertionError(f"{url} did not answer within {timeout}s")


def sign_in(username: str, password: str) -> int:
    request = urllib.request.Request(
        f"{API}/api/auth/login/",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json", "Origin": FRONTEND, "X-Requested-With": "XMLHttpRequest"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def curl_blocks(readme: Path) -> list[str]:
    """The README's shell blocks that call the API."""
    return [block for block in BASH_BLOCK.findall(readme.read_text()) if "curl " in block]


def run_curl_examples(account: Account, readme: Path, cwd: Path) -> list[str]:
    outputs = []
    for block in curl_blocks(readme):
        result = account.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, timeout=60)
        assert result.returncode == 0, f"a curl example of {readme} failed:\n{block}\n{result.stdout}{result.stderr}"
        outputs.append(result.stdout)
    assert outputs, f"{readme} shows no curl example"
    return outputs


def check_dev_server_on_127(frontend: Path) -> None:
    """The app opened on 127.0.0.1 (not localhost) becomes interactive and keeps its session."""
    script = f"""
import {{ chromium }} from {json.dumps(str(frontend / "node_modules" / "playwright-core" / "index.mjs"))};
const browser = await chromium.launch({{ executablePath: {json.dumps(str(CHROMIUM))}, args: [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"] }});
const page = await browser.newPage();
await page.goto("http://127.0.0.1:3000/login");
await page.getByLabel("Username").fill("demo");
await page.getByLabel("Password").fill("demo-password-123");
await page.getByRole("button", {{ name: "Sign in" }}).click({{ timeout: 60000 }});
await page.waitForURL("http://127.0.0.1:3000/dashboard", {{ timeout: 30000 }});
await page.reload();
await page.getByTestId("profile").getByText("demo").first().waitFor({{ timeout: 30000 }});
await browser.close();
"""
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def run_demo(account: Account, log: Path, timeout: float) -> tuple[subprocess.Popen, float]:
    with open(log, "a") as output:
        process = account.popen(["make", "demo"], cwd=account.checkout, log=output)
    try:
        wait_for(f"{API}/api/version/", process, timeout)
        seconds = wait_for(f"{FRONTEND}/login", process, timeout)
    except BaseException:
        stop_processes(process)
        raise
    return process, seconds


def check_readme_commands(account: Account, tmp_path: Path, record_property, label: str) -> None:
    demo = account.checkout / DEMO_PROJECT
    log = tmp_path / "make-demo.log"
    # The browser suites listen on the same ports: one at a time on this machine.
    with exclusive("browser-suite"):
        start = time.monotonic()
        process, _ = run_demo(account, log, FIRST_START_TIMEOUT)
        first = time.monotonic() - start
        try:
            template_outputs = run_curl_examples(account, account.checkout / "README.md", account.scratch)
            assert '"access"' in template_outputs[0]
            generated_outputs = run_curl_examples(account, demo / "README.md", account.scratch)
            assert '"username":"demo"' in generated_outputs[0].replace(" ", "")
            assert generated_outputs[0].rstrip().endswith("204")
            # A page opened on a network address says which address to open, rendered on the server.
            status, page = get(f"{FRONTEND}/login", {"Host": "192.0.2.10:3000"})
            assert status == 200 and 'Open <a href="http://localhost:3000/login"' in page
            if account.is_root:
                check_dev_server_on_127(demo / "frontend")
            created = account.run(
                ["../.venv/bin/python", "manage.py", "createsuperuser", "--noinput", "--email", "a@example.com"],
                cwd=demo / "backend",
                timeout=60,
                DJANGO_SUPERUSER_USERNAME=ADMIN["username"],
                DJANGO_SUPERUSER_PASSWORD=ADMIN["password"],
            )
            assert created.returncode == 0, created.stdout + created.stderr
        finally:
            stop_processes(process)

        start = time.monotonic()
        process, _ = run_demo(account, log, FIRST_START_TIMEOUT)
        rerun = time.monotonic() - start
        try:
            # The database survived the rerun: the account made during the first run signs in.
            assert sign_in(ADMIN["username"], ADMIN["password"]) == 200
        finally:
            stop_processes(process)

    printed = log.read_text()
    assert f"{FRONTEND}/login" in printed and "demo-password-123" in printed
    assert rerun < RERUN_LIMIT_SECONDS, f"the second `make demo` took {rerun:.0f}s:\n{printed[-3000:]}"

    tested = account.run(["make", "test"], cwd=demo, timeout=900)
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-3000:]
    output = ANSI_ESCAPE.sub("", tested.stdout)
    backend = re.findall(r"(\d+) passed", output)
    frontend = re.search(r"Tests\s+(\d+) passed", output)
    assert backend and frontend, tested.stdout[-3000:]
    record_property(
        "progress",
        f"readme   {label:<13} make demo {first:5.1f}s, again {rerun:4.1f}s (database kept); curl examples ok; "
        f"generated make test: {backend[0]} backend + {frontend.group(1)} frontend tests passed",
    )


@pytest.mark.full
def test_readme_commands_work_for_the_current_user(tmp_path, record_property):
    with current_account() as account:
        check_readme_commands(account, tmp_path, record_property, account.name)


@pytest.mark.full
def test_readme_commands_work_for_an_ordinary_user_with_root_owned_python(tmp_path, record_property):
    with ordinary_account() as account:
        python = account.run(["sh", "-c", "command -v python3"], cwd=account.home, timeout=10).stdout.strip()
        interpreter = Path(python).resolve()
        assert not account.is_root and interpreter.stat().st_uid == 0, interpreter
        # What made `touch .venv/bin/python` fail for such a user: the venv's python links to this file.
        assert account.run(["test", "-w", str(interpreter)], cwd=account.home, timeout=10).returncode != 0
        check_readme_commands(account, tmp_path, record_property, "ordinary user")

        start = time.monotonic()
        tested = account.run(["make", "test"], cwd=account.checkout, timeout=1800)
        assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-4000:]
        summary = [line for line in tested.stdout.splitlines() if " passed" in line][-1]
        record_property(
            "progress",
            f"readme   ordinary user template make test in {time.monotonic() - start:5.1f}s: {summary.strip('= ')}",
        )
