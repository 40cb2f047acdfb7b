"""A conversation's current need: which customer turn the answer is read from.

Each customer turn is classified; among the turns confident enough, the latest counts most
(``confidence * RECENCY_DECAY ** age``), so "yes thanks" or an order number leaves the need to
the earlier turn that carried it.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.domain.messages import Message
from service.intents.classifier import Classification

CUSTOMER_ROLES = {"customer", "user", "end-user", "end_user", "requester", "client"}
AGENT_ROLES = {"agent", "assistant", "bot", "system"}
RECENCY_DECAY = 0.85
"""Each older customer turn counts this much less when reading the current need."""
MAX_TURNS = 8


def customer_turns(messages: Sequence[Message]) -> list[tuple[int, str]]:
    out = []
    for i, m in enumerate(messages):
        role = m.role.strip().lower()
        if role in CUSTOMER_ROLES and m.text.strip():
            out.append((i, m.text.strip()))
    return out


def pick_current_need(turns: list[tuple[int, Classification]], threshold: float) -> Classification:
    """The customer's current need: among the turns confident enough (at least ``threshold``),
    the one worth most, each worth ``confidence * RECENCY_DECAY ** age`` (age 0 is the latest).

    So a turn that carries no intent (a name, an order number, "yes thanks") and falls below the
    threshold leaves the need to an earlier confident turn, and a newer confident turn beats an
    older one unless the older one is clearly more confident (by more than the decay). Abstains,
    reporting the latest turn, when no turn is confident enough.
    """
    best_i, best_value = len(turns) - 1, -1.0
    for age, (_, res) in enumerate(reversed(turns)):
        value = res.confidence * (RECENCY_DECAY**age)
        if res.confidence >= threshold and value > best_value:
            best_value, best_i = value, len(turns) - 1 - age
    chosen_turn, chosen = turns[best_i]
    if best_value < 0:  # nothing confident: report the latest turn's abstention
        chosen_turn, chosen = turns[-1]
    chosen.turn = chosen_turn
    return chosen
