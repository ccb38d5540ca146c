"""Fixtures shared by the template tests: one virtual environment for every generated project,
per-variant databases, and a progress line per variant."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.project_env import ensure_project_venv

_session_start = time.monotonic()


def pytest_configure(config):
    config.addinivalue_line("markers", "full: part of the full tier only (.ci/run, make test-full)")


def pytest_runtest_logreport(report):
    """Print each variant's progress line as soon as its test ends (also under xdist)."""
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == "progress":
            sys.stdout.write(f"\n{value}\n")
            sys.stdout.flush()


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: every check must really run (TEMPLATE_TESTS_FORBID_SKIPS=1)."""
    if os.environ.get("TEMPLATE_TESTS_FORBID_SKIPS") != "1" or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for report in skipped:
            reporter.write_line(f"not allowed to skip here: {report.nodeid}: {report.longrepr[-1]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    lines = [
        value
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        for name, value in getattr(report, "user_properties", [])
        if name == "progress"
    ]
    if lines:
        terminalreporter.section("variants")
        for line in sorted(lines):
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"wall time since start: {time.monotonic() - _session_start:.1f}s")


@pytest.fixture(scope="session")
def project_venv() -> Path:
    """One virtual environment with the generated projects' pinned requirements, built once and cached."""
    return ensure_project_venv()


def variant_database_url(name: str) -> str | None:
    """The base DATABASE_URL with a database of the variant's own, so variants can run in parallel."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        return None
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + re.sub(r"\W", "_", name)))


def project_env(venv: Path, variant_slug: str, **extra: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.pop("DATABASE_URL", None)
    database_url = variant_database_url(variant_slug)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env.update(extra)
    return env
