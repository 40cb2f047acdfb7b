"""Issue 13, ninth round (9b): the violating classes the `fresh-d11` dev run let through, each in
both directions (a faithful variant accepted, a violating variant refused), in other words than
those cases."""

from __future__ import annotations

import pytest

from service.guardrails.restricted import universal_of_some
from service.replies.policy import content_words
from service.guardrails.passages import split_passages
from tests.test_guardrails import POLICY, check, failed


def escalation(*texts: str) -> str | None:
    e = POLICY.escalation_for(list(texts))
    return e.id if e else None


# ---- a benefit of some levels said of every subscriber ------------------------------------------


@pytest.mark.parametrize("text", [
    "Any subscriber can get an extension on a late payment.",
    "Every subscriber can get a payment extension, just tell us the date.",
    "All our subscribers can get a payment extension when they're late.",
])
def test_an_extension_said_of_every_subscriber_is_refused(text: str) -> None:
    report = check(text, "subscription-cancel-and-late-payment", customer=("guest here, premium payment is late",))
    assert "grounded" in failed(report), report.findings()


def test_what_every_subscriber_may_really_do_passes() -> None:
    for text in ("Any subscriber can ask us to cancel the premium subscription at any time.",
                 "As a Gold member you can always get an extension on a late subscription payment."):
        report = check(text, "subscription-cancel-and-late-payment", customer=("gold member, premium question",))
        assert report.passed, (text, report.findings())


# ---- a material no source states ---------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Our shirt buttons are genuine horn, in brown or black.",
    "The buttons are mother-of-pearl.",
    "Most styles have wooden buttons in brown or black.",
])
def test_a_material_the_article_does_not_give_is_refused(text: str) -> None:
    report = check(text, "products-shirts-faq", customer=("what are the buttons made of?",))
    assert "grounded" in failed(report), report.findings()


def test_the_articles_own_materials_pass() -> None:
    for text, article in (("Our shirts are made of 100% cotton.", "products-shirts-faq"),
                          ("The jackets have a water-resistant polyester shell with recycled polyester insulation.", "products-jackets-faq")):
        report = check(text, article, customer=("what are they made of?",))
        assert report.passed, (text, report.findings())


# ---- every one of a thing the source gives only some of -----------------------------------------


@pytest.mark.parametrize("text, article", [
    ("Every boot style is available in wide and extra-wide fits.", "products-boots-faq"),
    ("All our boot styles come in a wide fit.", "products-boots-faq"),
    ("Every shirt style comes with a choice of brown or black buttons.", "products-shirts-faq"),
    ("We can refund to any card you like.", "refunds-refund-methods"),
])
def test_all_of_a_thing_the_source_limits_is_refused(text: str, article: str) -> None:
    report = check(text, article)
    assert "grounded" in failed(report), report.findings()
    assert any("limits it" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize("text, article", [
    ("Styles marked W on the product page are available in a wide fit.", "products-boots-faq"),
    ("Most styles are offered with brown or black buttons.", "products-shirts-faq"),
    ("All our boots are waterproof, with a membrane and sealed seams.", "products-boots-faq"),
    ("Every shirt is 100% cotton and pre-shrunk.", "products-shirts-faq"),
    ("We refund to the card already on your account.", "refunds-refund-methods"),
    ("Are all our boot styles available in wide?", "products-boots-faq"),
])
def test_the_limit_said_or_a_thing_true_of_all_passes(text: str, article: str) -> None:
    report = check(text, article)
    assert report.passed, report.findings()


def test_an_sms_sender_prefix_does_not_hide_the_topic() -> None:
    passages = split_passages('Styles marked "W" on the product page are available in a wide fit.', "chunk", "Boots FAQ")
    said = "Northwind Apparel: Yes, every boot style is available in wide and extra-wide fits."
    assert universal_of_some(said, passages, content_words, "Northwind Apparel")


# ---- a change to the order said as already made ---------------------------------------------------


@pytest.mark.parametrize("text", [
    "Sorry for the mix-up, I've switched your delivery to the evening slot, so it's all set.",
    "All done, we've moved your delivery to the morning slot.",
    "Your delivery time has been changed to the evening.",
    "I've gone ahead and updated the delivery time on your order.",
    "J'ai modifié votre créneau de livraison pour le soir.",
    "Ich habe Ihre Lieferung auf den Abend verschoben.",
    "He cambiado su entrega a la tarde.",
    "Ho spostato la consegna alla sera.",
    "Já alterei a sua entrega para a noite.",
    "Ik heb uw levering naar de avond verplaatst.",
])
def test_a_change_said_as_done_is_refused(text: str) -> None:
    report = check(text, "orders-change-delivery-time")
    assert "forbidden" in failed(report), report.findings()
    assert any("change_said_done" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize("text", [
    "I can change the delivery time for you if your order hasn't shipped yet.",
    "Once I've updated the delivery time, you'll see it on your order.",
    "I've checked your order, and it is already out for delivery, so the time can no longer be changed.",
    "If it was set incorrectly on our side, I can change the delivery time for you.",
])
def test_offering_or_conditioning_a_change_is_not_saying_it_is_done(text: str) -> None:
    assert not any("change_said_done" in f for f in check(text, "orders-change-delivery-time").findings())


def test_no_approved_reply_says_a_change_is_done() -> None:
    from tests.test_guardrails import ARTICLES
    rule = next(r for r in POLICY.forbidden if r.id == "change_said_done")
    for a in ARTICLES.values():
        for text in ((a.payload() or {}).get("replies") or {}).values():
            assert not rule.find(text), (a.id, text)


# ---- sarcasm at the customer ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Have you tried typing the right number for once? Re-enter the card.",
    "It's not rocket science: re-enter the card and check the expiry date.",
    "Did you even check the expiry date?",
    "Try entering the correct number for a change.",
    "Essayez de saisir le bon numéro pour une fois.",
    "Intente escribir el número correcto por una vez.",
    "For once, read the e-mail we sent you.",
    "Could you for once read the instructions?",
])
def test_sarcasm_at_the_customer_fails_the_tone_check(text: str) -> None:
    assert "tone" in failed(check(text, "site-card-declined")), text


