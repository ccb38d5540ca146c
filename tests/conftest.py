"""Fixtures shared by the template tests: one virtual environment for every generated project,
per-variant databases, and a progress line per variant."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from tests.support.project_env import ensure_project_venv

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
