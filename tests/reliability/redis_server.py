"""A redis-server of the test's own on a loopback port, which the test stops and starts again, or
pauses (SIGSTOP: connections are accepted by the kernel and never answered) and resumes.

It keeps nothing on disk (``--save "" --appendonly no``), as a restarted cache node would come
back empty. The shared Redis on 6379 is never touched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

START_TIMEOUT = 10


def send_command(port: int, *words: str, timeout: float = 1.0) -> bytes:
    """One Redis command over RESP; the raw reply (enough for PING and DBSIZE)."""
    payload = f"*{len(words)}\r\n".encode() + b"".join(f"${len(w)}\r\n{w}\r\n".encode() for w in words)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(payload)
        return connection.recv(4096)


class RedisServer:
    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.workdir),
                "--logfile", str(self.workdir / "redis.log"),
            ],
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}; see {self.workdir}")
            with contextlib.suppress(OSError):
                if send_command(self.port, "PING").startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not answer within {START_TIMEOUT} s")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after a while); its keys are gone with it."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def pause(self) -> None:
        """Freeze the server: a hung Redis, which accepts connections and never answers."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGCONT)

    def key_count(self) -> int:
        """DBSIZE, or -1 while the server does not answer."""
        try:
            reply = send_command(self.port, "DBSIZE")
        except OSError:
            return -1
        return int(reply[1:].split(b"\r\n")[0]) if reply.startswith(b":") else -1
