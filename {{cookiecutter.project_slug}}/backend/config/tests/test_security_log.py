"""Security events are JSON lines on stdout; SECURITY_LOG_FILE also appends them to a file that
several worker processes share and that logrotate may move away, without losing a line."""

import json
import os
import subprocess
import sys
import time

from .settings_probe import BACKEND

WRITERS = 4
EVENTS_PER_WRITER = 1000
WRITER = (
    "import sys, django; django.setup(); from authentication.security_log import security_event; "
    "[security_event('probe', writer=int(sys.argv[1]), number=n) for n in range(int(sys.argv[2]))]"
)


def writer(number: int, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(number), str(EVENTS_PER_WRITER)],
        cwd=BACKEND,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_events_go_to_stdout_as_json_lines():
    process = writer(0, SECURITY_LOG_FILE="")
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    events = [json.loads(line) for line in stderr.splitlines() + stdout.splitlines() if '"probe"' in line]
    assert [event["number"] for event in events] == list(range(EVENTS_PER_WRITER))
    assert all(event["event"] == "probe" and event["levelname"] == "INFO" for event in events)


def test_several_processes_share_the_log_file_and_survive_a_rotation(tmp_path):
    log = tmp_path / "logs" / "security.log"  # the folder is made on first use
    rotated = log.with_name("security.log.1")
    writers = [writer(number, SECURITY_LOG_FILE=str(log)) for number in range(WRITERS)]
    deadline = time.monotonic() + 60
    while not (log.exists() and log.stat().st_size > 100_000) and time.monotonic() < deadline:
        time.sleep(0.01)
    log.rename(rotated)  # what logrotate does while the workers keep writing
    for process in writers:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr

    lines = rotated.read_text().splitlines() + (log.read_text().splitlines() if log.exists() else [])
    events = [json.loads(line) for line in lines]
    seen = sorted((event["writer"], event["number"]) for event in events)
    assert seen == [(w, n) for w in range(WRITERS) for n in range(EVENTS_PER_WRITER)]
    assert log.exists(), "the writers did not reopen the file after it was moved"
