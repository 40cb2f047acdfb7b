"""Articles: Markdown with YAML front matter. Parsing and validation, reported by file and field."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from service.knowledge.frontmatter import FrontMatterError, load_front_matter, shown, split_front_matter

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


class FrontMatter(msgspec.Struct, kw_only=True):
    """An article's front matter once checked. Fields are declared in the order they are
    checked, so an article with several faults reports the first of them as before."""

    id: Annotated[str, msgspec.Meta(pattern=ID_RE.pattern)]
    title: str
    status: Literal["approved", "draft", "retired"]
    version: Annotated[int, msgspec.Meta(ge=1, le=MAX_VERSION)]
    channels: list[str] = []
    products: list[str] = []
    tags: list[str] = []
    locale: str | None = None
    owner: str | None = None
    effective_from: date | None = None
    review_by: date | None = None


def _present(value: Any) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _date_int(value: date | None, default: int) -> int:
    return int(value.strftime("%Y%m%d")) if value else default


def date_int(value: date) -> int:
    return _date_int(value, 0)


def _as_date(value: Any) -> Any:
    """YAML's dates as dates; a string as the date it names (ISO), else left for the Struct to refuse."""
    if not _present(value):
        return None
    if isinstance(value, datetime):  # 2026-01-01 10:00: the day counts
        return value.date()
    if isinstance(value, str) and len(value) <= 32:  # a string: 2026-02-30 stays one (frontmatter), and is refused
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _as_list(value: Any) -> Any:
    """A list of strings (one string is a list of one), lower-cased; anything else as it came."""
    value = value or []
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return [str(v).strip().lower() for v in value]
    return value


def _front_matter(meta: dict[Any, Any], source: str) -> FrontMatter:
    """YAML's loose values made into the Struct's types (ids, titles and statuses as text,
    single strings as lists...), then converted; a refusal names the field. Checked in this
    order: required fields, single values, id, status, version, lists, channels, dates."""
    for name in REQUIRED:
        if not _present(meta.get(name)):
            raise ArticleError(source, name, "is required")
    for name in ("id", "title", "status", "locale", "owner"):
        if isinstance(meta.get(name), (list, dict)):
            raise ArticleError(source, name, "must be a single value, not a list or mapping")
    fields: dict[str, Any] = {
        "id": str(meta["id"]).strip(),
        "title": str(meta["title"]).strip(),
        "status": str(meta["status"]).strip().lower(),
        "version": meta["version"],
        **{name: _as_list(meta.get(name)) for name in LIST_FIELDS},
        "locale": str(meta["locale"]).strip() if meta.get("locale") else None,
        "owner": str(meta["owner"]) if meta.get("owner") else None,
        "effective_from": _as_date(meta.get("effective_from")),
        "review_by": _as_date(meta.get("review_by")),
    }
    try:
        fm = msgspec.convert(fields, FrontMatter)
    except (msgspec.ValidationError, UnicodeEncodeError) as exc:
        name = _faulty_field(exc, fields)
        if name in ("effective_from", "review_by"):
            _refuse_unknown_channels(fields["channels"], source)  # checked before the dates
        raise ArticleError(source, name, _refusal(name, fields, meta)) from None
    _refuse_unknown_channels(fm.channels, source)
    if fm.effective_from and fm.review_by and fm.review_by < fm.effective_from:
        raise ArticleError(source, "review_by", "is before effective_from")
    return fm


def _refuse_unknown_channels(channels: list[str], source: str) -> None:
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ArticleError(source, "channels", f"unknown channel(s) {shown(unknown)}; known: {', '.join(CHANNELS)}")


_AT_FIELD = re.compile(r"at `\$\.(\w+)")


def _faulty_field(exc: Exception, fields: dict[str, Any]) -> str:
    """The field the Struct refused; for a lone surrogate (which msgspec cannot match against a
    pattern or a literal), the first field in order that does not convert on its own."""
    if isinstance(exc, msgspec.ValidationError):
        return m.group(1) if (m := _AT_FIELD.search(str(exc))) else "front_matter"
    for info in msgspec.structs.fields(FrontMatter):
        try:
            msgspec.convert(fields[info.name], info.type)
        except (msgspec.ValidationError, UnicodeEncodeError):
            return info.name
    return "front_matter"


def _refusal(name: str, fields: dict[str, Any], meta: dict[Any, Any]) -> str:
    """What is wrong with field ``name`` (the Struct refused it), quoting at most 80 characters."""
    value = fields.get(name)
    if name == "id":
        return f"must be lowercase letters, digits, '.', '_' or '-', got {shown(value)}"
    if name == "status":
        return f"must be one of {', '.join(STATUSES)}, got {shown(meta['status'])}"
    if name == "version":
        return f"must be an integer from 1 to {MAX_VERSION}, got {shown(value)}"
    if name in LIST_FIELDS:
        return "must be a list of strings"
    if name in ("effective_from", "review_by"):
        return f"must be a real date (YYYY-MM-DD), got {shown(meta.get(name))}"
    return "is not valid"


def parse_article(text: str, source: str) -> Article:
    """Parse one article; raises :class:`ArticleError` naming the field at fault."""
    try:
        size = len(text.encode())
    except UnicodeEncodeError:
        raise ArticleError(source, "encoding", "is not valid Unicode text (lone surrogate)") from None
    if size > MAX_ARTICLE_BYTES:
        raise ArticleError(source, "body", f"article is larger than {MAX_ARTICLE_BYTES} bytes")
    try:
        head, rest = split_front_matter(text)
        meta = load_front_matter(head) or {}
    except FrontMatterError as exc:
        raise ArticleError(source, "front_matter", str(exc)) from None
    if not isinstance(meta, dict):
        raise ArticleError(source, "front_matter", "must be a YAML mapping")
    fm = _front_matter(meta, source)
    body, replies = split_replies(rest.strip())
    if not body.strip():
        raise ArticleError(source, "body", "is empty")
    return Article(
        id=fm.id,
        title=fm.title,
        status=fm.status,
        version=fm.version,
        body=body,
        source=source,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        locale=fm.locale,
        channels=tuple(fm.channels),
        products=tuple(fm.products),
        tags=tuple(fm.tags),
        effective_from=fm.effective_from,
        review_by=fm.review_by,
        owner=fm.owner,
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
