"""The intent taxonomy: reviewed content, loaded and validated before anything is trained on it.

Format (``knowledge/intents.yaml``, see SPEC): ``intents:`` a list of ``{name, description,
queue, priority, examples}``, optionally ``examples_file:`` (CSV ``text,intent`` or JSONL
``{"text","intent"}``, relative to the YAML), ``queues:`` (the declared queue names) and
``out_of_scope_examples:`` (texts the service must abstain on; in the examples file they carry the
reserved label ``out_of_scope``). Its version is a content hash of the YAML and the examples
file; every answer reports it.

The shape is declared once as msgspec Structs; what a shape cannot say (names unique after
trimming, one line, declared queues, enough examples) is checked after. Every problem is a
:class:`TaxonomyError` naming the file and the intent.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import yaml

from service.errors import InvalidInput
from service.ports import OUT_OF_SCOPE

PRIORITIES = ("low", "normal", "high", "urgent")
MAX_NAME = 128
"""An intent name is any text of at most this many characters (after trimming), unique in its taxonomy."""
TOP_LEVEL_KEYS = frozenset({"intents", "examples_file", "queues", "out_of_scope_examples"})

class TaxonomyError(InvalidInput):
    """The taxonomy file is invalid; the message names the file and the problem."""

    title = "Invalid intent taxonomy"


# ---- the file's shape ----------------------------------------------------------------------------


class IntentDoc(msgspec.Struct, forbid_unknown_fields=True):
    """One entry of ``intents:`` as written in the file."""

    name: str
    description: str
    queue: str
    priority: Any = "normal"
    """Any scalar; compared case-insensitively with :data:`PRIORITIES`."""
    examples: list[str] | None = None
    source: Any = None
    tags: Any = None


class TaxonomyDoc(msgspec.Struct, forbid_unknown_fields=True):
    """The taxonomy file as written (its keys are :data:`TOP_LEVEL_KEYS`)."""

    intents: list[IntentDoc]
    examples_file: str | None = None
    queues: list[str] | None = None
    out_of_scope_examples: list[str] | None = None


class ExampleRow(msgspec.Struct):
    """One line of a JSONL examples file (other fields are ignored)."""

    text: str
    intent: str


# ---- the validated taxonomy ------------------------------------------------------------------------


@dataclass(frozen=True)
class Intent:
    name: str
    description: str
    queue: str
    priority: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    intents: tuple[Intent, ...]
    oos_examples: tuple[str, ...]
    version: str
    """sha256 of the YAML and examples file bytes, first 12 hex digits."""
    source: str = ""

    @property
    def names(self) -> list[str]:
        return [i.name for i in self.intents]

    def get(self, name: str | None) -> Intent | None:
        if name is None:
            return None
        return self._by_name().get(name)

    def _by_name(self) -> dict[str, Intent]:
        cache = self.__dict__.get("_by_name_cache")
        if cache is None:
            cache = {i.name: i for i in self.intents}
            object.__setattr__(self, "_by_name_cache", cache)
        return cache

    def training_set(self) -> tuple[list[str], list[str]]:
        """(texts, labels) with out-of-scope examples labelled ``out_of_scope``; duplicates dropped."""
        texts: list[str] = []
        labels: list[str] = []
        seen: set[str] = set()
        for intent in self.intents:
            for text in intent.examples:
                key = text.strip().lower()
                if key not in seen:
                    seen.add(key)
                    texts.append(text)
                    labels.append(intent.name)
        for text in self.oos_examples:
            key = text.strip().lower()
            if key not in seen:
                seen.add(key)
                texts.append(text)
                labels.append(OUT_OF_SCOPE)
        return texts, labels

    def summary(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "intents": len(self.intents),
            "examples": sum(len(i.examples) for i in self.intents),
            "out_of_scope_examples": len(self.oos_examples),
            "queues": sorted({i.queue for i in self.intents}),
            "source": self.source,
        }


# ---- loading -----------------------------------------------------------------------------------------


def load_taxonomy(path: str | Path, *, min_examples: int = 2) -> Taxonomy:
    """Read and validate a taxonomy file; raises :class:`TaxonomyError` naming the problem."""
    path = Path(path)
    where = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TaxonomyError(f"intent taxonomy {path} does not exist") from None
    except OSError as exc:
        raise TaxonomyError(f"intent taxonomy {path} cannot be read: {exc.strerror}") from None
    try:
        doc = yaml.safe_load(raw.decode("utf-8")) if raw.strip() else None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{where}: not valid YAML: {one_line(exc)}") from None
    if doc is None:
        raise TaxonomyError(f"{where}: the taxonomy file is empty")
    spec = _shape(doc, where)
    examples_bytes = b""
    extra_rows: list[tuple[str, str, str]] = []
    if spec.examples_file is not None:
        examples_file = spec.examples_file
        if not examples_file.strip():
            raise TaxonomyError(f"{where}: examples_file must be a path relative to the YAML")
        try:
            examples_bytes = (path.parent / examples_file).resolve().read_bytes()
        except OSError:
            raise TaxonomyError(f"{where}: examples_file {examples_file!r} does not exist or cannot be read") from None
        extra_rows = read_examples(examples_bytes, examples_file)
    version = hashlib.sha256(raw + b"\0" + examples_bytes).hexdigest()[:12]
    return _validate(spec, extra_rows, version=version, where=where, source=str(path), min_examples=min_examples)


def parse_taxonomy(
    doc: dict[str, Any],
    extra_rows: Sequence[tuple[str, str, str]] = (),
    *,
    version: str | None = None,
    where: str = "taxonomy",
    source: str = "",
    min_examples: int = 2,
) -> Taxonomy:
    """Validate an already-parsed taxonomy. ``extra_rows`` are (text, intent, location) rows."""
    spec = _shape(doc, where)
    if version is None:
        canon = json.dumps({"doc": doc, "rows": list(extra_rows)}, sort_keys=True, default=str).encode()
        version = hashlib.sha256(canon).hexdigest()[:12]
    return _validate(spec, extra_rows, version=version, where=where, source=source, min_examples=min_examples)


def read_examples(data: bytes, name: str) -> list[tuple[str, str, str]]:
    """(text, intent, location) rows of a CSV (``text,intent`` header) or JSONL examples file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TaxonomyError(f"{name}: not UTF-8 text") from None
    if not text.strip():
        raise TaxonomyError(f"{name}: the examples file is empty")
    if name.lower().endswith((".jsonl", ".ndjson")):
        rows = _jsonl_rows(text, name)
    elif name.lower().endswith(".csv"):
        rows = _csv_rows(text, name)
    else:
        raise TaxonomyError(f"{name}: examples_file must end in .csv or .jsonl")
    if not rows:
        raise TaxonomyError(f"{name}: the examples file has no examples")
    return rows


