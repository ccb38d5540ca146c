"""Per-scenario summaries: a progress line for pytest and a shared JSON file, .cache/reliability-summary.json."""

from __future__ import annotations

import fcntl
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from tests.support.project_env import CACHE_DIR

SUMMARY_FILE = CACHE_DIR / "reliability-summary.json"


@dataclass
class ScenarioSummary:
    scenario: str
    requests: int
    statuses: dict[str, int]
    p50_ms: float
    p99_ms: float
    p50_steady_ms: float
    p99_steady_ms: float
    recovery_s: float | None = None
    seconds: float = 0.0
    details: dict = field(default_factory=dict)

    def line(self) -> str:
        statuses = " ".join(f"{status}:{count}" for status, count in self.statuses.items())
        recovery = "-" if self.recovery_s is None else f"{self.recovery_s:.2f}s"
        return (
            f"reliability {self.scenario:<16} {self.requests:>5} requests [{statuses}] "
            f"p50/p99 {self.p50_ms:.0f}/{self.p99_ms:.0f} ms "
            f"(after sign-in {self.p50_steady_ms:.0f}/{self.p99_steady_ms:.0f} ms) "
            f"recovery {recovery} ({self.seconds:.0f}s)"
        )


def publish(summary: ScenarioSummary, record_property) -> None:
    """Show the summary line after the test, and merge the summary into the shared file (under a lock)."""
    record_property("progress", summary.line())
    CACHE_DIR.mkdir(exist_ok=True)
    with open(CACHE_DIR / "reliability-summary.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(SUMMARY_FILE.read_text())
        except (OSError, ValueError):
            data = {}
        data.setdefault("scenarios", {})[summary.scenario] = asdict(summary)
        data["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
        SUMMARY_FILE.write_text(json.dumps(data, indent=2) + "\n")
