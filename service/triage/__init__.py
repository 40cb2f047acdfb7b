"""Help-desk triage: webhook ``signatures``, ``payloads`` (generic JSON and Zendesk into one
ticket), ``signals`` (urgency, priority, language, sentiment, summary) and the use case
(``service``). Stored answers are a port (:class:`~service.ports.TriageEvents`); the table is
``service/adapters/sql/triage_repo.py``."""
