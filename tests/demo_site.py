"""The README's main command, run as a user runs it: `watchfloor demo` ingests and extracts
the bundled sample corpus into a fresh SQLite file, then serves the workbench on a free
loopback port and prints its URL. The demo and browser tests share one such run per session.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# Ingest + extraction of the 40 sample reports on a busy 2-core machine, plus the first
# build of the gazetteer on a fresh one (under a minute).
START_TIMEOUT_S = 240
URL_LINE = re.compile(r"watchfloor workbench: (http://127\.0\.0\.1:\d+/)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def demo_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WATCHFLOOR_DEMO_SERVE"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class DemoSite:
    """A running `watchfloor demo`: its URL, database file and everything it printed."""

    url: str
    db_path: Path
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> int:
        """Ctrl+C, as a user stops it; its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def start_demo(db_path: Path) -> DemoSite:
    """Run `watchfloor demo --db DB_PATH --port P` and return once its printed URL answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "watchfloor", "demo", "--db", str(db_path), "--port", str(port)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=demo_env(),
    )
    lines: list[str] = []
    printed_url = threading.Event()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if URL_LINE.search(line):
                printed_url.set()

    threading.Thread(target=drain, daemon=True).start()
    site = DemoSite(url="", db_path=db_path, process=process, lines=lines)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not printed_url.wait(timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            site.stop()
            raise RuntimeError(
                f"`watchfloor demo` printed no URL (exit status {process.returncode}):\n"
                + site.output[-4000:]
            )
    match = URL_LINE.search(site.output)
    assert match is not None
    site.url = match.group(1)
    assert site.url == f"http://127.0.0.1:{port}/"
    while True:  # the URL is printed just before the server binds
        try:
            with urllib.request.urlopen(site.url, timeout=5) as reply:
                if reply.status == 200:
                    return site
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            site.stop()
            raise RuntimeError(f"{site.url} never answered:\n{site.output[-4000:]}")
        time.sleep(0.2)
