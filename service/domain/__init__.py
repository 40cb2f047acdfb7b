"""The shared vocabulary of every feature: a live conversation's :class:`~service.domain.messages.Message`,
a stored :class:`~service.domain.interactions.Interaction` (parsed and validated once), PII
redaction (``pii``) and the one copy of the sentence and stem helpers (``text``). No I/O here."""
