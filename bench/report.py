"""Turn one run's measurements into ratios against their targets, a table, JSON and an SVG chart.

The chart is written by hand (no plotting dependency): one bar per scenario for requests per
second, and one bar per ratio with its target marked.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from html import escape
from pathlib import Path

from bench.load import Measurement

GENERATION_TARGET_SECONDS = 0.5
MATRIX_TARGET_SECONDS = 5 * 60


@dataclass(frozen=True)
class Ratio:
    label: str
    short_label: str  # for the chart
    numerator: str
    denominator: str
    target: float | None  # minimum; None: reported, no target

    def value(self, results: dict[str, Measurement]) -> float | None:
        """The ratio of requests per second: what the targets are about."""
        top, bottom = results.get(self.numerator), results.get(self.denominator)
        if top is None or bottom is None or not bottom.requests_per_second:
            return None
        return top.requests_per_second / bottom.requests_per_second

    def cpu_value(self, results: dict[str, Measurement]) -> float | None:
        """The same ratio from gunicorn's CPU time per request: steadier on a shared machine."""
        top, bottom = results.get(self.numerator), results.get(self.denominator)
        if top is None or bottom is None or not top.server_cpu_ms:
            return None
        return bottom.server_cpu_ms / top.server_cpu_ms


RATIOS = [
    Ratio(
        "authenticated / unauthenticated, token cache on", "auth / no auth, cache on", "me_cache", "version_cache", 0.85
    ),
    Ratio(
        "authenticated / unauthenticated, token cache off",
        "auth / no auth, cache off",
        "me_nocache",
        "version_nocache",
        0.75,
    ),
    Ratio("refresh / authenticated (cache on)", "refresh / auth, cache on", "refresh", "me_cache", 0.40),
    Ratio("refresh / authenticated (cache off)", "refresh / auth, cache off", "refresh", "me_nocache", None),
    Ratio("token cache on / off (authenticated GET)", "cache on / off, auth GET", "me_cache", "me_nocache", None),
    Ratio("login with TOTP on / login (the password step)", "login MFA / login", "login_mfa", "login", None),
]


@dataclass(frozen=True)
class Check:
    label: str
    value: str
    target: str
    met: bool | None  # None: no target
    by_cpu: str = ""  # a ratio's value from server CPU time, for comparison


def ratio_checks(results: dict[str, Measurement]) -> list[Check]:
    checks = []
    for ratio in RATIOS:
        value, by_cpu = ratio.value(results), ratio.cpu_value(results)
        if value is None:
            continue
        met = None if ratio.target is None else value >= ratio.target
        target = "-" if ratio.target is None else f">= {ratio.target:.2f}"
        checks.append(Check(ratio.label, f"{value:.2f}", target, met, "" if by_cpu is None else f"{by_cpu:.2f}"))
    return checks


def other_checks(results: dict[str, Measurement], generation_seconds: float, generation_cpu: float) -> list[Check]:
    checks = [
        Check(
            "one generation, median of 3 (seconds; CPU seconds)",
            f"{generation_seconds:.2f}; CPU {generation_cpu:.2f}",
            f"<= {GENERATION_TARGET_SECONDS}",
            generation_seconds <= GENERATION_TARGET_SECONDS,
        )
    ]
    for label, authenticated, floor in (
        ("server CPU added by authentication, token cache on (ms/request)", "me_cache", "version_cache"),
        ("server CPU added by authentication, token cache off (ms/request)", "me_nocache", "version_nocache"),
    ):
        if authenticated in results and floor in results:
            added = results[authenticated].server_cpu_ms - results[floor].server_cpu_ms
            checks.append(Check(label, f"{added:.2f}", "-", None))
    if "refresh" in results:
        refresh = results["refresh"]
        checks.append(Check("refresh answers other than 2xx", str(refresh.failures), "= 0", refresh.failures == 0))
        # A request the script had to build without a fresh token: more sessions were needed.
        short = refresh.exhausted
        checks.append(Check("refresh requests short of a fresh token", str(short), "= 0", short == 0))
    return checks


def matrix_check(seconds: float, status: int) -> Check:
    """The template's 16-combination matrix: within its time limit, and passing."""
    value = f"{seconds:.0f}" + ("" if status == 0 else f" (exit {status})")
    return Check(
        "template test matrix, 16 combinations (seconds)",
        value,
        f"<= {MATRIX_TARGET_SECONDS}",
        seconds <= MATRIX_TARGET_SECONDS and status == 0,
    )


def _mark(met: bool | None) -> str:
    return {True: "met", False: "NOT met", None: ""}[met]


