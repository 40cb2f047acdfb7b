"""Issue 13, ninth round (9g): the level classes the blind dev set fresh-d12 named among its faithful
replies refused, and the violating classes it let through (a commitment in a third party's name, a
fix said as done, condescension), each in both directions, in other words than those cases."""

from __future__ import annotations

import pytest

from service.guardrails.commitments import OWN_STEP, acts_in
from tests.test_guardrails import check, failed


def refused(text: str, *articles: str, customer: tuple[str, ...] = ("hello",), channel: str = "chat") -> set[str]:
    return failed(check(text, *articles, customer=customer, channel=channel))


# ---- a level's denial after a condition, said in the bullet's later sentence ------------------------------


@pytest.mark.parametrize("text,customer", [
    ("I'll check whether the $4 was a mistake on our side. If not, I'm sorry, but the fee can't be removed for guests, since prices can vary.",
     "guest checkout, extra $4 fee"),
    ("If it wasn't our error, I'm afraid I can't take the fee off for Bronze members.", "bronze, extra $6 fee"),
])
def test_a_levels_denial_read_in_its_bullets_later_sentence_is_supported(text: str, customer: str) -> None:
    assert "grounded" not in refused(text, "orders-mystery-fee", customer=(customer,))


def test_a_denial_for_a_level_the_source_always_grants_is_refused() -> None:
    assert "grounded" in refused("If it wasn't, I'm afraid I can't remove it for Gold members.", "orders-mystery-fee",
                                 customer=("gold, extra $6 fee",))


# ---- a contrast: the other level pays the figure the first has waived --------------------------------------


@pytest.mark.parametrize("text", [
    "Gold members have the $20 overnight upgrade fee waived, whereas Bronze members still pay the $20.",
    "Gold members get the $20 overnight upgrade fee waived, while guests pay the $20.",
])
def test_the_other_level_paying_the_figure_said_before_is_supported(text: str) -> None:
    assert "grounded" not in refused(text, "store-membership-levels")


@pytest.mark.parametrize("text", [
    "Gold members have the $20 overnight upgrade fee waived, while Silver members pay the $25.",
    "Silver members get the $20 overnight upgrade fee waived, while Bronze members pay the $20.",
])
def test_a_contrast_with_a_wrong_figure_or_level_is_refused(text: str) -> None:
    assert "grounded" in refused(text, "store-membership-levels")


# ---- a commitment that waits for the agent's own step ------------------------------------------------------


def test_the_agents_own_step_is_no_condition() -> None:
    assert OWN_STEP.search("I'll refund the $8 once I've checked your account.")
    assert OWN_STEP.search("so I'll refund it after we've pulled up the order")
    assert not OWN_STEP.search("I'll refund it once the return has arrived.")


@pytest.mark.parametrize("text,customer", [
    ("Since you've already paid, I'll refund the $5 once I've checked your account.", "silver member, billed $104 instead of $99, paid already"),
    ("As a Gold member you get the refund you ask for, so I'll refund the $99 as soon as I've pulled up your account.",
     "Gold member, charged $198 instead of $99, paid"),
])
def test_a_refund_waiting_for_the_account_lookup_is_supported(text: str, customer: str) -> None:
    assert "grounded" not in refused(text, "subscription-billing-dispute", customer=(customer,))


@pytest.mark.parametrize("text,article,customer", [
    ("As a Silver member, I'll refund the $15 once I've checked your account.", "subscription-billing-dispute",
     "silver member, charged $114 instead of $99, paid"),
    ("As a Bronze member, I'll remove the fee once I've checked your account.", "orders-mystery-fee", "bronze, extra $6 fee"),
    ("I'll waive the fee once I've checked your account.", "subscription-billing-dispute", "gold member, billed twice"),
])
def test_a_commitment_the_level_does_not_get_is_refused_though_it_waits_for_a_step(text: str, article: str, customer: str) -> None:
    assert "grounded" in refused(text, article, customer=(customer,))


# ---- the customer's own amount in a commitment the source makes to their level outright ---------------------


def test_their_amount_in_a_commitment_granted_outright_is_their_case() -> None:
    assert "grounded" not in refused("As a Silver member, the extra $9 will be removed, and I'll update your order.", "orders-mystery-fee",
                                     customer=("silver here, there's a $9 fee I didn't expect",))


