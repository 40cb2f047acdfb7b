"""The LLM gateway every LLM task goes through (deadline, circuit breaker, token budget and
accounting) and the check of an answer against its prompt's ``output_schema`` (``answers``).
The model itself is a port (:class:`~service.ports.ChatModel`); OpenAI-compatible servers are
``service/adapters/openai_chat.py``."""
