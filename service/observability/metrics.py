"""Prometheus metrics, one registry per app (no global state)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("assist_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=r)
        self.latency = Histogram(
            "assist_http_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.llm_calls = Counter("assist_llm_calls_total", "LLM calls by task and outcome", ["task", "outcome"], registry=r)
        self.llm_latency = Histogram("assist_llm_seconds", "LLM call latency", ["task"], registry=r)
        self.llm_tokens = Counter("assist_llm_tokens_total", "LLM tokens", ["task", "kind"], registry=r)
        self.fallbacks = Counter("assist_fallbacks_total", "Fallbacks to a non-LLM engine", ["task", "reason"], registry=r)
        self.policy_failures = Counter("assist_policy_failures_total", "Policy check failures", ["check"], registry=r)
        self.index_chunks = Gauge("assist_index_chunks", "Chunks in the knowledge index", registry=r)
        self.audit_records = Counter("assist_audit_records_total", "Audit records written", ["endpoint"], registry=r)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