def one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]


# ---- the checks ----------------------------------------------------------------------------------------


def _shape(doc: Any, where: str) -> TaxonomyDoc:
    """The document as :class:`TaxonomyDoc`; a shape problem becomes a TaxonomyError in the
    words of the taxonomy (which intent, which field), not of the decoder."""
    if not isinstance(doc, dict):
        raise TaxonomyError(f"{where}: the top level must be a mapping with an 'intents' list")
    if doc.get("intents") is None:
        raise TaxonomyError(f"{where}: no 'intents' list")
    try:
        return msgspec.convert(doc, TaxonomyDoc)
    except msgspec.ValidationError as exc:
        raise _shape_problem(str(exc), doc, where) from None


_AT = re.compile(r" - at `\$(?P<path>[^`]*)`")
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")


def _shape_problem(message: str, doc: dict[str, Any], where: str) -> TaxonomyError:
    found = _AT.search(message)
    steps = [name or int(index) for name, index in _STEP.findall(found.group("path") if found else "")]
    if not steps:  # the top level: a key that is not ours
        unknown = set(map(str, doc)) - TOP_LEVEL_KEYS
        return TaxonomyError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                             f"a taxonomy has {', '.join(sorted(TOP_LEVEL_KEYS))}")
    key = steps[0]
    if key == "intents" and len(steps) >= 2:
        return _intent_problem(message, doc["intents"], steps[1], steps[2] if len(steps) > 2 else None, where)
    return TaxonomyError({
        "intents": f"{where}: 'intents' must be a non-empty list",
        "queues": f"{where}: 'queues' must be a list of names",
        "out_of_scope_examples": f"{where}: out_of_scope_examples must be a list of strings",
        "examples_file": f"{where}: examples_file must be a path relative to the YAML",
    }.get(str(key), f"{where}: {message}"))


