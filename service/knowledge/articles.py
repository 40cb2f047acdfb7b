"""Articles: Markdown with YAML front matter. Parsing and validation, reported by file and field."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from service.knowledge.frontmatter import FrontMatterError, load_front_matter, shown

STATUSES = ("approved", "draft", "retired")
REQUIRED = ("id", "title", "status", "version")
LIST_FIELDS = ("channels", "products", "tags")
CHANNELS = ("chat", "email", "sms", "voice", "social", "web")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")
MAX_ARTICLE_BYTES = 200_000
MAX_VERSION = 2**31 - 1
"""Versions are stored as 32-bit integers."""
REPLY_HEADING = re.compile(r"^##\s+suggested reply(?:\s*\((?P<channel>[a-z]+)\))?\s*$", re.I)


class ArticleError(ValueError):
    """An article is not valid; ``source`` and ``field`` say where."""

    def __init__(self, source: str, field_name: str, message: str) -> None:
        super().__init__(f"{source}: {field_name}: {message}")
        self.source = source
        self.field = field_name
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    status: str
    version: int
    body: str
    """Markdown body without the suggested-reply sections."""
    source: str
    content_hash: str
    locale: str | None = None
    channels: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    effective_from: date | None = None
    review_by: date | None = None
    owner: str | None = None
    replies: dict[str, str] = field(default_factory=dict)
    """Approved reply text: ``default`` and optional per-channel variants (``sms``...)."""

    def in_force(self, today: date) -> bool:
        if self.status != "approved":
            return False
        if self.effective_from and self.effective_from > today:
            return False
        return not (self.review_by and self.review_by < today)

    def payload(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "locale": self.locale,
            "channels": list(self.channels),
            "products": list(self.products),
            "tags": list(self.tags),
            "effective_from": _date_int(self.effective_from, 0),
            "review_by": _date_int(self.review_by, 99991231),
            "owner": self.owner,
            "content_hash": self.content_hash,
            "replies": self.replies,
        }


def _present(value: Any) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _date_int(value: date | None, default: int) -> int:
    return int(value.strftime("%Y%m%d")) if value else default


def date_int(value: date) -> int:
    return _date_int(value, 0)


def parse_article(text: str, source: str) -> Article:
    """Parse one article; raises :class:`ArticleError` naming the field at fault."""
    try:
        size = len(text.encode())
    except UnicodeEncodeError:
        raise ArticleError(source, "encoding", "is not valid Unicode text (lone surrogate)") from None
    if size > MAX_ARTICLE_BYTES:
        raise ArticleError(source, "body", f"article is larger than {MAX_ARTICLE_BYTES} bytes")
    if not text.startswith("---"):
        raise ArticleError(source, "front_matter", "must start with a '---' YAML front-matter block")
    parts = re.split(r"^---\s*$", text, maxsplit=2, flags=re.M)
    if len(parts) < 3:
        raise ArticleError(source, "front_matter", "front matter is not closed by a '---' line")
    try:
        meta = load_front_matter(parts[1]) or {}
    except FrontMatterError as exc:
        raise ArticleError(source, "front_matter", str(exc)) from None
    if not isinstance(meta, dict):
        raise ArticleError(source, "front_matter", "must be a YAML mapping")
    for name in REQUIRED:
        if not _present(meta.get(name)):
            raise ArticleError(source, name, "is required")
    for name in ("id", "title", "status", "locale", "owner"):
        if isinstance(meta.get(name), (list, dict)):
            raise ArticleError(source, name, "must be a single value, not a list or mapping")
    article_id = str(meta["id"]).strip()
    if not ID_RE.match(article_id):
        raise ArticleError(source, "id", f"must be lowercase letters, digits, '.', '_' or '-', got {shown(article_id)}")
    status = str(meta["status"]).strip().lower()
    if status not in STATUSES:
        raise ArticleError(source, "status", f"must be one of {', '.join(STATUSES)}, got {shown(meta['status'])}")
    version = meta["version"]
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        raise ArticleError(source, "version", f"must be an integer from 1 to {MAX_VERSION}, got {shown(version)}")
    lists: dict[str, tuple[str, ...]] = {}
    for name in LIST_FIELDS:
        value = meta.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise ArticleError(source, name, "must be a list of strings")
        lists[name] = tuple(str(v).strip().lower() for v in value)
    unknown_channels = [c for c in lists["channels"] if c not in CHANNELS]
    if unknown_channels:
        raise ArticleError(source, "channels", f"unknown channel(s) {shown(unknown_channels)}; known: {', '.join(CHANNELS)}")
    dates = {}
    for name in ("effective_from", "review_by"):
        value = meta.get(name)
        if not _present(value):
            dates[name] = None
        elif isinstance(value, datetime):  # 2026-01-01 10:00: the day counts
            dates[name] = value.date()
        elif isinstance(value, date):
            dates[name] = value
        else:
            try:  # a string: 2026-02-30 stays one (frontmatter), and is refused here
                dates[name] = date.fromisoformat(value) if isinstance(value, str) and len(value) <= 32 else None
            except ValueError:
                dates[name] = None
            if dates[name] is None:
                raise ArticleError(source, name, f"must be a real date (YYYY-MM-DD), got {shown(value)}")
    if dates["effective_from"] and dates["review_by"] and dates["review_by"] < dates["effective_from"]:
        raise ArticleError(source, "review_by", "is before effective_from")
    body, replies = split_replies(parts[2].strip())
    if not body.strip():
        raise ArticleError(source, "body", "is empty")
    title = str(meta["title"]).strip()
    content_hash = hashlib.sha256(text.encode()).hexdigest()
    return Article(
        id=article_id,
        title=title,
        status=status,
        version=version,
        body=body,
        source=source,
        content_hash=content_hash,
        locale=str(meta["locale"]).strip() if meta.get("locale") else None,
        channels=lists["channels"],
        products=lists["products"],
        tags=lists["tags"],
        effective_from=dates["effective_from"],
        review_by=dates["review_by"],
        owner=str(meta["owner"]) if meta.get("owner") else None,
        replies=replies,
    )


def split_replies(body: str) -> tuple[str, dict[str, str]]:
    """Take the ``## Suggested reply`` sections out of the body."""
    kept: list[str] = []
    replies: dict[str, list[str]] = {}
    current: str | None = None
    for line in body.splitlines():
        match = REPLY_HEADING.match(line.strip())
        if match:
            current = (match.group("channel") or "default").lower()
            replies[current] = []
            continue
        if current is not None and re.match(r"^#{1,2}\s", line):
            current = None
        if current is None:
            kept.append(line)
        else:
            replies[current].append(line)
    return "\n".join(kept).strip(), {k: "\n".join(v).strip() for k, v in replies.items() if "\n".join(v).strip()}


@dataclass
class LoadResult:
    articles: list[Article]
    errors: list[ArticleError]


def load_dir(directory: Path, base: Path | None = None) -> LoadResult:
    """Parse every ``**/*.md`` under ``directory`` (README.md files excluded); sources are
    relative to ``base`` (default: ``directory``)."""
    articles: list[Article] = []
    errors: list[ArticleError] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        source = path.relative_to(base or directory).as_posix()
        try:
            article = parse_article(path.read_text(encoding="utf-8"), source)
        except UnicodeDecodeError:
            errors.append(ArticleError(source, "encoding", "is not UTF-8 text"))
            continue
        except ArticleError as exc:
            errors.append(exc)
            continue
        except (OSError, ValueError, TypeError, RecursionError) as exc:  # one bad file never stops the others
            errors.append(ArticleError(source, "file", f"could not be read: {type(exc).__name__}"))
            continue
        if article.id in seen:
            errors.append(ArticleError(source, "id", f"duplicate id {article.id!r}, already used by {seen[article.id]}"))
            continue
        seen[article.id] = source
        articles.append(article)
    return LoadResult(articles, errors)
