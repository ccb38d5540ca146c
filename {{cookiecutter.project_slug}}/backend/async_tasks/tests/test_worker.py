"""The async task runner: with no broker tasks run in the web process; with one that is down,
requests neither fail nor slow down and every task is recorded as unsent, then published when the
broker is back; a task delivered twice runs once; one that fails every retry is recorded, not
dropped; and a real Celery worker, taking tasks from a real Redis, delivers mail over SMTP.

The tests that need Redis (and, for the worker, PostgreSQL, which the worker process shares)
run when REDIS_URL and DATABASE_URL are set, as in CI.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import connection
from rest_framework.test import APIClient

from accounts.testing import RESET_URL, SmtpServer, free_port, kind_of
from async_tasks.models import CompletedTask, UnsentTask
from async_tasks.runner import circuit, publish
from async_tasks.tasks import resend_unsent, run_deferred
from audit.models import AuditEvent
from config.deferred import background_thread

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (set REDIS_URL)")
needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (set DATABASE_URL): the worker process shares the test database",
)
BACKEND = Path(__file__).resolve().parents[2]
RESET_KWARGS = {"kind": "password_changed", "to": "alice@example.com", "context": {"username": "alice"}}


@pytest.fixture(autouse=True)
def _closed_circuit():
    circuit.close()
    yield
    background_thread.flush()
    circuit.close()


@pytest.fixture
def broker(settings):
    """This test's own queue on the real Redis: ``broker.depth()`` counts what waits in it."""
    queue = f"test-{uuid.uuid4().hex}"
    settings.ASYNC_TASKS = {**settings.ASYNC_TASKS, "BROKER_URL": REDIS_URL, "QUEUE": queue}
    client = redis.Redis.from_url(REDIS_URL)

    class Broker:
        name = queue

        @staticmethod
        def depth() -> int:
            return client.llen(queue)

    yield Broker
    client.delete(queue)


