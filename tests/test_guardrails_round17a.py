"""Issue 13, round 17a: rudeness in any wording is refused; light humour with no policy fact is used.

* Blame handed to the customer ("ordering the wrong size is your own fault", "an error on your part"),
  dismissive advice that sends them away ("If it's cheaper there, shop there", "go elsewhere then") and
  sarcasm about their equipment or competence ("a computer from this decade", "maybe learn to use a
  computer") are tone findings; the polite equivalents ("it's not your fault", "I understand if you'd
  rather buy it elsewhere", "it may be your internet connection") are not.
* A joke about the customer's situation or taste that says nothing of the shop ("Ha, the floor-sweeping
  look isn't for everyone!", "Nobody wants soggy hems!") needs no source; a joke that states a fee or a
  status ("Ha, hemming is on the house!", "Ha, it's already on its way!") is a claim as before.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from service.guardrails.courtesy import is_conversational
from service.guardrails.humour import laughed, light_humour
from service.replies.service import Conversation, Message, SuggestionService
from tests.test_guardrails import CHECKER, REPO, TODAY, check, failed, hit

RETURNS = "returns-wrong-size-or-color"
PRICING = "pricing-competitor-price"
SLOW = "site-slow-website"
JEANS = "products-jeans-faq"


# ---- 1. blame, dismissal and sarcasm are tone findings -------------------------------------------------


@pytest.mark.parametrize("text,article", [
    ("Frankly, ordering the wrong size is your own fault.", RETURNS),
    ("Honestly, picking the wrong colour was your mistake, not ours.", RETURNS),
    ("That's an error on your part, but you can return it within your membership's return window.", RETURNS),
    ("Buying the long ones was your own doing, but we hem Northwind jeans in store for $15 a pair.", JEANS),
    ("The mistake was entirely yours, so place a new order for the right size.", RETURNS),
    ("You can only blame yourself for the size, I'm afraid.", RETURNS),
    ("If it's cheaper there, Skye, shop there.", PRICING),
    ("If you found it cheaper, just buy it from them.", PRICING),
    ("Go elsewhere then, Jonas.", PRICING),
    ("Feel free to take your business elsewhere.", PRICING),
    ("Nobody's forcing you to shop with us.", PRICING),
    ("Tough luck, we don't swap items.", RETURNS),
    ("Have you tried using a computer from this decade, Warren?", SLOW),
    ("Maybe it's time to retire your ancient laptop?", SLOW),
    ("Do you even know how to use a browser?", SLOW),
    ("Maybe learn to use a computer.", SLOW),
    ("Ha, maybe learn to use a tape measure!", RETURNS),
    ("Can't you read the error message?", SLOW),
    ("If you don't like our prices, shop somewhere else.", PRICING),
    ("You can always shop elsewhere.", PRICING),
    ("Is your laptop powered by a hamster?", SLOW),
    ("That's what happens when you don't read the size guide.", RETURNS),
])
def test_rudeness_in_any_wording_is_a_tone_finding(text: str, article: str) -> None:
    assert "tone" in failed(check(text, article))


@pytest.mark.parametrize("text,article", [
    ("Please don't worry, it's not your fault.", RETURNS),
    ("That isn't your mistake at all.", RETURNS),
    ("No action is needed on your part.", RETURNS),
    ("I understand if you'd rather buy it elsewhere.", PRICING),
    ("You're welcome to compare prices elsewhere.", PRICING),
    ("I'm sorry the item is cheaper elsewhere.", PRICING),
    ("It may help to try another browser.", SLOW),
    ("If other websites are slow too, it may be your internet connection.", SLOW),
    ("Older browsers can be slow on busy pages.", SLOW),
    ("You can learn more about our styles on the jeans page.", JEANS),
    ("You could shop elsewhere for a better deal, but we don't match competitor prices.", PRICING),
    ("That's what happens when you order early: it ships first.", RETURNS),
])
def test_the_polite_equivalents_are_not_tone_findings(text: str, article: str) -> None:
    assert "tone" not in failed(check(text, article))


# ---- 2. light humour with no policy fact is conversational ---------------------------------------------


@pytest.mark.parametrize("sentence", [
    "Ha, the floor-sweeping look isn't for everyone!",
    "The dragging-hem look isn't everyone's cup of tea!",
    "Ankle-puddling jeans are a bold look!",
    "Haha, nobody wants soggy hems!",
    "Your jeans deserve better than the floor!",
    "Ha, your jeans clearly have big ambitions!",
    "Ha, long legs are a blessing and a curse!",
    "The floor-sweeping look isn't for everyone 😄",
])
def test_a_joke_about_the_customers_situation_needs_no_source(sentence: str) -> None:
    assert is_conversational(sentence)


@pytest.mark.parametrize("sentence", [
    "Ha, hemming is on the house!",
    "Ha, returns are free!",
    "Ha, it's already on its way!",
    "Haha, we hem for nothing!",
    "Ha, nobody pays for shipping!",
    "Ha, the Gold tier isn't for everyone!",
    "Ha, 30 inch inseams aren't for everyone!",
    "Express shipping isn't for everyone!",
    "It's on its way 😄",
])
def test_a_joke_that_states_a_fee_a_level_or_a_status_is_a_claim(sentence: str) -> None:
    assert not is_conversational(sentence)


def test_only_a_laugh_makes_any_short_exclamation_a_joke() -> None:
    assert laughed("Ha, your jeans clearly have big ambitions!") and light_humour("your jeans clearly have big ambitions!", laughing=True)
    assert not light_humour("your jeans clearly have big ambitions!")
    assert not light_humour("The floor-sweeping look isn't for everyone.")  # a statement, not an exclamation


@pytest.mark.parametrize("text,used", [
    ("Ha, the floor-sweeping look isn't for everyone! Yes, we hem Northwind jeans in store for $15 a pair.", True),
    ("Haha, nobody wants soggy hems! Most styles come in 30, 32 and 34 inch inseams.", True),
    ("Ha, hemming is on the house for you! Just bring them in store.", False),
])
def test_humour_through_the_checker_both_ways(text: str, used: bool) -> None:
    assert ("grounded" not in failed(check(text, JEANS, customer=("my jeans drag on the floor lol",)))) is used


# ---- 3. through the suggestion service ------------------------------------------------------------------


async def _suggest(reply: str, article: str, customer: str):
    from evals.prepared_model import PreparedChatModel
    from service.llm.gateway import LLMGateway
    from service.replies.service import Prompts
    from service.settings import LLMSettings

    gateway = LLMGateway(PreparedChatModel(reply=reply), LLMSettings(base_url="http://prepared.invalid/v1", model="m", grounding_judge=False))
    svc = SuggestionService(knowledge=SimpleNamespace(), gateway=gateway, checker=CHECKER, prompts=Prompts(REPO / "prompts"), today=lambda: TODAY)
    return await svc.suggest("t", Conversation("chat", [Message("customer", customer)]), n=2, hits=[hit(article)])


async def test_a_reply_that_blames_the_customer_is_replaced() -> None:
    result = await _suggest("Frankly, ordering the wrong size is your own fault. We don't swap items; return them within your "
                            "membership's return window and place a new order for the right size.", RETURNS, "Wrong size. Can I swap?")
    assert result.llm["outcome"] == "replaced" and all("your own fault" not in s.text for s in result.suggestions)


async def test_a_reply_that_sends_the_customer_elsewhere_is_replaced() -> None:
    result = await _suggest("If it's cheaper there, Skye, shop there. We don't match competitor prices.", PRICING, "it's cheaper at another shop, match it?")
    assert result.llm["outcome"] == "replaced"


async def test_a_reply_with_a_light_joke_is_used() -> None:
    result = await _suggest("Ha, the floor-sweeping look isn't for everyone! Yes, Liam, we hem Northwind jeans in store for $15 a pair.",
                            JEANS, "are you able to shorten jeans? all my pairs drag on the floor lol")
    assert result.llm["outcome"] == "used" and result.suggestions[0].engine == "llm"
