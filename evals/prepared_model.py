"""A stand-in for a capable LLM: a ``ChatModel`` that answers with prepared replies.

The guardrails and safety suites use it to put exactly the reply they want in front of the
checks, as a good model (faithful paraphrases) or a bad or attacked one (violations) would
write it. ``reply`` is the text the next call answers with; the citations are every article
ref (``A1``, ``A2``...) the prompt shows, as a model citing what it was given would. Repair
calls get the same reply again (a model that insists), so a violation can only get through
if the checks let it. Calls whose system prompt mentions grounding are answered by ``judge``
(default: "supported"), for the optional grounding judge.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from service.ports import ChatMessage, ChatResult

_REF = re.compile(r"^\[(A\d+)\]", re.M)


@dataclass
class PreparedChatModel:
    model: str = "prepared-capable-model"
    reply: str = ""
    judge: str = '{"verdict": "supported", "unsupported": []}'
    calls: list[str] = field(default_factory=list)

    def _answer(self, messages: Sequence[ChatMessage]) -> str:
        system = " ".join(m.content for m in messages if m.role == "system")
        user = "\n".join(m.content for m in messages if m.role != "system")
        if "grounding judge" in system.lower():
            self.calls.append("judge")
            return self.judge
        self.calls.append("reply")
        refs = list(dict.fromkeys(_REF.findall(user)))
        return json.dumps({"reply": self.reply, "citations": refs}, ensure_ascii=False)

    async def complete(self, messages: Sequence[ChatMessage], *, temperature: float = 0.2, max_tokens: int = 512, json_mode: bool = False) -> ChatResult:
        text = self._answer(messages)
        return ChatResult(text=text, model=self.model, finish_reason="stop", prompt_tokens=sum(len(m.content) // 4 for m in messages),
                          completion_tokens=len(text) // 4, latency_ms=1.0)

    async def stream(self, messages: Sequence[ChatMessage], *, temperature: float = 0.2, max_tokens: int = 512) -> AsyncIterator[str]:
        text = self._answer(messages)
        for i in range(0, len(text), 16):
            yield text[i : i + 16]
