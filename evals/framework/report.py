"""The three report files of a run: report.json (every case and score), summary.md (for a pull
request), report.html (self-contained: inline CSS and SVG, opens from disk in any browser)."""

from __future__ import annotations

import json
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import Any

from evals.framework import charts
from evals.framework.gate import GateResult
from evals.framework.suite import HIGHER, CaseResult, Chart, Metric, SuiteResult

WORST = 10


def suite_from_dict(d: dict[str, Any]) -> SuiteResult:
    r = SuiteResult(**{k: v for k, v in d.items() if k not in ("metrics", "judged", "cases", "charts")})
    r.metrics = [Metric(**m) for m in d.get("metrics", [])]
    r.judged = [Metric(**m) for m in d.get("judged", [])]
    r.cases = [CaseResult(**{**c, "tags": tuple(c.get("tags", ()))}) for c in d.get("cases", [])]
    r.charts = [Chart(**c) for c in d.get("charts", [])]
    return r


def _baseline_value(baseline: dict[str, Any], suite: str, metric: str) -> float | None:
    spec = baseline.get(suite, {}).get("metrics", {}).get(metric)
    return spec["value"] if spec else None


def _tolerance(baseline: dict[str, Any], suite: str, metric: str) -> float | None:
    spec = baseline.get(suite, {}).get("metrics", {}).get(metric)
    return spec.get("tolerance") if spec else None


def provenance_lines(r: SuiteResult) -> list[str]:
    """Where each split's data comes from; the gate uses held-out (or dev when there is none)."""
    if not r.provenance:
        return []
    lines = [f"Data provenance: {'; '.join(f'{split}: {text}' for split, text in r.provenance.items())}."]
    if not r.has_held_out:
        lines.append("No held-out data: this suite is gated on its dev data.")
    return [*lines, ""]


def worst_cases(result: SuiteResult, n: int = WORST) -> list[CaseResult]:
    """Lowest primary score first (errors before anything), then by id: stable across runs."""
    ranked = sorted(result.cases, key=lambda c: (c.error is None, c.primary_score, c.key))
    return [c for c in ranked if c.error or c.primary_score < 1.0][:n]


def show(value: Any, limit: int = 600) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())), str):
        text = next(iter(value.values()))
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- report.json ------------------------------------------------------------------------------