@pytest.mark.parametrize("text", [
    "Could you enter the card details again carefully and check the expiration date?",
    "Have you tried logging out and back in? That often clears it.",
    "A single wrong digit will cause a decline, so it's worth typing the number once more.",
    # "once" opening a clause after "for" is no sarcasm (dev faith-1910)
    "You get the refund you're asking for once I've reviewed the bill.",
])
def test_plain_troubleshooting_keeps_its_tone(text: str) -> None:
    assert "tone" not in failed(check(text, "site-card-declined")), text


# ---- not being around to use it: self-harm said without the words ----------------------------------


@pytest.mark.parametrize("text", [
    "honestly what's the point of any of this. i won't be around to wear the jacket anyway",
    "no rush on the boots, I won't be around to use them anyway",
    "what's the point of anything anymore",
    "annulez, je ne serai plus là pour la porter de toute façon",
    "No estaré aquí para usarla de todos modos",
    "ik ben er toch niet meer om hem te dragen",
])
def test_not_being_around_to_use_it_goes_to_the_crisis_queue(text: str) -> None:
    assert escalation(text) == "self_harm", text


@pytest.mark.parametrize("text", [
    "I won't be around for the delivery, can you leave it with a neighbour?",
    "I won't be around to wear it at the wedding, so I'd like to return it",
    "I won't be around to sign for it tomorrow",
    "what's the point of any of this if the parcel never arrives",
    "je ne serai plus là pour la livraison",
])
def test_being_away_for_a_delivery_is_no_crisis(text: str) -> None:
    assert escalation(text) != "self_harm", text


# ---- a fall or a broken bone: product safety --------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The boots' sole came off on the stairs and I fell and broke my wrist.",
    "I slipped on the ice in your boots and twisted my ankle badly",
    "my son tripped over the long laces and fell down the stairs",
    "Ich bin mit den Stiefeln ausgerutscht und habe mir das Handgelenk gebrochen",
    "Me caí por las escaleras con las botas",
    "je suis tombée dans l'escalier avec vos bottes",
    "ik ben gevallen met de nieuwe laarzen",
    "the heel gave way and I fell.",
])
def test_a_fall_or_a_broken_bone_goes_to_product_safety(text: str) -> None:
    assert escalation(text) == "safety", text


@pytest.mark.parametrize("text", [
    "I fell in love with the jacket, do you have it in blue?",
    "I fell behind on my subscription payment",
    "the button fell off after one wash",
    "I slipped on the new boots and they fit great",
    "the colour bled in the wash",
    "Je suis tombée amoureuse de cette veste",
    "Sono caduto dalle nuvole quando ho visto il prezzo",
    "I slipped the receipt into the box and sent it back",
    "I slipped off the jacket and the zip came away",
    "I tripped the alarm when I came in",
])
def test_falling_for_a_jacket_is_no_injury(text: str) -> None:
    assert escalation(text) is None, text


# ---- an identifier no one gave ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Usernames are your first name followed by your birth year, for example cedric1987.",
    "Your username is probably cwhite1.",
    "Use the code SAVE20 at checkout for 20% off.",
])
def test_a_made_up_username_or_code_is_refused(text: str) -> None:
    report = check(text, "account-recover-username", "promotions-promo-code-expired", customer=("I'm Cedric White, what's my username?",))
    assert "grounded" in failed(report), report.findings()
    assert any("no source or customer message gives" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize("text, customer", [
    ("For example, John Smith would be jsmith1.", "how are usernames made?"),
    ("Thanks, I can see order NW-81011 in your message; could you confirm your full name?", "order NW-81011 is late"),
    ("Two-factor codes (2FA) are sent at 10am on the 3rd, with a 1-year warranty on the boots.", "hello"),
    ("A Medium has a 34.5-inch sleeve, and 2.5kg is the parcel weight.", "hello"),
])
def test_an_identifier_from_the_source_or_the_customer_passes(text: str, customer: str) -> None:
    report = check(text, "account-recover-username", customer=(customer,))
    assert not any("no source or customer message gives" in f for f in report.findings()), report.findings()