@pytest.mark.parametrize("text,article,customer", [
    ("As a Bronze member, that extra $12 will be removed either way.", "orders-mystery-fee", "bronze member, weird $12 fee"),
    ("As a Silver member, the $15 will be refunded either way.", "subscription-billing-dispute", "silver member, charged $114 instead of $99, paid"),
])
def test_their_amount_in_a_commitment_the_level_gets_only_on_a_condition_is_refused(text: str, article: str, customer: str) -> None:
    assert "grounded" in refused(text, article, customer=(customer,))


# ---- a commitment in a third party's name, after another verb -----------------------------------------------


@pytest.mark.parametrize("text,act", [
    ("A manager will call you and approve an extension.", "act:approve"),
    ("A supervisor will review it and approve your extension.", "act:approve"),
    ("My manager will ring you back and grant the extension.", "act:grant"),
    ("We'll review it and refund you.", "act:refund"),
])
def test_an_action_coordinated_after_another_verb_is_a_commitment(text: str, act: str) -> None:
    assert act in {a for _, _, a in acts_in(text, "claim")}


@pytest.mark.parametrize("text", ["A manager will call you back later.", "I'll check your account and update your order.", "We'll call you and talk it through."])
def test_a_call_back_alone_commits_to_nothing(text: str) -> None:
    assert not acts_in(text, "claim")


def test_a_manager_approving_an_extension_is_refused() -> None:
    assert "grounded" in refused("A supervisor will review it and approve your extension.", "subscription-payment-extension",
                                 customer=("bronze, 5 days late",))


# ---- a fix said as done; condescension (policy v12) ----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Our Website Team has already fixed it, so search should work now.",
    "The search has been fixed now, so please try again.",
    "Notre équipe web a déjà corrigé le problème.",
    "Unser Web-Team hat den Fehler bereits behoben.",
    "Nuestro equipo web ya lo ha solucionado.",
])
def test_a_fix_said_as_done_is_forbidden(text: str) -> None:
    assert "forbidden" in refused(text, "site-search-not-working")


@pytest.mark.parametrize("text", [
    "I'll report it to our Website Team so they can fix it.",
    "Once our Website Team has fixed it, search should work again.",
])
def test_a_fix_reported_or_awaited_is_not_forbidden(text: str) -> None:
    assert "forbidden" not in refused(text, "site-search-not-working")


@pytest.mark.parametrize("text", [
    "It's honestly not complicated, Stan.",
    "Even you should be able to manage that.",
    "Honestly, a child could follow these steps.",
    "Incluso usted puede entenderlo.",
    "Zelfs u kunt dat volgen.",
])
def test_condescension_is_a_tone_finding(text: str) -> None:
    assert "tone" in refused(text, "returns-membership-windows")


@pytest.mark.parametrize("text", [
    "It's not complicated: log out and back in, then clear your cookies.",
    "Even if you don't have the receipt, Gold members can return items at any time.",
])
def test_a_reassurance_is_no_condescension(text: str) -> None:
    assert "tone" not in refused(text, "returns-membership-windows", "site-search-not-working")


# ---- a commitment in the other case ("If it wasn't, ...") for a level the source denies it ------------------


@pytest.mark.parametrize("text,customer", [
    ("If it wasn't, I can still remove it for Bronze members.", "bronze, extra $6 fee"),
    ("If it wasn't our error, I'll remove it anyway.", "bronze member, extra $6 fee"),
])
def test_a_commitment_in_the_case_the_source_denies_the_level_is_refused(text: str, customer: str) -> None:
    assert "grounded" in refused(text, "orders-mystery-fee", customer=(customer,))


@pytest.mark.parametrize("text,customer", [
    ("If it wasn't, I'll still remove it for Silver members.", "silver, extra $6 fee"),
    ("If it was, I'll remove it and update your order.", "bronze member, extra $6 fee"),
])
def test_a_commitment_in_a_case_the_source_grants_passes(text: str, customer: str) -> None:
    assert "grounded" not in refused(text, "orders-mystery-fee", customer=(customer,))
