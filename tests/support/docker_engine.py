"""A Docker engine and base images for the container tests.

The engine is the running one, or a ``dockerd`` started here and stopped afterwards. Base
images are the official ones when the environment names them (``TEMPLATE_TEST_PYTHON_IMAGE``,
``TEMPLATE_TEST_NODE_IMAGE``; CI runners that reach Docker Hub), otherwise Debian trixie
stand-ins built once with debootstrap and kept in the engine's image store.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEBIAN_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")
DEFAULT_MIRROR = "http://deb.debian.org/debian"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
ENGINE_START_TIMEOUT = 60


class EngineUnavailable(Exception):
    """No Docker engine runs here and none could be started."""


def docker(*args: str, timeout: float = 600, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Run the docker CLI with the classic builder, which needs no buildx plugin."""
    env = {**os.environ, "DOCKER_BUILDKIT": "0"}
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=check, env=env, **kwargs
    )


def engine_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return docker("info", timeout=20, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


@contextlib.contextmanager
def running_engine() -> Iterator[None]:
    """A Docker engine for the duration of the block; one started here is stopped at the end."""
    if engine_answers():
        yield
        return
    dockerd = shutil.which("dockerd")
    if not dockerd or not shutil.which("docker"):
        raise EngineUnavailable(
            "no Docker engine runs and docker/dockerd are not installed (apt-get install docker.io)"
        )
    log = tempfile.NamedTemporaryFile(prefix="dockerd-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [dockerd, "--host=unix:///var/run/docker.sock"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    started = False
    try:
        deadline = time.monotonic() + ENGINE_START_TIMEOUT
        while not engine_answers():
            if process.poll() is not None or time.monotonic() > deadline:
                tail = Path(log.name).read_text(errors="replace").strip().splitlines()[-1:] or ["(empty log)"]
                raise EngineUnavailable(f"dockerd did not start (log kept in {log.name}): {tail[0]}")
            time.sleep(0.5)
        started = True
        yield
    finally:
        stop_daemon(process)
        log.close()
        if started:
            Path(log.name).unlink()


def stop_daemon(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def image_exists(tag: str) -> bool:
    return docker("image", "inspect", tag, check=False, timeout=30).returncode == 0


def debian_mirror() -> str:
    """This machine's own Debian mirror (so debootstrap uses the configured registry)."""
    if DEBIAN_SOURCES.exists():
        for line in DEBIAN_SOURCES.read_text().splitlines():
            if line.startswith("URIs:"):
                return line.split()[1]
    return DEFAULT_MIRROR


@dataclass(frozen=True)
class StandIn:
    """A Debian trixie image that stands in for an official base image."""

    tag: str
    packages: tuple[str, ...]
    env: tuple[str, ...]
    # Installed with apt inside the new root: debootstrap's resolver cannot place npm's dependencies.
    apt_packages: tuple[str, ...] = ()


COMMON_ENV = (
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
)
PYTHON_STANDIN = StandIn(
    tag="standin/python:3.13-trixie",
    packages=("python3", "python3-venv", "ca-certificates"),
    env=(*COMMON_ENV, "PIP_CERT=/etc/ssl/certs/ca-certificates.crt"),
)
NODE_STANDIN = StandIn(
    tag="standin/node:20-trixie",
    packages=("nodejs", "ca-certificates"),
    env=(*COMMON_ENV, "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"),
    apt_packages=("npm",),
)


def run_or_explain(command: list[str], **kwargs) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(
            f"{command[0]} failed while building a stand-in image:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )


def build_standin(standin: StandIn) -> None:
    if not shutil.which("debootstrap"):
        raise EngineUnavailable("debootstrap is not installed (apt-get install debootstrap)")
    with tempfile.TemporaryDirectory(prefix="standin-") as rootfs:
        packages = ",".join(standin.packages)
        run_or_explain(["debootstrap", "--variant=minbase", f"--include={packages}", "trixie", rootfs, debian_mirror()])
        if standin.apt_packages:
            shutil.copy("/etc/resolv.conf", f"{rootfs}/etc/resolv.conf")
            install = (
                f"apt-get update -qq && apt-get install -y -qq --no-install-recommends {' '.join(standin.apt_packages)}"
            )
            run_or_explain(
                ["chroot", rootfs, "sh", "-c", f"{install} && apt-get clean && rm -rf /var/lib/apt/lists/*"],
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            )
            Path(f"{rootfs}/etc/resolv.conf").unlink()
        # The machine's certificate authorities, so build steps reach the registries through its proxy.
        if CA_BUNDLE.exists():
            shutil.copy(CA_BUNDLE, f"{rootfs}/etc/ssl/certs/ca-certificates.crt")
        changes = [arg for value in standin.env for arg in ("--change", f"ENV {value}")]
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        try:
            docker("import", *changes, "-", standin.tag, stdin=tar.stdout, timeout=600)
        finally:
            tar.stdout.close()
            tar.wait(timeout=60)


def base_image(official_variable: str, standin: StandIn) -> str:
    """The official image named by the environment, or the stand-in (built on first use)."""
    official = os.environ.get(official_variable)
    if official:
        return official
    if not image_exists(standin.tag):
        build_standin(standin)
    return standin.tag


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
