"""Reply suggestions: the request and answer types (``conversation``), intent and retrieval run
together (``intent_and_knowledge``), the LLM reply (``llm_reply``) and the grounded engine
(``grounded``), channel shaping (``channels``), the policy checks (``policy``), the audit copy
(``recording``) and the use case (``service``)."""
