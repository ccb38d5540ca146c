"""A TCP proxy that a test can cut and restore, to take a dependency away from a running app.

Run as its own process (``python tcp_proxy.py LISTEN_PORT TARGET_HOST TARGET_PORT``), so its
forwarding never waits on the test process's threads. It reads commands on stdin, one a line,
and answers each on stdout once done:

    cut       close every open connection (both ends) and stop listening: new connections are refused
    restore   listen again and forward new connections

``TcpProxy`` starts it and sends those commands.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import threading
from pathlib import Path

LISTEN_HOST = "127.0.0.1"
READY = "ready"


class Forwarder:
    def __init__(self, listen_port: int, target_host: str, target_port: int) -> None:
        self.listen_port = listen_port
        self.target = (target_host, target_port)
        self.server: asyncio.Server | None = None
        self.transports: set[asyncio.WriteTransport] = set()

    async def listen(self) -> None:
        self.server = await asyncio.start_server(self.handle, LISTEN_HOST, self.listen_port, reuse_address=True)

    async def cut(self) -> int:
        if self.server is not None:
            self.server.close()
            self.server = None
        open_transports = list(self.transports)
        for transport in open_transports:
            transport.abort()  # no goodbye: both ends see the connection drop mid-stream
        self.transports.clear()
        return len(open_transports)

    async def handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        pair = (client_writer.transport, upstream_writer.transport)
        self.transports.update(pair)
        try:
            await asyncio.gather(self.pump(client_reader, upstream_writer), self.pump(upstream_reader, client_writer))
        finally:
            for transport in pair:
                transport.abort()
                self.transports.discard(transport)

    @staticmethod
    async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        with contextlib.suppress(OSError):
            writer.write_eof()


def answer(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def serve(listen_port: int, target_host: str, target_port: int) -> None:
    forwarder = Forwarder(listen_port, target_host, target_port)
    await forwarder.listen()
    loop = asyncio.get_running_loop()
    commands: asyncio.Queue[str] = asyncio.Queue()

    def read_commands() -> None:  # stdin is read in a thread: a blocking read must not stall forwarding
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line.strip())
        loop.call_soon_threadsafe(commands.put_nowait, "exit")

    threading.Thread(target=read_commands, daemon=True).start()
    answer(READY)
    while (command := await commands.get()) != "exit":
        if command == "cut":
            answer(f"cut {await forwarder.cut()}")
        elif command == "restore":
            if forwarder.server is None:
                await forwarder.listen()
            answer("restored")
        else:
            answer(f"unknown command {command}")
    await forwarder.cut()


class TcpProxy:
    """The proxy process, seen from the test: ``cut()`` and ``restore()`` return once they took effect."""

    def __init__(self, listen_port: int, target_host: str, target_port: int) -> None:
        self.port = listen_port
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), str(listen_port), target_host, str(target_port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self._expect(READY)

    def _expect(self, prefix: str) -> str:
        line = self.process.stdout.readline().strip()
        if not line.startswith(prefix):
            raise RuntimeError(f"TCP proxy answered {line!r}, expected {prefix!r}")
        return line

    def _send(self, command: str, prefix: str) -> str:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._expect(prefix)

    def cut(self) -> int:
        """Drop every connection and refuse new ones; return how many connections were dropped."""
        return int(self._send("cut", "cut ").split()[1]) // 2

    def restore(self) -> None:
        self._send("restore", "restored")

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


if __name__ == "__main__":
    port, host, target_port = sys.argv[1:4]
    asyncio.run(serve(int(port), host, int(target_port)))
