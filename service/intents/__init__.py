"""Intent classification: the taxonomy (``taxonomy``), answers from a model's scores
(``classifier``), a conversation's current need (``current_need``), the optional LLM fallback
(``llm_fallback``) and the use case that holds and reloads the live model (``service``). The
model is a port (:class:`~service.ports.IntentTrainer`); scikit-learn lives in
``service/adapters/sk_intent_model.py``."""
