"""Cross-channel summaries: the summary types (``model``), the extractive engine (``extractive``
with ``facts``, ``commitments``, ``issues`` and the phrase ``rules``), the LLM engine (``llm``)
with its token ``budget``, masking undone for the agent (``restore``), and the use case
(``service``) that picks the engine and records the answer."""
