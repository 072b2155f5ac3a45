"""Helpers for tests that drive a real headless browser against a server in a subprocess:
a free port, starting `marquee serve` and waiting until it answers, and Debian's chromium."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, offline, sandbox-free (CI runs as root in a container): no first-run, sync, update or
# background requests that would try the network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
STARTUP_TIMEOUT = 20.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_serve(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`marquee serve` (as ``python -m crawler.serve``) on ``port``, answering when returned.

    Its output goes to the file ``log``, not a pipe: Datasette prints a long traceback for every
    refused query, and a pipe nobody reads would fill up and stall the server.
    """
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "crawler.serve", "--db", db_url, "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_answers(f"http://127.0.0.1:{port}/-/versions.json", process, log)
    except BaseException:
        stop(process)
        raise
    return process


def _wait_until_answers(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")
            raise RuntimeError(f"the server exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} within {STARTUP_TIMEOUT} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server, killing it if it does not stop within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"no {CHROMIUM} (.ci/run installs Debian's chromium package)"
    try:
        import playwright.sync_api  # noqa: F401  # only whether it is installed
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None
