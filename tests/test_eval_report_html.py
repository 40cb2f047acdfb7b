"""The HTML report renders in a real browser: headless Chromium takes a screenshot, the rendered
DOM has the charts and tables, and the screenshot shows the charts' colours.

Chromium is a Debian package that `make test` installs; without it this test fails (a skipped
test would prove nothing)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from evals.framework import CaseResult, Chart, SuiteResult, select
from evals.framework.context import RunContext
from evals.framework.report import write_all
from evals.framework.runner import run_suite

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    return exe


def read_png(path: Path) -> np.ndarray:
    """Decode an 8-bit, non-interlaced RGB(A) PNG (what Chromium writes) to an HxWx3 array."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + width * bpp)
    out = np.zeros((height, width * bpp), dtype=np.uint8)
    prev = np.zeros(width * bpp, dtype=np.int32)
    for y in range(height):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 0xFF
        elif f == 1:
            cur = line.reshape(width, bpp).cumsum(axis=0).reshape(-1) & 0xFF
        else:
            cur = np.zeros_like(line)
            for i in range(len(line)):
                a = cur[i - bpp] if i >= bpp else 0
                b = prev[i]
                if f == 3:
                    cur[i] = (line[i] + ((a + b) >> 1)) & 0xFF
                else:
                    c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                    cur[i] = (line[i] + pred) & 0xFF
        out[y] = cur
        prev = cur
    return out.reshape(height, width, bpp)[:, :, :3]


def count_colour(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 12) -> int:
    return int((np.abs(img.astype(np.int16) - np.array(rgb)).max(axis=2) <= tol).sum())


def synthetic_results() -> list[SuiteResult]:
    labels = ["refund", "cancel_order", "track_order", "oos"]
    r = SuiteResult("intents.demo", description="A made-up suite with every kind of chart.",
                    datasets=[{"name": "demo", "path": "demo.jsonl", "version": "0123456789ab", "cases": 4}],
                    system="demo classifier")
    r.add("accuracy", 0.75, headline=True, published=0.969, published_source="BERT, Larson et al. 2019")
    r.add("oos_recall", 0.5, headline=True)
    r.judged.append(__import__("evals.framework", fromlist=["Metric"]).Metric("helpfulness", 0.8, kind="judge"))
    r.cases = [CaseResult(f"c{i}", {"text": f"query {i}"}, {"intent": labels[i]}, {"intent": labels[(i + 1) % 4]},
                          {"correct": 0.0}, "correct", tags=("demo",)) for i in range(4)]
    r.charts = [
        Chart("confusion", "Confusion matrix", {"labels": labels, "matrix": [[5, 1, 0, 0], [0, 6, 1, 0], [0, 0, 7, 1], [1, 0, 0, 3]]}),
        Chart("line", "recall@k", {"series": {"hybrid": [[1, 0.7], [5, 0.95], [10, 0.99]], "dense": [[1, 0.6], [5, 0.9], [10, 0.97]]}}),
        Chart("histogram", "latency", {"values": [1.0, 2.0, 2.5, 3.0, 9.0]}),
        Chart("bars", "accuracy by tag", {"items": [["returns", 0.95, 20], ["billing", 0.6, 8]]}),
    ]
    r.comparison = {"task": "suggest_reply", "versions": ["1", "2"],
                    "metrics": {"1": {"groundedness": 0.9}, "2": {"groundedness": 0.7}},
                    "cases": [{"id": "c1", "input": "where is my refund", "outputs": {"1": "Refunds take 5 days.", "2": "Soon!"},
                               "scores": {"1": "grounded=1", "2": "grounded=0"}}]}
    missing = SuiteResult("safety", status="not_available", reason="evals.safety does not exist yet")
    return [r, missing]


def test_the_html_report_renders_in_headless_chromium_with_charts_and_tables(tmp_path: Path) -> None:
    exe = chromium()
    results = synthetic_results()
    results.insert(0, run_suite(select(["summaries"])[0], RunContext(progress=False)))  # a real suite, no model needed
    paths = write_all(tmp_path / "report", {"commit": "deadbeef", "llm_mode": "replay", "seconds": 1.0}, results, None, {})
    html = paths["html"].read_text()
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # self-contained

    url = paths["html"].resolve().as_uri()
    common = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    assert len(re.findall(r"<svg class=\"chart\"", dom)) == 6  # 4 synthetic + 2 from the summaries suite
    assert len(re.findall(r"<table", dom)) >= 6
    for needle in ("Confusion matrix", "Worst cases", "Prompt versions side by side", "Not available", "LLM judge",
                   "facts_and_commitments_recall"):
        assert needle in dom, needle

    shot = tmp_path / "report.png"
    subprocess.run([*common, f"--screenshot={shot}", "--window-size=1280,2000", url], capture_output=True, timeout=120, check=True)
    img = read_png(shot)
    assert img.shape == (2000, 1280, 3)
    assert count_colour(img, (255, 255, 255)) < img.shape[0] * img.shape[1] * 0.9  # not a blank page
    assert count_colour(img, (22, 163, 74)) > 200  # green bars (summaries by tag) and the ok badges
    assert count_colour(img, (37, 99, 235)) > 50  # blue histogram bars / the recall@k line