def write_json(path: Path, meta: dict[str, Any], results: list[SuiteResult], gate: GateResult | None) -> None:
    data = {
        "schema": 1,
        **meta,
        "suites": [r.as_dict() for r in results],
        "gate": gate.as_dict() if gate else None,
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


# ---- summary.md --------------------------------------------------------------------------------


def _num(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _delta(v: float | None, base: float | None) -> str:
    if v is None or base is None:
        return "–"
    d = v - base
    return "0" if abs(d) < 5e-5 else f"{d:+.4f}"


def write_markdown(path: Path, meta: dict[str, Any], results: list[SuiteResult], gate: GateResult | None,
                   baseline: dict[str, Any]) -> None:
    out = [f"# Eval report — {meta.get('commit', '?')[:12]}{' (dirty)' if meta.get('dirty') else ''}", ""]
    out.append(f"{meta.get('started_at', '')} · {meta.get('seconds', 0):.1f}s · LLM mode `{meta.get('llm_mode')}`")
    out.append("")
    if gate is not None:
        out += ["```", gate.message(), "```", ""]
    for r in results:
        out.append(f"## {r.suite} — {r.status}")
        out.append("")
        if r.description:
            out.append(r.description)
            out.append("")
        if not r.ok:
            out += [f"**{'Not available' if r.status == 'not_available' else 'Error'}:** {r.reason}", ""]
            continue
        data = ", ".join(f"`{d['name']}` v{d['version']} ({d['cases']} cases)" for d in r.datasets)
        out += [f"Data: {data}. System: {r.system}. {r.seconds:.1f}s.", ""]
        out += provenance_lines(r)
        out += ["| metric | value | baseline | Δ | tolerance | published |", "|---|---:|---:|---:|---:|---:|"]
        for m in r.metrics:
            base = _baseline_value(baseline, r.suite, m.name)
            tol = _tolerance(baseline, r.suite, m.name)
            name = f"**{m.name}**" if m.headline else m.name
            arrow = "↑" if m.direction == HIGHER else "↓"
            pub = f"{m.published:.4g} ({m.published_source})" if m.published is not None else ""
            out.append(f"| {name} {arrow} | {_num(m.value)} | {_num(base)} | {_delta(m.value, base)} | {_num(tol)} | {pub} |")
        out.append("")
        if r.judged:
            out += ["LLM judge (not gated):", ""]
            out += [f"- {m.name}: {_num(m.value)} {m.description}" for m in r.judged]
            out.append("")
        for note in r.notes:
            out.append(f"- {note}")
        if r.notes:
            out.append("")
        worst = worst_cases(r, 5)
        if worst:
            out += ["Worst cases:", "", "| case | score | input | output |", "|---|---:|---|---|"]
            for c in worst:
                cell = lambda v: show(v, 140).replace("|", "\\|").replace("\n", " ")  # noqa: E731
                out.append(f"| {c.key} | {c.primary}={c.primary_score:.3g} | {cell(c.input)} | {cell(c.error or c.output)} |")
            out.append("")
        if r.comparison:
            comp = r.comparison
            out += [f"Prompt comparison `{comp['task']}`: " + " vs ".join(f"v{v}" for v in comp["versions"]), ""]
            names = sorted({k for v in comp["metrics"].values() for k in v})
            out += ["| metric | " + " | ".join(f"v{v}" for v in comp["versions"]) + " |", "|---|" + "---:|" * len(comp["versions"])]
            for n in names:
                out.append(f"| {n} | " + " | ".join(_num(comp["metrics"][v].get(n)) for v in comp["versions"]) + " |")
            out.append("")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# ---- report.html -------------------------------------------------------------------------------

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111827;margin:0;background:#f3f4f6}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #d1d5db;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.meta{color:#4b5563;margin-bottom:12px}
.banner{padding:10px 14px;border-radius:6px;margin:12px 0;font-weight:600;white-space:pre-wrap}
.pass{background:#dcfce7;color:#14532d}.fail{background:#fee2e2;color:#7f1d1d}.none{background:#e5e7eb;color:#374151}
section.suite{background:#fff;border-radius:8px;padding:4px 18px 18px;margin:18px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f9fafb} td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.headline td{font-weight:600} .bad{color:#b91c1c;font-weight:600}.good{color:#15803d}
.charts{display:flex;flex-wrap:wrap;gap:18px}.charts figure{margin:0;background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:8px}
figcaption{font-weight:600;font-size:13px;margin-bottom:4px}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.s-ok{background:#dcfce7;color:#166534}.s-not_available{background:#fef3c7;color:#92400e}.s-error{background:#fee2e2;color:#991b1b}
pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;white-space:pre-wrap;word-break:break-word;margin:0}
nav a{margin-right:12px}
"""


def _h(v: Any) -> str:
    return escape(str(v))


def _metrics_table(r: SuiteResult, baseline: dict[str, Any], gate: GateResult | None) -> str:
    failed = {f.metric for f in (gate.failures if gate else []) if f.suite == r.suite}
    rows = ["<table class='metrics'><tr><th>metric</th><th>value</th><th>baseline</th><th>Δ</th><th>tolerance</th>"
            "<th>published</th><th>kind</th></tr>"]
    for m in sorted(r.metrics, key=lambda m: (not m.headline, 0)):
        base = _baseline_value(baseline, r.suite, m.name)
        d = _delta(m.value, base)
        cls = "bad" if m.name in failed else ""
        if base is not None and cls == "" and d not in ("0", "–"):
            better = (m.value > base) == (m.direction == HIGHER)
            cls = "good" if better else ""
        pub = f"{m.published:.4g}<br><small>{_h(m.published_source)}</small>" if m.published is not None else ""
        arrow = "↑" if m.direction == HIGHER else "↓"
        rows.append(f"<tr class='{'headline' if m.headline else ''}'><td title='{_h(m.description)}'>{_h(m.name)} {arrow}</td>"
                    f"<td class='n'>{_num(m.value)}</td><td class='n'>{_num(base)}</td><td class='n {cls}'>{d}</td>"
                    f"<td class='n'>{_num(_tolerance(baseline, r.suite, m.name))}</td><td class='n'>{pub}</td><td>{_h(m.kind)}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _suite_html(r: SuiteResult, baseline: dict[str, Any], gate: GateResult | None) -> str:
    out = [f"<section class='suite' id='{_h(r.suite)}'><h2>{_h(r.suite)} <span class='status s-{_h(r.status)}'>{_h(r.status.replace('_', ' '))}</span></h2>"]
    if r.description:
        out.append(f"<p>{_h(r.description)}</p>")
    if not r.ok:
        out.append(f"<p class='banner none'>{'Not available' if r.status == 'not_available' else 'Error'}: {_h(r.reason)}</p></section>")
        return "".join(out)
    data = ", ".join(f"<code>{_h(d['name'])}</code> v{_h(d['version'])} ({d['cases']} cases)" for d in r.datasets)
    out.append(f"<p class='meta'>Data: {data}. System: {_h(r.system)}. {r.seconds:.1f}s.</p>")
    out += [f"<p class='meta'>{_h(line)}</p>" for line in provenance_lines(r) if line]
    out.append("<h3>Headline metrics</h3>" + _metrics_table(r, baseline, gate))
    if r.judged:
        out.append("<h3>LLM judge (reported apart, not gated)</h3><table><tr><th>metric</th><th>value</th><th>about</th></tr>")
        out += [f"<tr><td>{_h(m.name)}</td><td class='n'>{_num(m.value)}</td><td>{_h(m.description)}</td></tr>" for m in r.judged]
        out.append("</table>")
    if r.notes:
        out.append("<ul>" + "".join(f"<li>{_h(n)}</li>" for n in r.notes) + "</ul>")
    if r.html:
        out.append(r.html)
    if r.charts:
        out.append("<h3>Charts</h3><div class='charts'>")
        for c in r.charts:
            out.append(f"<figure><figcaption>{_h(c.title)}</figcaption>{charts.render(asdict(c))}</figure>")
        out.append("</div>")
    worst = worst_cases(r)
    out.append(f"<h3>Worst cases ({len(worst)} shown of {len(r.cases)})</h3>")
    if worst:
        out.append("<table class='cases'><tr><th>case</th><th>tags</th><th>score</th><th>input</th><th>expected</th><th>output</th></tr>")
        for c in worst:
            scores = ", ".join(f"{k}={v:.3g}" for k, v in c.scores.items())
            out.append(f"<tr><td class='mono'>{_h(c.key)}</td><td>{_h(' '.join(c.tags))}</td><td class='mono'>{_h(scores)}</td>"
                       f"<td><pre>{_h(show(c.input))}</pre></td><td><pre>{_h(show(c.expected, 300))}</pre></td>"
                       f"<td><pre>{_h(show(c.error or c.output))}</pre></td></tr>")
        out.append("</table>")
    else:
        out.append("<p>Every case scored full marks.</p>")
    if r.comparison:
        out.append(_comparison_html(r.comparison))
    out.append("</section>")
    return "".join(out)


def _comparison_html(comp: dict[str, Any]) -> str:
    versions = comp["versions"]
    out = [f"<h3>Prompt versions side by side: {_h(comp['task'])} " + " vs ".join(f"v{_h(v)}" for v in versions) + "</h3>"]
    names = sorted({k for v in comp["metrics"].values() for k in v})
    out.append("<table><tr><th>metric</th>" + "".join(f"<th>v{_h(v)}</th>" for v in versions) + "</tr>")
    for n in names:
        out.append(f"<tr><td>{_h(n)}</td>" + "".join(f"<td class='n'>{_num(comp['metrics'][v].get(n))}</td>" for v in versions) + "</tr>")
    out.append("</table>")
    if comp.get("cases"):
        out.append("<table class='side'><tr><th>case</th><th>input</th>" + "".join(f"<th>v{_h(v)}</th>" for v in versions) + "</tr>")
        for c in comp["cases"]:
            cells = "".join(f"<td><pre>{_h(show(c['outputs'].get(v), 400))}</pre><small>{_h(c['scores'].get(v, ''))}</small></td>" for v in versions)
            out.append(f"<tr><td class='mono'>{_h(c['id'])}</td><td><pre>{_h(show(c['input'], 300))}</pre></td>{cells}</tr>")
        out.append("</table>")
    return "".join(out)


def write_html(path: Path, meta: dict[str, Any], results: list[SuiteResult], gate: GateResult | None,
               baseline: dict[str, Any]) -> None:
    if gate is None or not gate.compared_suites:
        banner = "<div class='banner none'>No baseline compared.</div>"
    else:
        banner = f"<div class='banner {'pass' if gate.passed else 'fail'}'>{_h(gate.message())}</div>"
    nav = "".join(f"<a href='#{_h(r.suite)}'>{_h(r.suite)}</a>" for r in results)
    overview = ["<table class='overview'><tr><th>suite</th><th>status</th><th>headline</th><th>cases</th><th>seconds</th></tr>"]
    for r in results:
        heads = ", ".join(f"{m.name} {_num(m.value)}" for m in r.metrics if m.headline) if r.ok else _h(r.reason)
        overview.append(f"<tr><td><a href='#{_h(r.suite)}'>{_h(r.suite)}</a></td><td><span class='status s-{_h(r.status)}'>"
                        f"{_h(r.status.replace('_', ' '))}</span></td><td>{_h(heads) if r.ok else heads}</td>"
                        f"<td class='n'>{len(r.cases)}</td><td class='n'>{r.seconds:.1f}</td></tr>")
    overview.append("</table>")
    body = "".join(_suite_html(r, baseline, gate) for r in results)
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Agent Assist eval report {_h(meta.get('commit', '')[:12])}</title><style>{CSS}</style></head><body><main>"
        f"<h1>Agent Assist — eval report</h1><div class='meta'>commit <code>{_h(meta.get('commit', '?')[:12])}</code>"
        f"{' (dirty)' if meta.get('dirty') else ''} · {_h(meta.get('started_at', ''))} · {meta.get('seconds', 0):.1f}s · "
        f"LLM mode <code>{_h(meta.get('llm_mode'))}</code> · baseline <code>{_h(meta.get('baseline') or 'none')}</code></div>"
        f"{banner}<nav>{nav}</nav>{''.join(overview)}{body}</main></body></html>"
    )
    path.write_text(html, encoding="utf-8")


def write_all(out_dir: Path, meta: dict[str, Any], results: list[SuiteResult], gate: GateResult | None,
              baseline: dict[str, Any]) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "markdown": out_dir / "summary.md", "html": out_dir / "report.html"}
    write_json(paths["json"], meta, results, gate)
    write_markdown(paths["markdown"], meta, results, gate, baseline)
    write_html(paths["html"], meta, results, gate, baseline)
    return paths