def format_table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [header, *rows]]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def scenario_table(results: dict[str, Measurement], labels: dict[str, str]) -> str:
    rows = [
        [
            labels[key],
            f"{result.requests_per_second:.0f}",
            f"{result.p50_ms:.1f}",
            f"{result.p99_ms:.1f}",
            f"{result.server_cpu_ms:.2f}",
            str(result.failures),
            str(result.requests),
        ]
        for key, result in results.items()
    ]
    return format_table(rows, ["scenario", "req/s", "p50 ms", "p99 ms", "server CPU ms/req", "non-2xx", "requests"])


def checks_table(checks: list[Check]) -> str:
    rows = [[check.label, check.value, check.target, _mark(check.met), check.by_cpu] for check in checks]
    return format_table(rows, ["measure", "value", "target", "", "same ratio by server CPU"])


def markdown_table(results: dict[str, Measurement], labels: dict[str, str], checks: list[Check]) -> str:
    """The figures for the README: scenarios, then ratios and targets."""
    lines = [
        "| scenario | req/s | p50 ms | p99 ms | server CPU ms/req | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, result in results.items():
        lines.append(
            f"| {labels[key]} | {result.requests_per_second:.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} "
            f"| {result.server_cpu_ms:.2f} | {result.failures} |"
        )
    lines += ["", "| measure | value | target | | same ratio by server CPU |", "|---|---:|---:|---|---:|"]
    lines += [
        f"| {check.label} | {check.value} | {check.target} | {_mark(check.met)} | {check.by_cpu} |" for check in checks
    ]
    return "\n".join(lines)


def write_json(path: Path, summary: dict, results: dict[str, Measurement], labels: dict[str, str], checks) -> None:
    data = {
        **summary,
        "scenarios": {
            key: {"label": labels[key], "requests_per_second": round(result.requests_per_second, 1), **asdict(result)}
            for key, result in results.items()
        },
        "checks": [asdict(check) for check in checks],
    }
    path.write_text(json.dumps(data, indent=2) + "\n")


# --- SVG chart -------------------------------------------------------------------------------

WIDTH = 800
LABEL_WIDTH = 330
BAR_AREA = 340
ROW = 26
FONT = 'font-family="sans-serif" font-size="12"'


def _bar_row(y: int, label: str, fraction: float, text: str, colour: str, text_after: float = 0.0) -> list[str]:
    """A labelled bar of ``fraction`` of the bar area; its text starts after the bar and ``text_after``."""
    length = max(1, round(BAR_AREA * min(fraction, 1.0)))
    text_x = LABEL_WIDTH + max(length, round(BAR_AREA * text_after)) + 6
    return [
        f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" {FONT}>{escape(label)}</text>',
        f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="{ROW - 8}" fill="{colour}"/>',
        f'<text x="{text_x}" y="{y + 15}" {FONT}>{escape(text)}</text>',
    ]


def _scenario_rows(y: int, results: dict[str, Measurement], labels: dict[str, str]) -> tuple[list[str], int]:
    top = max((result.requests_per_second for result in results.values()), default=1) or 1
    parts = [f'<text x="10" y="{y + 14}" {FONT} font-weight="bold">Requests per second (p50 / p99 ms)</text>']
    y += ROW
    for key, result in results.items():
        text = f"{result.requests_per_second:.0f}  ({result.p50_ms:.0f} / {result.p99_ms:.0f})"
        parts += _bar_row(y, labels[key], result.requests_per_second / top, text, "#4c78a8")
        y += ROW
    return parts, y


def _ratio_rows(y: int, results: dict[str, Measurement]) -> tuple[list[str], int]:
    values = {ratio.short_label: ratio.value(results) for ratio in RATIOS}
    scale = max([1.0, *(value for value in values.values() if value is not None)])
    parts = [f'<text x="10" y="{y + 14}" {FONT} font-weight="bold">Ratios of req/s (target marked in red)</text>']
    y += ROW
    for ratio in RATIOS:
        value = values[ratio.short_label]
        if value is None:
            continue
        met = ratio.target is None or value >= ratio.target
        colour = "#59a14f" if met else "#e15759"
        parts += _bar_row(y, ratio.short_label, value / scale, f"{value:.2f}", colour, (ratio.target or 0) / scale)
        if ratio.target is not None:
            x = LABEL_WIDTH + round(BAR_AREA * ratio.target / scale)
            parts.append(f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + ROW - 2}" stroke="#d62728" stroke-width="2"/>')
        y += ROW
    return parts, y


def write_svg(path: Path, results: dict[str, Measurement], labels: dict[str, str], caption: str) -> None:
    scenario_parts, y = _scenario_rows(10, results, labels)
    ratio_parts, y = _ratio_rows(y + 10, results)
    caption_part = f'<text x="10" y="{y + 16}" {FONT} fill="#555">{escape(caption)}</text>'
    height = y + 28
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        *scenario_parts,
        *ratio_parts,
        caption_part,
        "</svg>",
    ]
    path.write_text("\n".join(svg) + "\n")
