"""A real redis-server for the scaling-out tests: Debian's `redis-server` (.ci/run installs it)
on 127.0.0.1, a free port, its files in a temporary folder; append-only, so that a restart
keeps what it held, as the README tells users to run it."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from tests.helpers import free_port


class RedisServer:
    """`start()`, `restart()`, `stop()`; `url` is redis://127.0.0.1:PORT/0."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--save", "", "--daemonize", "no", "--loglevel", "warning",
             "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"redis-server did not start: {self.log()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Shut down as a service manager would (SIGTERM: Redis writes its files, then ends)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)
        self.proc = None

    def restart(self, down: float = 0.0) -> None:
        self.stop()
        time.sleep(down)
        self.start()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def log(self) -> str:
        path = self.folder / "redis.log"
        return path.read_text() if path.exists() else ""