def _intent_problem(message: str, items: list[Any], pos: int, field: Any, where: str) -> TaxonomyError:
    item = items[pos]
    if not isinstance(item, dict):
        return TaxonomyError(f"{where}: intent #{pos + 1} must be a mapping with name, description, queue, priority, examples")
    names: set[str] = set()
    for earlier, other in enumerate(items[: pos + 1], start=1):  # a name problem is reported first
        if isinstance(other, dict):
            names.add(_check_name(other.get("name"), earlier, names, where))
    label = f"{where}: intent {item['name'].strip()!r}"
    missing = re.search(r"missing required field `(\w+)`", message)
    field = field or (missing.group(1) if missing else None)
    if field is None:
        unknown = set(map(str, item)) - set(IntentDoc.__struct_fields__)
        return TaxonomyError(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")
    if field in ("description", "queue"):
        return TaxonomyError(f"{label} has no {field}")
    if field == "examples":
        return TaxonomyError(f"{label}: examples must be a list of strings")
    return TaxonomyError(f"{label}: {message}")


def _check_name(name: Any, pos: int, seen: Container[str], where: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise TaxonomyError(f"{where}: intent #{pos} has no name")
    name = name.strip()
    label = f"{where}: intent {name!r}"
    if len(name) > MAX_NAME:
        raise TaxonomyError(f"{where}: intent #{pos}: the name is {len(name)} characters long; at most {MAX_NAME}")
    if any(ch in name for ch in "\r\n\t\x00"):
        raise TaxonomyError(f"{label}: a name is one line of text (no tabs, line breaks or NUL)")
    if name == OUT_OF_SCOPE:
        raise TaxonomyError(f"{label}: {OUT_OF_SCOPE!r} is reserved for out-of-scope examples")
    if name in seen:
        raise TaxonomyError(f"{where}: duplicate intent {name!r} (intent #{pos} repeats an earlier name, "
                            "compared after trimming spaces)")
    return name


def _validate(spec: TaxonomyDoc, extra_rows: Sequence[tuple[str, str, str]], *, version: str, where: str,
              source: str, min_examples: int) -> Taxonomy:
    if not spec.intents:
        raise TaxonomyError(f"{where}: 'intents' must be a non-empty list")
    specs: dict[str, dict[str, Any]] = {}
    for pos, item in enumerate(spec.intents, start=1):
        name = _check_name(item.name, pos, specs, where)
        label = f"{where}: intent {name!r}"
        if not item.description.strip():
            raise TaxonomyError(f"{label} has no description")
        if not item.queue.strip():
            raise TaxonomyError(f"{label} has no queue")
        if spec.queues is not None and item.queue not in spec.queues:
            raise TaxonomyError(f"{label}: queue {item.queue!r} is not one of the declared queues ({', '.join(spec.queues)})")
        priority = str(item.priority).strip().lower()
        if priority not in PRIORITIES:
            raise TaxonomyError(f"{label}: priority {item.priority!r} is not one of {', '.join(PRIORITIES)}")
        specs[name] = {"description": item.description.strip(), "queue": item.queue.strip(), "priority": priority,
                       "examples": [e.strip() for e in item.examples or [] if e.strip()]}
    oos_examples = [e.strip() for e in spec.out_of_scope_examples or [] if e.strip()]
    for text, intent, loc in extra_rows:
        if intent == OUT_OF_SCOPE:
            oos_examples.append(text)
        elif intent in specs:
            specs[intent]["examples"].append(text)
        else:
            raise TaxonomyError(f"{loc}: example for unknown intent {intent!r} (not declared in {where})")
    for name, s in specs.items():
        if len(s["examples"]) < min_examples:
            raise TaxonomyError(f"{where}: intent {name!r} has {len(s['examples'])} example(s); "
                                f"at least {min_examples} are needed")
    if len(specs) < 2:
        raise TaxonomyError(f"{where}: at least two intents are needed to classify")
    intents = tuple(Intent(name=n, description=s["description"], queue=s["queue"], priority=s["priority"],
                           examples=tuple(s["examples"])) for n, s in specs.items())
    return Taxonomy(intents=intents, oos_examples=tuple(oos_examples), version=version, source=source)


def _jsonl_rows(text: str, name: str) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TaxonomyError(f"{name} line {lineno}: not valid JSON ({exc.msg})") from None
        try:
            row = msgspec.convert(obj, ExampleRow)
        except msgspec.ValidationError:
            raise TaxonomyError(f"{name} line {lineno}: each line needs string fields 'text' and 'intent'") from None
        if row.text.strip():
            rows.append((row.text.strip(), row.intent.strip(), f"{name} line {lineno}"))
    return rows


def _csv_rows(text: str, name: str) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise TaxonomyError(f"{name}: the examples file is empty") from None
    if "text" not in header or "intent" not in header:
        raise TaxonomyError(f"{name}: the CSV header must name the columns 'text' and 'intent', got {header}")
    ti, ii = header.index("text"), header.index("intent")
    try:
        for lineno, row in enumerate(reader, start=2):
            if not row or not any(c.strip() for c in row):
                continue
            if len(row) <= max(ti, ii):
                raise TaxonomyError(f"{name} line {lineno}: expected the columns {header}, got {len(row)} value(s)")
            if row[ti].strip():
                rows.append((row[ti].strip(), row[ii].strip(), f"{name} line {lineno}"))
    except csv.Error as exc:
        raise TaxonomyError(f"{name}: malformed CSV ({exc})") from None
    return rows
