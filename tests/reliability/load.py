"""Bounded load on a served variant: concurrent browser sessions that log in, call the API,
refresh (keeping their own rotating session), and now and then log out and log in again.

Each client is a thread with a ``BrowserSession``. The run stops by itself after its duration.
It keeps every request's outcome and, for the checks after the run, every session a client
ended itself and every refresh token rotated out of a live session.
"""

from __future__ import annotations

import contextlib
import random
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tests.reliability.clients import BrowserSession, Reply
from tests.reliability.served_variant import ServedVariant

# What a client does next, by weight. Logging out is rare: each new login pays a PBKDF2 hash.
ACTIONS = {"me": 40, "verify": 25, "refresh": 22, "check": 10, "logout": 3}
# One client in this many logs out now and then; the others keep one session for the whole run.
LOGOUT_CLIENT_EVERY = 3
THINK_TIME = (0.0, 0.02)
# After a 503 a client waits a little before it goes on, as a real client backs off.
BACKOFF = (0.1, 0.3)
CHECK_WORKERS = 8


@dataclass(frozen=True)
class Outcome:
    client: int
    action: str
    started: float  # seconds since the run began
    elapsed: float
    status: int  # 0: no HTTP answer
    detail: str = ""

    @property
    def ended(self) -> float:
        return self.started + self.elapsed


@dataclass(frozen=True)
class Rotated:
    session: BrowserSession  # holds the rotated-out refresh token and the cookies sent with it
    at: float


