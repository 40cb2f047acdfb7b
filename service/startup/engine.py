"""The index engine as a child of `assist serve --workers N` (PostgreSQL, no Qdrant server).

The embedded Qdrant Edge shard is one process's: `assist serve --workers N` runs `assist index
serve` beside its workers, waits for its ``ready`` line (the address it listens at), gives the
workers that address, and stops it after the workers have stopped. The engine runs in a session
of its own, so a Ctrl-C in the terminal reaches the workers first and the engine stays up while
they finish their requests; it also exits by itself when this process dies (``--parent-pid``).
Standard library only: `assist serve` imports this before it has loaded anything heavy.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass

READY_PREFIX = "ready "
"""`assist index serve` prints ``ready URL`` on stdout once it accepts connections."""
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0


class EngineStartError(RuntimeError):
    """The engine exited or stayed silent before it was ready."""


@dataclass
class EngineProcess:
    process: subprocess.Popen[str]
    url: str

    def stop(self) -> int | None:
        """SIGTERM, wait for the engine to close its shard, SIGKILL if it does not; its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


def start_engine(url: str = "", timeout_s: float = START_TIMEOUT_S, env: dict[str, str] | None = None) -> EngineProcess:
    """Start `assist index serve` (at ``url``, or its default socket in the data directory) and
    wait until it is ready. Its log goes to this process's stderr; ``env``: its environment
    (default: this process's)."""
    command = [sys.executable, "-m", "service", "index", "serve", "--parent-pid", str(os.getpid())]
    if url:
        command += ["--url", url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True, env=env)
    assert process.stdout is not None
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                EngineProcess(process, "").stop()
                raise EngineStartError(f"the index engine did not become ready in {timeout_s:g} s")
            if selector.select(timeout=min(left, 0.5)):
                line = process.stdout.readline()
                if line.startswith(READY_PREFIX):
                    return EngineProcess(process, line[len(READY_PREFIX):].strip())
                if not line:  # stdout closed: the engine exited
                    code = process.wait()
                    raise EngineStartError(f"the index engine exited with code {code} before it was ready (its log is above)")
            elif process.poll() is not None:
                raise EngineStartError(f"the index engine exited with code {process.returncode} before it was ready (its log is above)")
