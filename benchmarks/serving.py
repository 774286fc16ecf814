"""Running `secbot serve` for a benchmark, and latency summaries."""

from __future__ import annotations

import gc
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values_ms: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values_ms, 0.50), 2),
        "p99": round(percentile(values_ms, 0.99), 2),
        "max": round(max(values_ms), 2),
        "mean": round(statistics.fmean(values_ms), 2),
    }


@contextmanager
def paused_collector() -> Iterator[None]:
    """This process's cyclic garbage collector off for the block (what is already there is
    collected first and frozen), so a measuring client's pauses are not counted as latency."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Served:
    """A running `secbot serve`: its base URL and process id."""

    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time the server process has used (all its threads): unlike wall time, hardly
        changed by other work on the machine."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def secbot_serve(env: dict[str, str]) -> Iterator[Served]:
    """`secbot serve` in its own process, once /healthz answers."""
    port = free_port()
    secbot = Path(sys.executable).parent / "secbot"
    command = [str(secbot), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded machine starts slowly
        while True:  # waiting for the server to come up, not for the clock
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit("secbot serve did not start")
            time.sleep(0.1)
        yield Served(url, process.pid)
    finally:
        process.terminate()
        process.wait(30)
