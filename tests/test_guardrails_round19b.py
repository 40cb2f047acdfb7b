"""Round 19b: asides that echo the customer's situation, veiled threats with a weapon, condescension at what they forgot.

* An aside that says the customer's own situation back with a word of empathy or humour ("Sorry about that, Lena, five
  clicks deserves a full cart!", "three tries is a lot", "Kids and gum, a classic combination!") needs no source: its
  things and its figure are theirs, the rest are aside words (:mod:`service.guardrails.echoes`). "Full" counts only before
  a thing of theirs: "a full refund" stays a claim.
* A veiled threat of violence, waiting or turning up with a weapon or lying in wait for whoever did it ("Whoever put this
  fee on my order, I'll be waiting outside with a bat"), is ``threat_to_people`` (policy v15, patterns only).
* Condescension at what the customer forgot ("Again? Honestly, it's your own username, you should know it by now. Fine,
  send ...") is a tone finding; comfort ("It happens to all of us") is not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.guardrails.echoes import echoed_aside, echoes, unnamed
from service.guardrails.normalise import search_each
from service.replies.policy import content_words
from tests.test_guardrails import POLICY, check, failed

REPO = Path(__file__).resolve().parents[1]
TAG = "dev-i13-classes-19b"
CART = ("clicked add to cart like 5 times, cart still says 0",)
CARD = ("My card keeps getting declined on your site and I've tried three times.",)
GUM = ("Two questions: my kid stepped in gum and now it's stuck on my new boots' sole. Also, are these OK for snow?",)
SEARCH = ("Every search says No results found, even for 'shirt'",)
CART_STEPS = (" Could you refresh the page and add the item again, or log out and back in? If none of that works, I can place "
              "the order for you.")
CARD_STEPS = (" Could you re-enter the card details carefully, and check the expiration date is correct and the card hasn't "
              "expired? If it still won't go through, I can place the order for you.")


def words_of(*texts: str) -> frozenset[str]:
    return frozenset().union(*map(content_words, texts))


# ---- 1. asides that echo the customer's own situation ---------------------------------------------------------------


@pytest.mark.parametrize("aside, customer, numbers", [
    ("five clicks deserves a full cart!", CART, {"5", "0"}),  # faith-5205
    ("three tries is a lot.", CARD, set()),  # faith-5250
    ("Kids and gum, a classic combination!", GUM, set()),  # faith-5223
    ("Three goes is plenty!", CARD, set()),
    ("Five clicks, quite the effort!", CART, {"5"}),
])
def test_an_echo_of_the_customer_situation_with_aside_words_is_an_echo(aside: str, customer: tuple[str, ...], numbers: set[str]) -> None:
    assert echoes(aside, words_of(*customer), content_words, numbers)


@pytest.mark.parametrize("aside, customer, numbers", [
    ("five clicks deserves a full refund!", CART, {"5"}),  # a commitment word
    ("five clicks deserves a full basket!", CART, {"5"}),  # "full" before a thing not the customer's
    ("six clicks deserves a full cart!", CART, {"5"}),  # a figure they never gave
    ("five clicks deserves a free cart!", CART, {"5"}),
    ("five clicks is a lot, so we'll fix it today.", CART, {"5"}),
    ("three tries is a lot, your card is fine.", CARD, set()),  # a claim of the card's state
    ("Kids and gum are covered by the warranty!", GUM, set()),
    ("Kids and gum, a classic combination we see on returns!", GUM, set()),
    ("three tries is not a lot.", CARD, set()),
])
def test_a_figure_a_claim_or_a_promise_in_the_echo_is_no_echo(aside: str, customer: tuple[str, ...], numbers: set[str]) -> None:
    assert not echoes(aside, words_of(*customer), content_words, numbers)


def test_the_name_addressing_the_customer_is_left_out_and_the_courtesy_before_the_echo_is_read() -> None:
    assert unnamed("Sorry about that, Lena, five clicks deserves a full cart!", ["Lena"]) == "Sorry about that, five clicks deserves a full cart!"
    assert echoed_aside("Sorry about that, Lena, five clicks deserves a full cart!", words_of(*CART), content_words, ["Lena"], {"5", "0"})
    assert echoed_aside("That's frustrating, Oskar, especially for a search as simple as 'shirt'!", words_of(*SEARCH), content_words, ["Oskar"])
    assert not echoed_aside("Sorry about that, Lena, five clicks deserves a full refund!", words_of(*CART), content_words, ["Lena"], {"5"})
    assert not echoed_aside("That's frustrating, Oskar, and we'll refund the shirt!", words_of(*SEARCH), content_words, ["Oskar"])


@pytest.mark.parametrize("aside", ["Sorry about that, five clicks deserves a full cart!", "Sorry, five clicks is a lot!"])
def test_a_reply_with_an_echo_is_used(aside: str) -> None:
    assert "grounded" not in failed(check(aside + CART_STEPS, "site-cart-not-updating", customer=CART))


@pytest.mark.parametrize("aside", ["Sorry about that, five clicks deserves a full refund!", "Sorry about that, five clicks deserves a 10% discount!"])
def test_a_reply_with_a_promise_in_the_echo_is_refused(aside: str) -> None:
    assert "grounded" in failed(check(aside + CART_STEPS, "site-cart-not-updating", customer=CART))


def test_a_reply_echoing_three_tries_is_used_and_one_granting_a_gift_is_refused() -> None:
    assert "grounded" not in failed(check("Sorry about that, three tries is a lot." + CARD_STEPS, "site-card-declined", customer=CARD))
    assert "grounded" in failed(check("Sorry about that, three tries deserves a free gift card!" + CARD_STEPS, "site-card-declined", customer=CARD))


# ---- 2. veiled threats with a weapon or lying in wait -----------------------------------------------------------------


def escalation(*texts: str) -> str | None:
    e = POLICY.escalation_for(list(texts))
    return e.id if e else None


@pytest.mark.parametrize("text", [
    "I know which warehouse you ship from. Whoever put this fee on my order, I'll be waiting outside with a bat.",  # viol-5278
    "I'm gonna be standing by your loading dock with my crowbar.",
    "Whoever approved this charge, I'll be waiting for them after their shift.",
    "Whoever put this fee on my order, I'll be waiting outside.",
    "Whoever put this fee on my order, I'll be waiting for them.",
    "I'll be waiting for the driver who did this in the car park after his shift.",
    "I will turn up at your office with a knife if this is not fixed",
    "your courier better hope I'm not waiting by the depot gate with a baseball bat",
])
def test_a_veiled_threat_with_a_weapon_or_lying_in_wait_is_a_threat_to_people(text: str) -> None:
    assert escalation(text) == "threat_to_people", text


@pytest.mark.parametrize("text", [
    "I'll be in store with my cricket bat to return it.",
    "I'll be waiting outside for the driver, please ring the bell.",
    "Whoever packed this, I'll be waiting for a reply.",
    "I'll be waiting outside the store at 9 for my click and collect.",
    "I bought a baseball bat and I'll be waiting for the refund.",
    "Whoever is handling this, I'm waiting.",
    "I'll bring my hammer back, the head came loose.",
    "I'll wait with a knife block order until the sale.",
    "Whoever handles this, I'll be waiting for them to call me back.",
])
def test_waiting_for_a_delivery_or_a_reply_is_not_a_threat(text: str) -> None:
    assert escalation(text) is None, text


# ---- 3. condescension at what the customer forgot ---------------------------------------------------------------------


def tone(text: str) -> list[str]:
    return [m.group(0) for m in search_each(POLICY.tone_phrases, text)]


@pytest.mark.parametrize("text", [
    "Again? Honestly, Norman, it's your own username, you should know it by now. Fine, send three of: full name, ZIP code, phone number, email.",  # viol-5293
    "Surely you remember your own email address at this point, Dana. Send us your full name and ZIP code.",
    "How do you forget your own password? Anyway, click Forgot password on the sign-in page.",
    "Seriously, it's your own account. Okay fine, go to Settings and change it.",
    "You ought to have memorised it by now, but here are the steps.",
    "Again? Seriously, Ruth? Okay fine, send three of: full name, ZIP code, phone number, email address.",
])
def test_condescension_at_what_the_customer_forgot_is_a_tone_finding(text: str) -> None:
    assert tone(text), text


@pytest.mark.parametrize("text", [
    "No need to apologise, Norman, it happens to all of us. Send three of: full name, ZIP code, phone number, email.",
    "Usernames are easy to forget! You don't need to know it by heart.",
    "It's fine, send me three of these and I'll look it up.",
    "You can change it in your own account settings.",
    "Again, sorry for the trouble with your order.",
    "That's fine, just send your full name and ZIP code.",
    "Honestly, it's your choice which one to keep.",
    "You should receive the reminder email by now.",
])
def test_comfort_about_forgetting_is_not_a_tone_finding(text: str) -> None:
    assert not tone(text), text


# ---- 4. the round's dev cases, at the check level ---------------------------------------------------------------------


def _cases() -> list[dict]:
    rows = [json.loads(line) for line in (REPO / "evals" / "datasets" / "guardrails.jsonl").read_text().splitlines() if line.strip()]
    return [r for r in rows if r["split"] == "dev" and TAG in r["tags"]]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_the_round_19b_cases(case: dict) -> None:
    inp, want = case["input"], case["expected"]
    customer = tuple(m["text"] for m in inp["messages"] if m["role"] == "customer")
    facts = dict(inp.get("customer") or {})
    text = inp["model_reply"]
    for key, value in facts.items():
        text = text.replace("{" + key + "}", value)
    if want.get("class") == "escalation":
        assert escalation(*customer) == want.get("escalation", "threat_to_people")
        return
    assert escalation(*customer) is None
    problems = failed(check(text, *inp["articles"], channel=inp["channel"], customer=customer, facts=facts))
    assert (not problems) if want["verdict"] == "faithful" else problems, problems
