"""One turn of a live conversation, as the intent classifier and the reply engine read it.

A :class:`Message` is what a caller sends with a request (``/v1/intents``, ``/v1/suggestions``,
a help-desk ticket): a role and a text, nothing stored. A stored turn of a customer's history,
with its id, channel and time, is an :class:`~service.domain.interactions.Interaction`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    role: str
    """customer, agent, bot or system (the intent API also accepts user and assistant)."""
    text: str
