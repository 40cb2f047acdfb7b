"""The gaps as HTML: one section (a table per gap with its examples and draft), used by
``assist knowledge gaps --html`` and by the ``gaps`` section of the eval report."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from service.knowledge.frontmatter import FrontMatterError, split_front_matter

CSS = """
.gaps{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111827}
.gaps table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px;table-layout:fixed}
.gaps col.c-gap{width:14%}.gaps col.c-kind{width:8%}.gaps col.c-status{width:6%}.gaps col.c-sig{width:11%}
.gaps col.c-trend{width:8%}.gaps col.c-cited{width:14%}.gaps col.c-ex{width:19%}.gaps col.c-draft{width:20%}
.gaps th,.gaps td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
.gaps th{background:#f9fafb}.gaps td.num{font-variant-numeric:tabular-nums}.gaps td{overflow-wrap:anywhere}
.gaps .k-missing{background:#fef3c7;color:#92400e}.gaps .k-outdated{background:#fee2e2;color:#991b1b}
.gaps .tag{display:inline-block;white-space:nowrap;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.gaps .s-open{background:#dbeafe;color:#1e40af}.gaps .s-closed{background:#dcfce7;color:#166534}
.gaps pre{font-family:ui-monospace,Menlo,monospace;font-size:12px;white-space:pre-wrap;margin:0;max-height:18em;overflow:hidden}
.gaps ul{margin:0;padding-left:18px}
"""


def _h(v: Any) -> str:
    return escape(str(v if v is not None else ""))


def _trend(t: dict[str, Any]) -> str:
    arrow = {"rising": "↑", "falling": "↓"}.get(t.get("direction", ""), "→")
    return f"{arrow} {_h(t.get('direction', ''))} ({_h(t.get('earlier', 0))} → {_h(t.get('later', 0))})"


def _draft(content: str) -> str:
    """The draft as a reviewer scans it: id, version and owner from the front matter, then the body."""
    if not content:
        return "–"
    try:
        meta, body = split_front_matter(content)
    except FrontMatterError:
        meta, body = "", content
    fields = dict(line.split(":", 1) for line in meta.splitlines() if ":" in line and not line.startswith(" "))
    head = " · ".join(f"{k} {fields[k].strip().strip(chr(39) + chr(34)) or '(empty)'}" for k in ("id", "version", "status", "owner") if k in fields)
    lines = [line for line in body.strip().splitlines() if line.strip() and not line.startswith(">")]
    return f"<small class='mono'>{_h(head)}</small><pre>{_h(chr(10).join(lines))}</pre>"


def section(gaps: Sequence[dict[str, Any]], drafts: dict[str, str] | None = None, title: str = "Knowledge gaps",
            style: bool = True) -> str:
    """``gaps``: gap views (API shape); ``drafts``: draft content by gap id (or by gap key).
    ``style``: carry the CSS along (for embedding in another page)."""
    drafts = drafts or {}
    out = [f"<style>{CSS}</style>" if style else "", f"<div class='gaps'><h3>{_h(title)} ({len(gaps)})</h3>"]
    if not gaps:
        out.append("<p>No gaps in this period.</p></div>")
        return "".join(out)
    cols = "".join(f"<col class='c-{c}'>" for c in ("gap", "kind", "status", "sig", "trend", "cited", "ex", "draft"))
    out.append(f"<table><colgroup>{cols}</colgroup><tr><th>gap</th><th>kind</th><th>status</th><th>signals</th><th>trend</th><th>intents / articles cited</th>"
               "<th>examples (masked)</th><th>draft</th></tr>")
    for g in gaps:
        kind = g.get("kind", "")
        article = f"<br><small>article <code>{_h(g['article_id'])}</code> is outdated</small>" if kind == "outdated" and g.get("article_id") else ""
        signals = "<br>".join(f"{_h(k)} {_h(v)}" for k, v in (g.get("signals") or {}).items())
        intents = ", ".join(f"{_h(i['intent'])} ({_h(i['count'])})" for i in g.get("intents") or []) or "–"
        cited = ", ".join(f"<code>{_h(a['article_id'])}</code> ({_h(a['count'])})" for a in g.get("articles_cited") or []) or "–"
        examples = "".join(
            f"<li><b>{_h(e['kind'])}</b>: {_h(e['text'])}"
            + (f"<br><i>agent sent:</i> {_h(e['sent_text'])}" if e.get("sent_text") else "")
            + (f"<br><i>reason:</i> {_h(e['reason'])}" if e.get("reason") else "") + "</li>"
            for e in (g.get("examples") or [])[:3]
        )
        draft = _draft(drafts.get(g.get("id") or g.get("key") or "", ""))
        out.append(
            f"<tr><td><b>{_h(g.get('title'))}</b>{article}</td><td><span class='tag k-{_h(kind)}'>{_h(kind)}</span></td>"
            f"<td><span class='tag s-{_h(g.get('status', 'open'))}'>{_h(g.get('status', 'open'))}</span></td>"
            f"<td class='num'><b>{_h(g.get('size'))}</b><br><small>{signals}</small></td><td>{_trend(g.get('trend') or {})}</td>"
            f"<td>{intents}<br>{cited}</td><td><ul>{examples}</ul></td><td>{draft}</td></tr>"
        )
    out.append("</table></div>")
    return "".join(out)


def page(gaps: Sequence[dict[str, Any]], drafts: dict[str, str], heading: str) -> str:
    """A standalone HTML page (inline CSS, no scripts)."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Knowledge gaps</title>"
        f"<style>body{{margin:0;background:#f3f4f6}}main{{max-width:1280px;margin:0 auto;padding:24px;background:#fff}}{CSS}</style>"
        f"</head><body><main><h1 style='font:600 22px system-ui'>{_h(heading)}</h1>{section(gaps, drafts, style=False)}</main></body></html>"
    )
