"""``POST /v1/assist``: the orchestration only (summary alongside intent, knowledge and
suggestions); each part is its own feature package."""