@dataclass
class LoadRun:
    """``clients`` threads, client ``n`` signed in as ``usernames[n]``, until ``seconds`` into the run."""

    variant: ServedVariant
    usernames: list[str]
    seconds: float
    seed: int = 20240601
    outcomes: list[Outcome] = field(default_factory=list)
    lost: list[Outcome] = field(default_factory=list)  # a session ended without its client logging out
    logged_out: list[BrowserSession] = field(default_factory=list)
    rotated_out: list[Rotated] = field(default_factory=list)
    live: dict[int, BrowserSession] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)
    _signed_in: set[int] = field(default_factory=set)
    _began: float = 0.0

    def logs_out(self, number: int) -> bool:
        """Whether client ``number`` logs out now and then (the others keep one session throughout)."""
        return number % LOGOUT_CLIENT_EVERY == 0

    def clock(self) -> float:
        return time.monotonic() - self._began

    def sleep_until(self, moment: float) -> None:
        time.sleep(max(0.0, moment - self.clock()))

    def wait_until_everyone_signed_in(self, timeout: float) -> float:
        """Block until every client has signed in once (the login burst is over); return the run's clock."""
        deadline = time.monotonic() + timeout
        while len(self._signed_in) < self.clients:
            assert time.monotonic() < deadline, f"only {len(self._signed_in)} clients signed in within {timeout} s"
            time.sleep(0.05)
        return self.clock()

    def end_at(self, moment: float) -> None:
        """Move the end of the run (clients read it before each action)."""
        self.seconds = moment

    @property
    def clients(self) -> int:
        return len(self.usernames)

    @contextlib.contextmanager
    def running(self):
        """Run the clients for the block; they stop at once if the block fails, else at the planned end."""
        self.start()
        try:
            yield self
        except BaseException:
            self.end_at(0.0)
            raise
        finally:
            self.join()

    def start(self) -> None:
        self._began = time.monotonic()
        for number in range(self.clients):
            thread = threading.Thread(target=self._client, args=(number,), name=f"load-client-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=self.seconds + 120)
        stuck = [thread.name for thread in self._threads if thread.is_alive()]
        assert not stuck, f"load clients did not stop: {stuck}"

    # --- one client ----------------------------------------------------------------------------

    def _record(self, number: int, action: str, reply: Reply, detail: str = "") -> Outcome:
        outcome = Outcome(
            number,
            action,
            reply.started - self._began,
            reply.elapsed,
            reply.status,
            detail or reply.error or reply.code(),
        )
        with self._lock:
            self.outcomes.append(outcome)
        return outcome

    def _new_session(self) -> BrowserSession:
        variant = self.variant
        return BrowserSession(variant.port, variant.frontend_origin, variant.refresh_cookie)

    def _client(self, number: int) -> None:
        rng = random.Random(self.seed * 1000 + number)
        username = self.usernames[number]
        actions = dict(ACTIONS)
        if not self.logs_out(number):
            del actions["logout"]
        names, weights = list(actions), list(actions.values())
        session = self._new_session()
        signed_in = False
        while self.clock() < self.seconds:
            time.sleep(rng.uniform(*THINK_TIME))
            if not signed_in:
                outcome = self._record(number, "login", session.login(username, self.variant.password))
                signed_in = outcome.status == 200
                if signed_in:
                    self._signed_in.add(number)
                else:
                    time.sleep(rng.uniform(*BACKOFF))
                continue
            action = rng.choices(names, weights)[0]
            outcome = self._act(number, action, session)
            if outcome.status == 503:
                time.sleep(rng.uniform(*BACKOFF))
            elif outcome.status in (401, 403) or outcome.detail == "reported invalid":
                with self._lock:
                    self.lost.append(outcome)
                session, signed_in = self._new_session(), False  # sign in again so the run goes on
            elif action == "logout" and outcome.status == 204:
                session, signed_in = self._new_session(), False
        if signed_in:
            with self._lock:
                self.live[number] = session

    def _act(self, number: int, action: str, session: BrowserSession) -> Outcome:
        if action == "me":
            return self._record(number, action, session.get("/api/me/"))
        if action == "verify":
            return self._record(number, action, session.get("/api/auth/verify/"))
        if action == "check":
            reply = session.check()
            valid = reply.status != 200 or reply.json() == {"valid": True}
            return self._record(number, action, reply, "" if valid else "reported invalid")
        if action == "refresh":
            before = session.snapshot()
            reply = session.refresh()
            if reply.status == 200:
                with self._lock:
                    self.rotated_out.append(Rotated(before, self.clock()))
            return self._record(number, action, reply)
        before = session.snapshot()  # logout: keep the tokens to show they are dead afterwards
        reply = session.logout()
        if reply.status == 204:
            with self._lock:
                self.logged_out.append(before)
        return self._record(number, action, reply)

    # --- after the run -------------------------------------------------------------------------

    def check_sessions(self) -> dict[str, list[str]]:
        """Every live session still refreshes; every ended session and rotated-out token is refused.

        Waits out the grace window first. Live sessions are checked before the rotated-out
        tokens, because presenting a rotated-out token (reuse) revokes its whole session.
        """
        last_rotation = max((rotated.at for rotated in self.rotated_out), default=0.0)
        self.sleep_until(last_rotation + self.variant.grace_seconds + 1)
        problems: dict[str, list[str]] = {"live": [], "logged_out": [], "rotated_out": []}
        with ThreadPoolExecutor(CHECK_WORKERS) as pool:
            problems["live"] = [p for p in pool.map(self._live_still_works, self.live.items()) if p]
            problems["logged_out"] = [p for p in pool.map(self._ended_is_refused, self.logged_out) if p]
            problems["rotated_out"] = [p for p in pool.map(self._rotated_is_refused, self.rotated_out) if p]
        return problems

    @staticmethod
    def _live_still_works(item: tuple[int, BrowserSession]) -> str | None:
        number, session = item
        refreshed = session.refresh()
        if refreshed.status != 200:
            return f"client {number}: refresh answered {refreshed.status} {refreshed.code()}"
        me = session.get("/api/me/")
        if me.status != 200:
            return f"client {number}: /api/me/ answered {me.status} {me.code()} after a refresh"
        return None

    @staticmethod
    def _ended_is_refused(session: BrowserSession) -> str | None:
        session = session.snapshot()
        access = session.access
        refreshed = session.refresh()
        if refreshed.status != 401:
            return f"refresh after logout answered {refreshed.status}"
        session.access = access
        me = session.get("/api/me/")
        if me.status != 401:
            return f"the access token of a logged-out session answered {me.status} on /api/me/"
        return None

    @staticmethod
    def _rotated_is_refused(rotated: Rotated) -> str | None:
        reply = rotated.session.snapshot().refresh()
        return None if reply.status == 401 else f"a rotated-out refresh token answered {reply.status}"


def latency_ms(outcomes: list[Outcome], quantile: float) -> float:
    durations = sorted(outcome.elapsed for outcome in outcomes)
    if not durations:
        return 0.0
    if len(durations) == 1:
        return durations[0] * 1000
    return statistics.quantiles(durations, n=100, method="inclusive")[round(quantile * 100) - 1] * 1000


def status_counts(outcomes: list[Outcome]) -> dict[str, int]:
    return {str(status): count for status, count in sorted(Counter(o.status for o in outcomes).items())}
