"""`assist models prepare`: export the embedding model to ONNX ahead of the first start."""

from __future__ import annotations

import argparse
from typing import Any

from service.settings import Settings
from service.wiring import make_embedder


def register_cli(sub: Any) -> None:
    models = sub.add_parser("models", help="the embedding model").add_subparsers(dest="models_command")
    models.add_parser("prepare", help="export the embedding model to ONNX now (ASSIST_MODEL_CACHE_DIR) and check it").set_defaults(func=cmd_models_prepare)


def cmd_models_prepare(args: argparse.Namespace, settings: Settings) -> int:
    embedder = make_embedder(settings)
    try:
        vector = embedder.embed(["Where is my order?"])[0]
    finally:
        embedder.close()
    print(f"{embedder.model_name}: {embedder.backend} backend ready, {vector.shape[0]} dimensions "
          f"(cache {settings.models.model_cache_dir.expanduser()})")
    return 0
