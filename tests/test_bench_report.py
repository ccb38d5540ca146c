"""The benchmark's arithmetic: ratios against their targets, CPU added by authentication, the
matrix check, and the files a run writes. No server runs here; `make bench` measures."""

import json

import pytest

from bench import report
from bench.load import Measurement


def measured(rate: float, cpu_ms: float, non_2xx: int = 0, exhausted: int = 0) -> Measurement:
    return Measurement(
        requests_per_second=rate,
        requests=int(rate * 10),
        seconds=10.0,
        p50_ms=5.0,
        p99_ms=20.0,
        non_2xx=non_2xx,
        socket_errors=0,
        timeouts=0,
        exhausted=exhausted,
        server_cpu_ms=cpu_ms,
    )


RESULTS = {
    "version_cache": measured(1000, 1.5),
    "me_cache": measured(900, 1.6),
    "version_nocache": measured(1000, 1.5),
    "me_nocache": measured(600, 2.5),
    "refresh": measured(300, 6.0),
}


def by_label(checks: list[report.Check]) -> dict[str, report.Check]:
    return {check.label: check for check in checks}


def test_ratios_compare_throughput_and_cpu_against_their_targets():
    checks = by_label(report.ratio_checks(RESULTS))
    cached = checks["authenticated / unauthenticated, token cache on"]
    assert (cached.value, cached.met, cached.by_cpu) == ("0.90", True, "0.94")
    uncached = checks["authenticated / unauthenticated, token cache off"]
    assert (uncached.value, uncached.met, uncached.by_cpu) == ("0.60", False, "0.60")
    refresh = checks["refresh / authenticated (cache on)"]
    assert (refresh.value, refresh.met) == ("0.33", False)
    assert checks["refresh / authenticated (cache off)"].met is None  # reported, no target


def test_a_ratio_missing_a_scenario_is_left_out():
    checks = by_label(report.ratio_checks({"version_cache": RESULTS["version_cache"]}))
    assert checks == {}


def test_cpu_added_by_authentication_and_refresh_failures_are_reported():
    checks = by_label(report.other_checks({**RESULTS, "refresh": measured(300, 6.0, non_2xx=2)}, 0.3, 0.28))
    assert checks["server CPU added by authentication, token cache on (ms/request)"].value == "0.10"
    assert checks["server CPU added by authentication, token cache off (ms/request)"].value == "1.00"
    assert checks["one generation, median of 3 (seconds; CPU seconds)"].met is True
    failures = checks["refresh answers other than 2xx"]
    assert (failures.value, failures.met) == ("2", False)


@pytest.mark.parametrize(
    ("seconds", "status", "met"),
    [(120.0, 0, True), (301.0, 0, False), (120.0, 1, False)],
    ids=["within the limit", "too slow", "failing"],
)
def test_matrix_must_pass_within_five_minutes(seconds, status, met):
    assert report.matrix_check(seconds, status).met is met


def test_a_run_writes_json_markdown_and_a_chart(tmp_path):
    labels = {key: key.replace("_", " ") for key in RESULTS}
    checks = [*report.ratio_checks(RESULTS), report.matrix_check(105, 0)]
    report.write_json(tmp_path / "latest.json", {"measured_at": "now"}, RESULTS, labels, checks)
    report.write_svg(tmp_path / "latest.svg", RESULTS, labels, "caption")
    written = json.loads((tmp_path / "latest.json").read_text())
    assert written["measured_at"] == "now"
    assert set(written["scenarios"]) == set(RESULTS)
    markdown = report.markdown_table(RESULTS, labels, checks)
    assert "| template test matrix, 16 combinations (seconds) | 105 | <= 300 | met |" in markdown
    svg = (tmp_path / "latest.svg").read_text()
    assert svg.startswith("<svg") and "me cache" in svg
