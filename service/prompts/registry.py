"""Prompts as versioned, reviewed content: load, validate, pick the active version, render.

One file per prompt and version, ``prompts/<id>@<version>.md``::

    ---
    id: suggest_reply            # lowercase letters, digits, underscores; equals the file name
    version: 1                   # integer >= 1; equals the file name
    task: suggest                # what the service asks for: registry.active("suggest")
    description: ...
    owner: support-operations
    parameters: {temperature: 0.2, max_tokens: 350, json_mode: true}
    inputs:                      # every variable the template uses, and only those
      brand: "string: the business"   # (a list of names is fine too)
    output_schema: {...}         # optional JSON schema of the answer
    ---
    {# system #}
    ...sandboxed Jinja2...
    {# user #}
    ...sandboxed Jinja2...

``prompts/registry.yaml`` names the active version per task, per-tenant overrides and an A/B
split (stable by conversation id)::

    tasks:
      suggest:
        active: suggest_reply@1
        split: {suggest_reply@2: 0.5}     # half the conversations get v2
        tenants: {acme: suggest_reply@2}  # acme always gets v2

A task with one prompt version needs no entry. ``prompts/prompts.lock`` maps every ``id@version``
to the SHA-256 of its file: a released version's text never changes (the audit trail names
``id@version`` and must mean one text). Change a prompt by adding the next version.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import msgspec
import yaml
from msgspec import UNSET, UnsetType
from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from service.errors import InvalidInput
from service.llm.answers import check_schema
from service.ports import ChatMessage

REGISTRY_FILE = "registry.yaml"
HISTORY_INPUT = "customer_history"
"""The input a prompt declares to receive the customer's history (issue 14: the masked summary as data)."""
LOCK_FILE = "prompts.lock"

_FILE_RE = re.compile(r"^(?P<id>[a-z][a-z0-9_]*)@(?P<version>[1-9][0-9]*)\.md$")
_FRONT_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n(.*)\Z", re.S)
_PART_RE = re.compile(r"^[ \t]*\{#-?\s*(system|user)\s*-?#\}[ \t]*\r?\n?", re.M)
_REF_RE = re.compile(r"^([a-z][a-z0-9_]*)@([1-9][0-9]*)$")

_REQUIRED = ("id", "version", "task", "description", "owner", "parameters", "inputs")
_OPTIONAL = ("output_schema", "tags", "changelog")


class PromptError(InvalidInput):
    """A prompt file, the registry or the lock is wrong, or a render got the wrong inputs.
    The message names the file and the problem."""


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def file_hash(path: Path) -> str:
    """SHA-256 of a prompt file, line endings normalised (a checkout with CRLF is the same text)."""
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


@dataclass(frozen=True, eq=False)
class Prompt:
    id: str
    version: int
    task: str
    description: str
    owner: str
    params: dict[str, Any]
    inputs: list[str]
    output_schema: dict[str, Any] | None
    path: Path
    sha256: str = ""
    input_docs: dict[str, str] = field(default_factory=dict)
    system_source: str = field(default="", repr=False)
    user_source: str = field(default="", repr=False)
    _templates: tuple[Any, Any] | None = field(default=None, repr=False)

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def render(self, **inputs: Any) -> list[ChatMessage]:
        """The system and user messages. Every declared input must be given, and nothing else."""
        missing = [n for n in self.inputs if n not in inputs]
        extra = sorted(set(inputs) - set(self.inputs))
        if missing or extra:
            problems = []
            if missing:
                problems.append(f"missing input(s) {', '.join(missing)}")
            if extra:
                problems.append(f"undeclared input(s) {', '.join(extra)}")
            raise PromptError(f"{self.path}: {self.ref}: {'; '.join(problems)} (declared: {', '.join(self.inputs)})")
        assert self._templates is not None
        system_t, user_t = self._templates
        try:
            system = system_t.render(**inputs).strip()
            user = user_t.render(**inputs).strip()
        except (UndefinedError, SecurityError, TypeError, ValueError) as exc:
            raise PromptError(f"{self.path}: {self.ref}: rendering failed: {exc}") from None
        return [ChatMessage("system", system), ChatMessage("user", user)]

    def summary(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "id": self.id,
            "version": self.version,
            "task": self.task,
            "owner": self.owner,
            "description": " ".join(self.description.split()),
            "parameters": self.params,
            "inputs": self.inputs,
            "sha256": self.sha256,
            "path": str(self.path),
        }


