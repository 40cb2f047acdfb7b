"""Structured logs (structlog: request ids, one canonical line per request) and the metrics
registry behind ``/metrics``."""
