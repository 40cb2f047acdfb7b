"""Datasets: versioned JSON Lines files of cases, validated on load.

Every case has an ``id`` (unique in its file), an ``input`` and ``expected`` (objects) and
``tags`` (strings). The dataset's version is the first 12 hex digits of the file's SHA-256, so
a report and a baseline say exactly which data they were computed on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.framework.suite import DEV, SPLITS

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "evals" / "datasets"


class DatasetError(ValueError):
    """A dataset file that does not follow the case format; the message names file and line."""


@dataclass(frozen=True)
class Case:
    id: str
    input: dict[str, Any]
    expected: dict[str, Any]
    tags: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    """Any other top-level keys of the row, kept as they are."""

    @property
    def split(self) -> str:
        """``dev`` (tuned on; the default for a row without one) or ``held_out``."""
        return str(self.meta.get("split", DEV))


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    version: str
    cases: tuple[Case, ...]

    def __iter__(self) -> Iterator[Case]:
        return iter(self.cases)

    def __len__(self) -> int:
        return len(self.cases)

    def describe(self) -> dict[str, Any]:
        try:
            shown = str(self.path.relative_to(REPO))
        except ValueError:
            shown = str(self.path)
        return {"name": self.name, "path": shown, "version": self.version, "cases": len(self.cases), "splits": self.splits()}

    def split(self, split: str) -> Dataset:
        """The cases of one split (``dev`` or ``held_out``)."""
        return Dataset(f"{self.name}[{split}]", self.path, self.version, tuple(c for c in self.cases if c.split == split))

    def splits(self) -> dict[str, int]:
        return {s: sum(1 for c in self.cases if c.split == s) for s in SPLITS}

    def with_tag(self, tag: str) -> Dataset:
        return Dataset(f"{self.name}[{tag}]", self.path, self.version, tuple(c for c in self.cases if tag in c.tags))


def file_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def parse_case(row: Any, where: str) -> Case:
    if not isinstance(row, dict):
        raise DatasetError(f"{where}: a case must be a JSON object")
    missing = [k for k in ("id", "input", "expected") if k not in row]
    if missing:
        raise DatasetError(f"{where}: missing {', '.join(missing)}")
    if not isinstance(row["id"], str) or not row["id"].strip():
        raise DatasetError(f"{where}: id must be a non-empty string")
    for key in ("input", "expected"):
        if not isinstance(row[key], dict):
            raise DatasetError(f"{where}: {key} must be an object (case {row['id']})")
    tags = row.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise DatasetError(f"{where}: tags must be a list of strings (case {row['id']})")
    split = row.get("split", DEV)
    if split not in SPLITS:
        raise DatasetError(f"{where}: split must be {' or '.join(repr(s) for s in SPLITS)} (case {row['id']})")
    meta = {k: v for k, v in row.items() if k not in ("id", "input", "expected", "tags")}
    return Case(row["id"], row["input"], row["expected"], tuple(tags), meta)


def load_dataset(path: Path | str, name: str | None = None) -> Dataset:
    """Load and validate a JSONL dataset (a bare name means ``evals/datasets/<name>.jsonl``)."""
    path = Path(path)
    if not path.suffix and not path.exists():
        path = DATASETS / f"{path}.jsonl"
    if not path.is_file():
        raise DatasetError(f"dataset {path} does not exist")
    cases: list[Case] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{where}: not JSON: {exc.msg}") from None
            case = parse_case(row, where)
            if case.id in seen:
                raise DatasetError(f"{where}: duplicate id {case.id!r}")
            seen.add(case.id)
            cases.append(case)
    if not cases:
        raise DatasetError(f"dataset {path} has no cases")
    return Dataset(name or path.stem, path, file_version(path), tuple(cases))


def in_memory(name: str, cases: list[Case], version: str) -> Dataset:
    """A dataset built from another format (e.g. CLINC150's JSON), with the source's version."""
    return Dataset(name, Path(name), version, tuple(cases))