class PromptParameters(msgspec.Struct, forbid_unknown_fields=True):
    """``parameters``: what the LLM call may take from the prompt (settings win where they say so)."""

    temperature: Annotated[float, msgspec.Meta(ge=0, le=2)] | UnsetType = UNSET
    top_p: float | UnsetType = UNSET
    max_tokens: Annotated[int, msgspec.Meta(ge=1)] | UnsetType = UNSET
    json_mode: bool | UnsetType = UNSET
    stop: list[Any] | str | UnsetType = UNSET
    seed: int | UnsetType = UNSET
    presence_penalty: float | UnsetType = UNSET
    frequency_penalty: float | UnsetType = UNSET
    model: str | UnsetType = UNSET


class PromptMeta(msgspec.Struct, forbid_unknown_fields=True):
    """A prompt file's front matter (see the module docstring)."""

    id: str
    version: int
    task: str
    description: str
    owner: str
    parameters: PromptParameters
    inputs: dict[str, Any] | list[str]
    output_schema: dict[str, Any] | None = None
    tags: Any = None
    changelog: Any = None


_PARAMS = tuple(PromptParameters.__struct_fields__)
_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<at>[^`]*)`)?$", re.S)


def _meta_problem(exc: msgspec.ValidationError, data: dict[str, Any], version: str) -> str:
    """msgspec's complaint about the front matter, said as this file format says it."""
    m = _AT.match(str(exc))
    msg, at = (m.group("msg"), m.group("at") or "") if m else (str(exc), "")
    parts = [p for p in at.split(".") if p]
    params = data.get("parameters")
    if parts[:1] == ["parameters"]:
        if len(parts) == 1 and "unknown field" in msg:
            name = msg.rsplit("`", 2)[-2]
            return f"unknown parameter {name!r}; known: {', '.join(_PARAMS)}"
        if len(parts) == 1:
            return "parameters must be a mapping (temperature, max_tokens, json_mode...)"
        name = parts[1]
        if name == "temperature" and ("<=" in msg or ">=" in msg):
            return "parameter temperature must be between 0 and 2"
        if name == "max_tokens" and ">=" in msg:
            return "parameter max_tokens must be positive"
        return f"parameter {name} has the wrong type ({type(params[name]).__name__})"
    if parts[:1] == ["version"]:
        return f"version {data['version']!r} does not match the file name (expected {version})"
    if parts[:1] in (["task"], ["description"], ["owner"]):
        return f"{parts[0]} must be a non-empty string"
    if parts[:1] == ["inputs"]:
        return "inputs must be a list of names or a mapping name -> description"
    if parts[:1] == ["output_schema"]:
        return "output_schema must be a JSON schema mapping with a 'type'"
    return f"front matter: {msg}"


