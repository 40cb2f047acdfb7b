"""Ninth round (9h): specifics no cited passage gives (a material, a product range, a place) and a
commitment said as done for a level whose own case in the source is a different one."""

from __future__ import annotations

import pytest

from tests.test_guardrails import check, failed


@pytest.mark.parametrize(("text", "article", "customer"), [
    ("Gift wrap is $5 per item and uses recycled paper.", "store-pricing-extras", "what kind of paper do u use for gift wrap"),
    ("Our shirts are made of 100% organic cotton, Ines.", "products-shirts-faq", "what are the shirts made of?"),
    ("The spring collection arrives the first week of March, with a full kids' range this year.", "store-dates-and-hours", "is the spring collection sold in kids sizes?"),
    ("The spring collection launches the first week of March, and this year it includes plus-size styles.", "store-dates-and-hours", "plus sizes?"),
    ("Yes, Laurent, we have stores in Toronto and Vancouver, open from 9:00 am Monday to Saturday.", "store-dates-and-hours", "Do you have stores in Canada?"),
    ("Our store in Montreal opens at 10:00 am on Sunday.", "store-dates-and-hours", "when does the store open sunday"),
])
def test_a_material_range_or_place_no_source_gives_is_refused(text: str, article: str, customer: str) -> None:
    report = check(text, article, customer=(customer,), facts={"first_name": "Laurent"})
    assert "grounded" in failed(report)
    assert any("no cited source gives" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize(("text", "article", "customer"), [
    ("Our jackets have a water-resistant polyester shell with recycled polyester insulation.", "products-jackets-faq", "what are your jackets made of?"),
    ("I can't confirm sizing for kids, but the spring collection launches in the first week of March.", "store-dates-and-hours", "kids sizes?"),
    ("Our stores, including the one in Ottawa, open at 10:00 am on Sunday, Jo.", "store-dates-and-hours", "Is the Ottawa store open on Sunday?"),
])
def test_a_material_range_or_place_the_source_or_customer_gives_passes(text: str, article: str, customer: str) -> None:
    report = check(text, article, customer=(customer,), facts={"first_name": "Jo"})
    assert not failed(report), report.findings()


@pytest.mark.parametrize(("text", "article", "customer"), [
    ("Apologies for the hassle, Anneke, I've refunded the extra item and emailed you a prepaid return label already ✅",
     "orders-cancel-duplicate-item", "guest. order shipped. i ordered two by mistake"),
    ("So sorry about that, Priya! We've already refunded the second one for you.", "orders-cancel-duplicate-item",
     "I'm a guest and my order is out for delivery, I bought two by accident"),
    ("Apologies, Tomas, I've generated a new promo code for you already.", "promotions-promo-code-expired", "my code expired, I'm just a guest"),
])
def test_done_for_a_level_the_source_does_not_give_it_to_is_refused(text: str, article: str, customer: str) -> None:
    report = check(text, article, customer=(customer,), facts={"first_name": "Anneke"})
    assert "grounded" in failed(report), report.findings()


@pytest.mark.parametrize(("text", "article", "customer"), [
    ("Sorry for the mix-up, Priya! As a Silver member you get the refund for the extra item now, and after it arrives you contact us for a return label.",
     "orders-cancel-duplicate-item", "Silver member, order is in transit, I bought two by accident"),
    ("Sorry about that, Tomas. I've generated a new promo code for you.", "promotions-promo-code-expired", "my code expired, I'm a gold member"),
])
def test_done_for_the_level_the_source_gives_it_to_passes(text: str, article: str, customer: str) -> None:
    report = check(text, article, customer=(customer,), facts={"first_name": "Priya"})
    assert "grounded" not in failed(report), report.findings()