@pytest.fixture
def silent_broker(settings):
    """A broker address that accepts connections and never answers: the worst kind of outage."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    settings.ASYNC_TASKS = {**settings.ASYNC_TASKS, "BROKER_URL": f"redis://127.0.0.1:{port}/0"}
    settings.RUN_TASKS_IN_BACKGROUND = True
    yield
    stop.set()
    thread.join()
    for sock in accepted:
        sock.close()
    listener.close()


def request_reset(client=None):
    return (client or APIClient()).post(RESET_URL, {"email": "alice@example.com"}, format="json")


def test_without_a_broker_tasks_run_in_the_web_process(outbox, user, settings):
    settings.ASYNC_TASKS = {**settings.ASYNC_TASKS, "BROKER_URL": ""}
    assert request_reset().status_code == 202
    assert [kind_of(message) for message in outbox] == ["password_reset"]


def test_a_broker_that_does_not_answer_neither_fails_nor_slows_requests(transactional_db, user, silent_broker):
    started = time.perf_counter()
    statuses = [request_reset(APIClient(REMOTE_ADDR=f"127.0.0.{n + 2}")).status_code for n in range(3)]
    elapsed = time.perf_counter() - started
    assert statuses == [202, 202, 202]
    assert elapsed < 1.0, f"three requests took {elapsed:.2f}s with the broker down"
    background_thread.flush(timeout=30)
    unsent = list(UnsentTask.objects.all())  # the emails, and the audit records of the requests
    assert {task.reason for task in unsent} == {"broker_unavailable"}
    assert [task.name for task in unsent].count("accounts.send_account_email") == 3
    assert circuit.open  # the first failure opened it: the other tasks were recorded without waiting
    assert "skipped" in unsent[-1].error


@needs_redis
def test_tasks_recorded_as_unsent_are_published_when_the_broker_is_back(transactional_db, broker):
    for _ in range(3):
        UnsentTask.objects.create(
            id=uuid.uuid4(),
            name="accounts.send_account_email",
            kwargs=RESET_KWARGS,
            reason="broker_unavailable",
            recorded_at="2026-01-01T00:00:00Z",
        )
    UnsentTask.objects.create(
        id=uuid.uuid4(),
        name="accounts.send_account_email",
        kwargs=RESET_KWARGS,
        reason="retries_exhausted",
        recorded_at="2026-01-01T00:00:00Z",
    )
    assert resend_unsent() == 3
    assert broker.depth() == 3
    assert list(UnsentTask.objects.values_list("reason", flat=True)) == ["retries_exhausted"]  # waits for staff


@needs_redis
def test_a_task_is_published_to_the_broker_after_the_commit(transactional_db, user, broker, settings):
    settings.RUN_TASKS_IN_BACKGROUND = True
    assert request_reset().status_code == 202
    background_thread.flush(timeout=30)
    assert broker.depth() == 2 and not UnsentTask.objects.exists()  # the email and the audit record


def test_a_task_delivered_twice_runs_once(outbox):
    task_id = str(uuid.uuid4())
    run_deferred.apply(args=("accounts.send_account_email", RESET_KWARGS), task_id=task_id)
    run_deferred.apply(args=("accounts.send_account_email", RESET_KWARGS), task_id=task_id)
    assert [kind_of(message) for message in outbox] == ["password_changed"]
    assert CompletedTask.objects.filter(pk=task_id).exists()


def test_a_task_that_fails_every_retry_is_recorded_not_dropped(transactional_db, settings):
    settings.ASYNC_TASKS = {**settings.ASYNC_TASKS, "MAX_RETRIES": 0}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    task_id = str(uuid.uuid4())
    result = run_deferred.apply(args=("accounts.send_account_email", RESET_KWARGS), task_id=task_id)
    assert result.get() == "failed"
    [unsent] = UnsentTask.objects.all()
    assert (str(unsent.id), unsent.reason) == (task_id, "retries_exhausted")
    assert "ConnectionRefusedError" in unsent.error
    assert not CompletedTask.objects.filter(pk=task_id).exists()


def start_worker(broker, smtp: SmtpServer, **extra_env: str) -> subprocess.Popen:
    """A real Celery worker, as production runs it (a prefork pool, here of one process), on this
    test's queue and database, sending to ``smtp``; in a process group of its own."""
    # The configured server and credentials, as given, with the test database pytest made.
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": urlunsplit(database_url),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": broker.name,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        **extra_env,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "async_tasks",
        "worker",
        "--concurrency",
        "1",
        "--loglevel",
        "WARNING",
    ]
    return subprocess.Popen(
        command,
        cwd=BACKEND,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def pool_processes(worker: subprocess.Popen) -> list[int]:
    """The worker's pool processes: its children."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == worker.pid:
            children.append(int(stat.parent.name))
    return children


def stop_worker(worker: subprocess.Popen, how: signal.Signals = signal.SIGTERM) -> str:
    """SIGTERM: a warm shutdown (``docker compose stop``); SIGKILL: the whole worker dies at once,
    pool included (the container is killed). Return what the worker printed."""
    if worker.poll() is None:
        if how == signal.SIGKILL:
            os.killpg(worker.pid, signal.SIGKILL)
        else:
            worker.send_signal(how)
    output, _ = worker.communicate(timeout=30)
    return output


def eventually(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


@needs_redis
@needs_postgres
def test_a_real_worker_takes_tasks_from_redis_and_delivers_mail(transactional_db, user, broker):
    smtp = SmtpServer().start()
    worker = start_worker(broker, smtp)
    try:
        for n in range(3):
            assert request_reset(APIClient(REMOTE_ADDR=f"127.0.0.{n + 2}")).status_code == 202
        delivered = smtp.wait_for(3, timeout=60)
        assert [message["X-Account-Email"] for message in delivered] == ["password_reset"] * 3

        # Each task's completion commits just after its work; the audit records were written there too.
        def settled() -> bool:
            audited = AuditEvent.objects.filter(event="password_reset_requested").count()
            return audited == 3 and CompletedTask.objects.filter(name="accounts.send_account_email").count() == 3

        assert eventually(settled)
    finally:
        output = stop_worker(worker)
        smtp.stop()
    assert worker.returncode == 0, output


@needs_redis
@needs_postgres
def test_a_worker_stopped_or_killed_mid_run_loses_no_email_and_sends_none_twice(transactional_db, broker):
    """Twelve emails wait in the queue. A worker is stopped (SIGTERM) after a few; in the next one,
    the pool process dies in the middle of sending one (the kernel's OOM killer), then the whole
    worker does; a third worker finishes. Every address gets its email exactly once."""
    recipients = [f"user{n}@example.com" for n in range(12)]
    for to in recipients:
        kwargs = {"kind": "password_changed", "to": to, "context": {"username": "alice"}}
        publish("accounts.send_account_email", kwargs, str(uuid.uuid4()))
    assert broker.depth() == len(recipients)
    smtp = SmtpServer().start()
    visibility_timeout = 2  # seconds before the dead worker's task is handed out again
    workers, outputs = [], []

    def start() -> subprocess.Popen:
        workers.append(start_worker(broker, smtp, CELERY_VISIBILITY_TIMEOUT=str(visibility_timeout)))
        return workers[-1]

    def hold_mid_send() -> None:
        """Let two more emails through, then hold the worker in the middle of the next one."""
        smtp.wait_for(len(smtp.messages) + 2, timeout=60)
        smtp.hold()
        assert smtp.sender_held.wait(timeout=30), "the worker never started the next email"

    try:
        # A warm stop: the task in hand finishes and is acknowledged; the rest stays in the queue.
        first = start()
        smtp.wait_for(3, timeout=60)
        outputs.append(stop_worker(first, signal.SIGTERM))
        assert first.returncode == 0, outputs[-1]

        # The pool process dies mid-send: the worker gives its task back at once and goes on.
        second = start()
        hold_mid_send()
        [pool_process] = pool_processes(second)
        os.kill(pool_process, signal.SIGKILL)
        smtp.release()

        # Then the whole worker dies mid-send.
        hold_mid_send()
        outputs.append(stop_worker(second, signal.SIGKILL))
        killed_at = time.monotonic()
        smtp.release()
        assert len(smtp.messages) < len(recipients)

        # The broker hands the dead worker's task out again once its visibility timeout has passed.
        time.sleep(max(0.0, killed_at + visibility_timeout + 1 - time.monotonic()))
        third = start()
        smtp.wait_for(len(recipients), timeout=60)
        assert eventually(lambda: CompletedTask.objects.count() == len(recipients) and broker.depth() == 0)
        time.sleep(1)  # room for a duplicate to arrive, if there were one
        outputs.append(stop_worker(third))
    finally:
        for worker in workers:
            if worker.poll() is None:
                outputs.append(stop_worker(worker, signal.SIGKILL))
        smtp.stop()
    assert sorted(message["To"] for message in smtp.messages) == sorted(recipients), outputs
    assert not UnsentTask.objects.exists()
