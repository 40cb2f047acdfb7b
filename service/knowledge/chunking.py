"""Split an article body into chunks by headings, within a token budget."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.ports import TokenCounter

HEADING = re.compile(r"^(#{1,4})\s+(.*\S)\s*$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
MIN_TOKENS = 24


@dataclass(frozen=True)
class Chunk:
    heading: str
    text: str
    tokens: int


def chunk_markdown(body: str, counter: TokenCounter, max_tokens: int) -> list[Chunk]:
    """Sections under each heading become chunks; long ones split by paragraph then sentence,
    tiny ones merge into the next section so no chunk is only a heading."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in body.splitlines():
        match = HEADING.match(line)
        if match:
            sections.append((match.group(2).strip(), []))
        else:
            sections[-1][1].append(line)
    pieces: list[tuple[str, str]] = []
    for heading, lines in sections:
        text = "\n".join(lines).strip()
        if not text:
            continue
        for part in _split(text, counter, max_tokens):
            pieces.append((heading, part))
    chunks: list[Chunk] = []
    pending: tuple[str, str] | None = None
    for heading, text in pieces:
        if pending is not None:
            merged = f"{pending[1]}\n\n{text}"
            if counter.count(merged) <= max_tokens:
                heading, text = pending[0] or heading, merged
            else:
                chunks.append(Chunk(pending[0], pending[1], counter.count(pending[1])))
            pending = None
        tokens = counter.count(text)
        if tokens < MIN_TOKENS:
            pending = (heading, text)
            continue
        chunks.append(Chunk(heading, text, tokens))
    if pending is not None:
        if chunks and counter.count(chunks[-1].text + "\n\n" + pending[1]) <= max_tokens:
            last = chunks.pop()
            text = f"{last.text}\n\n{pending[1]}"
            chunks.append(Chunk(last.heading, text, counter.count(text)))
        else:
            chunks.append(Chunk(pending[0], pending[1], counter.count(pending[1])))
    return chunks


def _split(text: str, counter: TokenCounter, max_tokens: int) -> list[str]:
    if counter.count(text) <= max_tokens:
        return [text]
    units = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(units) == 1:
        units = [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
        if len(units) == 1:
            return _hard_split(text, counter, max_tokens)
    out: list[str] = []
    current = ""
    for unit in units:
        if counter.count(unit) > max_tokens:
            if current:
                out.append(current)
                current = ""
            out.extend(_split(unit, counter, max_tokens))
            continue
        candidate = f"{current}\n\n{unit}" if current else unit
        if counter.count(candidate) <= max_tokens:
            current = candidate
        else:
            out.append(current)
            current = unit
    if current:
        out.append(current)
    return out


def _hard_split(text: str, counter: TokenCounter, max_tokens: int) -> list[str]:
    words = text.split()
    out: list[str] = []
    current: list[str] = []
    for word in words:
        current.append(word)
        if counter.count(" ".join(current)) > max_tokens:
            current.pop()
            if current:
                out.append(" ".join(current))
            current = [counter.truncate(word, max_tokens)]
    if current:
        out.append(" ".join(current))
    return out
