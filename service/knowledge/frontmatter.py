"""YAML front matter that a client may send: plain data only, bounded work, bounded errors.

PyYAML's ``safe_load`` still expands aliases: a few hundred bytes of nested ``*a`` references
become gigabytes (a "billion laughs" bomb), and a validation error that quotes the value echoes
all of it. It also turns ``2026-02-30`` into a ``ValueError`` that is not a ``YAMLError``, and
recurses once per nesting level. :func:`load_front_matter` refuses aliases and deep nesting,
keeps impossible dates as strings (the field's own check then reports them), and raises only
:class:`FrontMatterError`. :func:`shown` cuts any value short for an error message.
:func:`split_front_matter` is the one place a text is cut into its front matter and its body
(articles, reviewed gap drafts).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

MAX_DEPTH = 20
"""Deepest nesting of lists and mappings accepted in front matter."""
SHOWN_CHARS = 80
"""Longest quotation of an input value in an error message."""


class FrontMatterError(ValueError):
    """The front matter is not acceptable YAML; the message is short and safe to return."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without aliases (anchors alone are harmless) and with a nesting cap."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"front matter is nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)  # 2026-02-30: a string; the field check reports it


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


_FENCE = re.compile(r"^---\s*$", flags=re.M)


def split_front_matter(text: str) -> tuple[str, str]:
    """``(front matter, body)`` of a text that starts with a ``---`` line and whose front matter
    a later ``---`` line closes; raises :class:`FrontMatterError` otherwise."""
    if not text.startswith("---"):
        raise FrontMatterError("must start with a '---' YAML front-matter block")
    parts = _FENCE.split(text, maxsplit=2)
    if len(parts) < 3:
        raise FrontMatterError("front matter is not closed by a '---' line")
    return parts[1], parts[2]


def load_front_matter(text: str) -> Any:
    """Parse ``text``; raises :class:`FrontMatterError` (with the line) for anything refused."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise FrontMatterError(f"invalid YAML{where}: {shown_text(str(problem))}") from None
    except (RecursionError, ValueError, OverflowError, TypeError) as exc:
        raise FrontMatterError(f"invalid YAML: {type(exc).__name__}") from None


def shown_text(text: str, limit: int = SHOWN_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters, computed without building a huge string
    for big containers."""
    if isinstance(value, (list, tuple, dict, set)) and len(value) > limit:
        return f"<{type(value).__name__} of {len(value)} items>"
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        return f"<{type(value).__name__}>"
    return shown_text(text, limit)
