"""Chatwoot's REST API, for one call: a private note on a conversation.

``POST {base}/api/v1/accounts/{account}/conversations/{conversation}/messages`` with the
``api_access_token`` header and ``{"content", "message_type": "outgoing", "private": true}``
(Chatwoot's Messages API). The token is never logged; failures become
:class:`~service.errors.UpstreamError` naming the status only.
"""

from __future__ import annotations

import httpx

from service.errors import UpstreamError


class ChatwootAPI:
    def __init__(self, *, timeout_s: float = 5.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.timeout_s = timeout_s
        self.transport = transport

    async def private_note(self, base_url: str, account_id: int, conversation_id: int, token: str, content: str) -> int:
        url = f"{base_url.rstrip('/')}/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages"
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s, transport=self.transport) as client:
                r = await client.post(url, headers={"api_access_token": token},
                                      json={"content": content, "message_type": "outgoing", "private": True})
        except httpx.HTTPError as exc:
            raise UpstreamError(f"Chatwoot could not be reached ({type(exc).__name__})") from None
        if r.status_code >= 300:
            raise UpstreamError(f"Chatwoot refused the private note (HTTP {r.status_code})")
        try:
            return int(r.json().get("id") or 0)
        except ValueError:
            return 0