def load_prompt(path: Path) -> Prompt:
    """Parse and validate one prompt file; PromptError names the file and the problem."""
    m = _FILE_RE.match(path.name)
    if not m:
        raise PromptError(f"{path}: a prompt file is named <id>@<version>.md (id: lowercase letters, digits, _)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: cannot read: {exc}") from None
    front = _FRONT_RE.match(text)
    if not front:
        raise PromptError(f"{path}: the file starts with YAML front matter between two '---' lines")
    try:
        data = yaml.safe_load(front.group(1))
    except yaml.YAMLError as exc:
        raise PromptError(f"{path}: front matter is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PromptError(f"{path}: front matter must be a mapping")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise PromptError(f"{path}: front matter lacks {', '.join(missing)}")
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise PromptError(f"{path}: unknown front matter key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(_REQUIRED + _OPTIONAL)}")
    if data["id"] != m.group("id"):
        raise PromptError(f"{path}: id {data['id']!r} does not match the file name (expected {m.group('id')!r})")
    try:
        front_matter = msgspec.convert(data, PromptMeta)
    except msgspec.ValidationError as exc:
        raise PromptError(f"{path}: {_meta_problem(exc, data, m.group('version'))}") from None
    if front_matter.version != int(m.group("version")):
        raise PromptError(f"{path}: version {data['version']!r} does not match the file name (expected {m.group('version')})")
    for key in ("task", "description", "owner"):
        if not getattr(front_matter, key).strip():
            raise PromptError(f"{path}: {key} must be a non-empty string")
    if not re.match(r"^[a-z][a-z0-9_]*$", front_matter.task):
        raise PromptError(f"{path}: task {data['task']!r} must be lowercase letters, digits and _")
    params = data["parameters"]
    input_docs = {str(k): str(v) for k, v in front_matter.inputs.items()} if isinstance(front_matter.inputs, dict) else {i: "" for i in front_matter.inputs}
    bad_names = [n for n in input_docs if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", n)]
    if bad_names:
        raise PromptError(f"{path}: input name(s) {', '.join(bad_names)} are not valid template variable names")
    schema = front_matter.output_schema
    if schema is not None and "type" not in schema:
        raise PromptError(f"{path}: output_schema must be a JSON schema mapping with a 'type'")
    if schema is not None and (problem := check_schema(schema)):
        raise PromptError(f"{path}: output_schema is not a valid JSON schema: {problem}")

    body = front.group(2)
    pieces = _PART_RE.split(body)
    if pieces[0].strip():
        raise PromptError(f"{path}: text before the '{{# system #}}' marker")
    names = pieces[1::2]
    if names != ["system", "user"]:
        raise PromptError(f"{path}: the template needs exactly one '{{# system #}}' part followed by one '{{# user #}}' part (found {names or 'none'})")
    system_src, user_src = pieces[2], pieces[4]
    env = _env()
    used: set[str] = set()
    templates = []
    # line numbers in messages are counted from the start of the file
    offset = text[: len(text) - len(body)].count("\n")
    for part, src in (("system", system_src), ("user", user_src)):
        if not src.strip():
            raise PromptError(f"{path}: the {part} part is empty")
        try:
            ast = env.parse(src)
            templates.append(env.from_string(src))
        except TemplateSyntaxError as exc:
            line = offset + body[: body.find(src)].count("\n") + (exc.lineno or 1)
            raise PromptError(f"{path}: line {line}: template syntax error in the {part} part: {exc.message}") from None
        used |= meta.find_undeclared_variables(ast)
    undeclared = sorted(used - set(input_docs))
    if undeclared:
        raise PromptError(f"{path}: the template uses undeclared variable(s) {', '.join(undeclared)}; declare them under inputs")
    unused = sorted(set(input_docs) - used)
    if unused:
        raise PromptError(f"{path}: input(s) {', '.join(unused)} are declared but the template never uses them")
    return Prompt(
        id=data["id"],
        version=data["version"],
        task=data["task"],
        description=data["description"],
        owner=data["owner"],
        params=dict(params),
        inputs=list(input_docs),
        output_schema=schema,
        path=path,
        sha256=file_hash(path),
        input_docs=input_docs,
        system_source=system_src,
        user_source=user_src,
        _templates=(templates[0], templates[1]),
    )


@dataclass(frozen=True)
class TaskRoute:
    """Which prompt a task uses: the active one, per-tenant overrides, an A/B split."""

    task: str
    active: str
    split: tuple[tuple[str, float], ...] = ()
    tenants: dict[str, str] = field(default_factory=dict)
    with_history: str | None = None
    """Served instead of a prompt without a ``customer_history`` input when the request carries a
    customer's history (issue 14)."""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"active": self.active, "split": dict(self.split), "tenants": dict(self.tenants)}
        if self.with_history:
            out["with_history"] = self.with_history
        return out


def split_bucket(task: str, conversation_id: str) -> float:
    """A number in [0, 1) fixed by the task and the conversation id (stable across processes)."""
    digest = hashlib.sha256(f"{task}\x00{conversation_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class PromptRegistry:
    def __init__(self, directory: Path, prompts: Iterable[Prompt], routes: dict[str, TaskRoute]) -> None:
        self.directory = directory
        self._prompts = {p.ref: p for p in prompts}
        self.routes = routes

    # -- loading ---------------------------------------------------------------------------------
    @classmethod
    def load(cls, directory: Path, lock_file: Path | None = None) -> PromptRegistry:
        """Load and validate every ``<id>@<version>.md`` in ``directory``, ``registry.yaml`` and,
        when given, check every file against the lock. Raises PromptError naming the file."""
        directory = Path(directory)
        if not directory.is_dir():
            raise PromptError(f"{directory}: the prompts directory does not exist (ASSIST_PROMPTS_DIR)")
        prompts = [load_prompt(p) for p in sorted(directory.glob("*@*.md"))]
        if not prompts:
            raise PromptError(f"{directory}: no prompt files (<id>@<version>.md)")
        by_ref = {p.ref: p for p in prompts}
        routes = _load_routes(directory / REGISTRY_FILE, by_ref)
        registry = cls(directory, prompts, routes)
        if lock_file is not None:
            problems = registry.lock_problems(lock_file)
            if problems:
                raise PromptError(problems[0])
        return registry

    # -- lookup ------------------------------------------------------------------------------------
    def active(self, task: str, *, tenant: str | None = None, conversation_id: str | None = None,
               history: bool = False) -> Prompt:
        """The prompt for ``task``: the tenant's override, else the A/B split by conversation id,
        else the active version; with ``history`` (the request carries a customer's history), the
        task's ``with_history`` prompt when the one chosen has no ``customer_history`` input."""
        route = self.routes.get(task)
        if route is None:
            raise PromptError(f"{self.directory}: no prompt for task {task!r}; known tasks: {', '.join(sorted(self.routes))}")
        chosen = self._route(route, task, tenant, conversation_id)
        if history and route.with_history and HISTORY_INPUT not in chosen.inputs:
            return self._prompts[route.with_history]
        return chosen

    def _route(self, route: TaskRoute, task: str, tenant: str | None, conversation_id: str | None) -> Prompt:
        if tenant is not None and tenant in route.tenants:
            return self._prompts[route.tenants[tenant]]
        if route.split and conversation_id:
            bucket = split_bucket(task, conversation_id)
            cumulative = 0.0
            for ref, weight in route.split:
                cumulative += weight
                if bucket < cumulative:
                    return self._prompts[ref]
        return self._prompts[route.active]

    def get(self, prompt_id: str, version: int) -> Prompt:
        ref = f"{prompt_id}@{int(version)}"
        if ref not in self._prompts:
            known = sorted(p.version for p in self._prompts.values() if p.id == prompt_id)
            hint = f"known versions of {prompt_id}: {known}" if known else f"no prompt {prompt_id!r}"
            raise PromptError(f"{self.directory}: no prompt {ref} ({hint})")
        return self._prompts[ref]

    def by_ref(self, ref: str) -> Prompt:
        m = _REF_RE.match(ref)
        if not m:
            raise PromptError(f"{ref!r} is not a prompt reference (id@version)")
        return self.get(m.group(1), int(m.group(2)))

    def all(self) -> list[Prompt]:
        return sorted(self._prompts.values(), key=lambda p: (p.id, p.version))

    def tasks(self) -> dict[str, TaskRoute]:
        return dict(self.routes)

    # -- the lock ----------------------------------------------------------------------------------
    def lock_entries(self) -> dict[str, str]:
        return {p.ref: p.sha256 for p in self.all()}

    def lock_problems(self, lock_file: Path) -> list[str]:
        """Every way the files differ from the lock, worst first; each message names the file."""
        locked = read_lock(lock_file)
        problems: list[str] = []
        for p in self.all():
            old = locked.get(p.ref)
            if old is None:
                problems.append(
                    f"{p.path}: {p.ref} is not in {lock_file}; a new prompt version is locked with `assist prompts lock`"
                )
            elif old != p.sha256:
                problems.insert(0,
                    f"{p.path}: the text of {p.ref} changed but its version did not (locked sha256 {old[:12]}, file "
                    f"{p.sha256[:12]}). Released prompt versions never change: save the change as "
                    f"{p.id}@{p.version + 1}.md and activate it in {REGISTRY_FILE} (if {p.ref} was never released, "
                    f"`assist prompts lock --force` re-locks it)"
                )
        for ref in sorted(set(locked) - set(self._prompts)):
            problems.append(
                f"{self.directory / (ref + '.md')}: {ref} is in {lock_file} but the file is gone; released prompt "
                "versions stay in prompts/ so the audit trail can show them"
            )
        return problems

    def write_lock(self, lock_file: Path, *, force: bool = False) -> dict[str, list[str]]:
        """Add new versions to the lock; a changed text is refused unless ``force``."""
        locked = read_lock(lock_file) if lock_file.exists() else {}
        changes: dict[str, list[str]] = {"added": [], "relocked": [], "dropped": []}
        for ref, digest in self.lock_entries().items():
            if ref not in locked:
                changes["added"].append(ref)
            elif locked[ref] != digest:
                if not force:
                    raise PromptError(next(m for m in self.lock_problems(lock_file) if ref in m))
                changes["relocked"].append(ref)
        if force:
            changes["dropped"] = sorted(set(locked) - set(self._prompts))
        elif set(locked) - set(self._prompts):
            raise PromptError(next(m for m in self.lock_problems(lock_file) if "file is gone" in m))
        entries = self.lock_entries()
        lock_file.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return changes

    # -- review ------------------------------------------------------------------------------------
    def diff(self, prompt_id: str, v1: int, v2: int) -> str:
        a, b = self.get(prompt_id, v1), self.get(prompt_id, v2)
        return "".join(
            difflib.unified_diff(
                a.path.read_text(encoding="utf-8").splitlines(keepends=True),
                b.path.read_text(encoding="utf-8").splitlines(keepends=True),
                fromfile=str(a.path),
                tofile=str(b.path),
            )
        )


def read_lock(lock_file: Path) -> dict[str, str]:
    try:
        data = json.loads(Path(lock_file).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"{lock_file}: the lock file is missing; create it with `assist prompts lock`") from None
    except (OSError, ValueError) as exc:
        raise PromptError(f"{lock_file}: not a JSON object of id@version -> sha256: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise PromptError(f"{lock_file}: not a JSON object of id@version -> sha256")
    return data


def _load_routes(path: Path, by_ref: dict[str, Prompt]) -> dict[str, TaskRoute]:
    by_task: dict[str, list[Prompt]] = {}
    for p in by_ref.values():
        by_task.setdefault(p.task, []).append(p)
    config: dict[str, Any] = {}
    if path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise PromptError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict) or set(data) - {"tasks"} or not isinstance(data.get("tasks", {}), dict):
            raise PromptError(f"{path}: expected one key 'tasks' mapping each task to {{active, split, tenants}}")
        config = data.get("tasks") or {}

    def check_ref(task: str, ref: Any, where: str) -> str:
        if not isinstance(ref, str) or ref not in by_ref:
            raise PromptError(f"{path}: tasks.{task}.{where}: {ref!r} is not a prompt file in {path.parent}")
        if by_ref[ref].task != task:
            raise PromptError(f"{path}: tasks.{task}.{where}: {ref} is a prompt for task {by_ref[ref].task!r}, not {task!r}")
        return ref

    routes: dict[str, TaskRoute] = {}
    for task, entry in config.items():
        if not isinstance(entry, dict) or "active" not in entry or set(entry) - {"active", "split", "tenants", "with_history"}:
            raise PromptError(f"{path}: tasks.{task} needs 'active' (and optionally 'split', 'tenants', 'with_history') "
                              "and nothing else")
        active = check_ref(task, entry["active"], "active")
        split_cfg = entry.get("split") or {}
        tenants_cfg = entry.get("tenants") or {}
        if not isinstance(split_cfg, dict) or not isinstance(tenants_cfg, dict):
            raise PromptError(f"{path}: tasks.{task}.split and .tenants are mappings")
        split = []
        for ref, weight in split_cfg.items():
            check_ref(task, ref, f"split.{ref}")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
                raise PromptError(f"{path}: tasks.{task}.split.{ref}: the share must be a number in (0, 1], got {weight!r}")
            split.append((ref, float(weight)))
        if sum(w for _, w in split) > 1.0 + 1e-9:
            raise PromptError(f"{path}: tasks.{task}.split: the shares add up to more than 1")
        tenants = {str(t): check_ref(task, ref, f"tenants.{t}") for t, ref in tenants_cfg.items()}
        with_history = None
        if entry.get("with_history") is not None:
            with_history = check_ref(task, entry["with_history"], "with_history")
            if HISTORY_INPUT not in by_ref[with_history].inputs:
                raise PromptError(f"{path}: tasks.{task}.with_history: {with_history} has no {HISTORY_INPUT!r} input")
        routes[task] = TaskRoute(task, active, tuple(sorted(split)), tenants, with_history)
    for task, prompts in by_task.items():
        if task in routes:
            continue
        if len(prompts) > 1:
            refs = ", ".join(sorted(p.ref for p in prompts))
            raise PromptError(f"{path}: task {task!r} has several prompt versions ({refs}); name the active one under tasks.{task}.active")
        routes[task] = TaskRoute(task, prompts[0].ref)
    return routes


def default_lock_file(directory: Path) -> Path | None:
    lock = Path(directory) / LOCK_FILE
    return lock if lock.exists() else None
