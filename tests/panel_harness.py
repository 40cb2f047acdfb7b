"""Test harness for the panel's browser tests: the real app served by uvicorn on a free port in a
thread (its own event loop), Debian's Chromium driven by Playwright, and fake host pages."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest
import uvicorn

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # The tests' stand-in hosts (https://chat.example.com, https://acme.zendesk.com) are public
    # origins served by Playwright while the service listens on loopback; Chromium's Local
    # Network Access checks would block that public -> loopback frame (in production both sides
    # are on the same network, or the service is public).
    "--disable-features=LocalNetworkAccessChecks",
]


def chromium_path() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.fail("chromium is not installed: `make test` installs it (make install-chromium: apt-get install chromium)")
    return exe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app on 127.0.0.1:<free port>; ``run`` executes a coroutine on the app's own loop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self._serve, name="panel-live-server", daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.server.serve())

    def start(self) -> LiveServer:
        self.thread.start()
        ready = threading.Event()
        for _ in range(1200):  # up to 120 s on a loaded machine (the model loads at start-up)
            if self.server.started or not self.thread.is_alive():
                ready.set()
                break
            self.thread.join(0.1)
        if not self.server.started:
            raise RuntimeError("the panel test server did not start")
        return self

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=600)

    @property
    def container(self) -> Any:
        return self.app.state.container

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def chatwoot_host_page(panel_url: str, context: dict[str, Any], *, width: int = 360) -> str:
    """A stand-in for Chatwoot's dashboard: it frames the app and posts ``appContext`` as a JSON
    string, on load and whenever the app asks with ``chatwoot-dashboard-app:fetch-info``
    (as Chatwoot's DashboardApp/Frame.vue does)."""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Chatwoot</title>
<style>body{{margin:0;font:14px system-ui;display:flex;height:100vh;background:#f5f7fa}}
.conv{{flex:1;padding:16px;overflow:auto}} .msg{{background:#fff;border-radius:8px;padding:8px 10px;margin:6px 0;max-width:70%}}
.out{{margin-left:auto;background:#dbeafe}} .side{{width:{width}px;border-left:1px solid #d0d7e2;background:#fff}}
iframe{{border:0;width:100%;height:100%}} h1{{font-size:16px}}</style></head><body>
<div class="conv"><h1>Conversation #7 · Dana Reyes</h1><div id="thread"></div></div>
<div class="side"><iframe id="dashboard-app--frame-0-0" name="panel" src="{panel_url}"></iframe></div>
<script>
window.ctx = {json.dumps(context)};
window.fetchInfo = 0;
function render() {{
  const t = document.getElementById('thread'); t.replaceChildren();
  for (const m of window.ctx.conversation.messages) {{
    const d = document.createElement('div'); d.className = 'msg' + (m.message_type === 1 ? ' out' : ''); d.textContent = m.content; t.append(d);
  }}
}}
function send() {{
  document.getElementById('dashboard-app--frame-0-0').contentWindow.postMessage(JSON.stringify({{event: 'appContext', data: window.ctx}}), '*');
}}
window.addEventListener('message', (e) => {{
  if (e.data === 'chatwoot-dashboard-app:fetch-info') {{ window.fetchInfo += 1; send(); }}
}});
document.getElementById('dashboard-app--frame-0-0').addEventListener('load', send);
render();
</script></body></html>"""


FAKE_ZAF_SDK = """
(function () {
  const calls = [];
  const handlers = {};
  window.__zaf = { calls, handlers, ticket: window.__ticket || null };
  window.ZAFClient = {
    init() {
      return {
        get(fields) { calls.push(['get', fields]); return Promise.resolve(window.__zaf.ticket); },
        invoke(name, arg) { calls.push(['invoke', name, arg]); return Promise.resolve({}); },
        on(name, fn) { (handlers[name] = handlers[name] || []).push(fn); },
        trigger(name) { for (const fn of handlers[name] || []) fn(); },
      };
    },
  };
  const params = new URLSearchParams(location.search);
  window.__zaf.origin = params.get('origin');
})();
"""


def zendesk_host_page(panel_url: str, token: str) -> str:
    """A stand-in for Zendesk's agent workspace: it opens the app the way signed URLs do, with a
    POST of the ZAF JWT in the form field ``token`` into the sidebar frame."""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Zendesk</title>
<style>body{{margin:0;font:14px system-ui;display:flex;height:100vh;background:#f8f9f9}}
.ticket{{flex:1;padding:16px}} .side{{width:380px;border-left:1px solid #d8dcde;background:#fff}}
iframe{{border:0;width:100%;height:100%}} .c{{background:#fff;border:1px solid #e0e3e6;border-radius:6px;padding:8px;margin:6px 0}}</style></head><body>
<div class="ticket"><h1 style="font-size:16px">#4102 Refund for a damaged jacket</h1>
<div class="c">Dana Reyes: Hi, my jacket arrived torn. I'd like a refund please.</div>
<div class="c">Agent: Sorry to hear that! Could you send your order number?</div>
<div class="c">Dana Reyes: It's order 55123. How long does the refund take?</div></div>
<div class="side"><iframe name="zendesk-app" id="zendesk-app"></iframe></div>
<form id="open" method="POST" target="zendesk-app" action="{panel_url}"><input type="hidden" name="token" value="{token}"></form>
<script>document.getElementById('open').submit();</script></body></html>"""
