"""Issue 13, round 18a: a reply written in another language is read in English before it is checked.

* A faithful reply in Spanish, French, German, Portuguese or Italian whose facts (prices like "10 $",
  a prepaid gift card by post, limits like "12 caracteres", a level's window) are what one passage of
  the cited article says is used (:mod:`service.guardrails.other_languages` glosses it word by word).
* The same reply with a wrong figure, a promised refund, an approval, a free item or another level's
  window is refused, as it would be in English; a sentence with words the glossary cannot read is refused.
* An e-mail in another language opens with its own greeting ("Bonjour Léa,") and ends with its own
  sign-off ("Cordialement,").
"""

from __future__ import annotations

import pytest

from service.guardrails.other_languages import glossed, reply_language
from tests.test_guardrails import check, failed

EXTRAS = "store-pricing-extras"
METHODS = "refunds-refund-methods"
WINDOWS = "returns-membership-windows"
NAMES = {"first_name": "Lucía", "order_id": "NW-58001"}


@pytest.mark.parametrize("text,article", [
    ("¡Claro, Lucía! Bordar un nombre o unas iniciales en camisas, chaquetas y bolsos elegibles cuesta 10 $ por artículo, "
     "con un máximo de 12 caracteres. Ten en cuenta que los artículos personalizados se fabrican por encargo.", EXTRAS),
    ("Bien sûr, Lucía ! Le remboursement peut prendre la forme d'une carte cadeau Northwind prépayée, envoyée par courrier. "
     "Il me faut simplement votre adresse postale complète (rue, ville, État et code postal) pour savoir où l'envoyer.", METHODS),
    ("Bien sûr, Lucía ! Le papier cadeau coûte 5 $ par article, et la carte de message est incluse sans frais.", EXTRAS),
    ("Bonjour Lucía ! La livraison express coûte 20 $ par commande, et ces frais sont annulés pour les membres Gold.", EXTRAS),
    ("Gerne, Lucía. Das Besticken mit Namen oder Initialen kostet 10 $ pro Artikel, bis zu 12 Zeichen.", EXTRAS),
    ("Claro, Lucía! Pedidos a partir de 75 $ têm frete padrão grátis.", EXTRAS),
    ("Certo, Lucía! La confezione regalo costa 5 $ per articolo.", EXTRAS),
    ("Claro, Lucía. Los miembros Silver pueden devolver un artículo comprado en los últimos 6 meses.", WINDOWS),
    ("Bien sûr, Lucía ! Les membres Bronze peuvent retourner un article acheté dans les 90 derniers jours.", WINDOWS),
    ("Claro, Lucía! O reembolso pode ser um cartão-presente Northwind pré-pago, enviado pelo correio.", METHODS),
])
def test_a_faithful_reply_in_another_language_passes(text: str, article: str) -> None:
    assert not failed(check(text, article, facts=NAMES))


@pytest.mark.parametrize("text,article", [
    ("¡Claro, Lucía! Bordar un nombre o unas iniciales en un bolso elegible cuesta 15 $ por artículo, con un máximo de 12 caracteres.", EXTRAS),
    ("Bien sûr, Lucía ! Le papier cadeau coûte 5 $ par article, mais je vais vous rembourser les frais.", EXTRAS),
    ("Bonjour Lucía ! La livraison express coûte 20 $ par commande, et ces frais sont annulés pour les membres Silver.", EXTRAS),
    ("Gerne, Lucía. Das Besticken mit Namen oder Initialen kostet 14 $ pro Artikel, bis zu 12 Zeichen.", EXTRAS),
    ("Claro, Lucía! Pedidos a partir de 50 $ têm frete padrão grátis.", EXTRAS),
    ("Certo, Lucía! La confezione regalo è gratuita per tutti i membri.", EXTRAS),
    ("Certo, Lucía. Il ricamo del nome costa 10 $ per articolo, fino a 20 caratteri.", EXTRAS),
    ("Claro, Lucía. Los miembros Bronze pueden devolver un artículo comprado en los últimos 6 meses.", WINDOWS),
    ("Bien sûr, Lucía ! Les invités peuvent retourner un article acheté dans les 90 derniers jours.", WINDOWS),
    ("Por supuesto, Lucía. Le enviaremos hoy una tarjeta de regalo Northwind prepagada de 50 $ gratis.", METHODS),
    ("Bien sûr, Lucía ! Votre remboursement est approuvé et la carte cadeau vous sera envoyée demain.", METHODS),
    ("Claro, Lucía! Vamos reembolsar hoje com um cartão-presente Northwind pré-pago.", METHODS),
    # words the glossary cannot read are never let through unread
    ("Bien sûr, Lucía ! Je vous garantis personnellement un geste commercial sur la carte cadeau.", METHODS),
])
def test_the_same_reply_with_a_wrong_fact_or_a_promise_is_refused(text: str, article: str) -> None:
    assert "grounded" in failed(check(text, article, facts=NAMES))


@pytest.mark.parametrize("text,language", [
    ("Bordar un nombre cuesta 10 $ por artículo, con un máximo de 12 caracteres.", "es"),
    ("Le remboursement peut prendre la forme d'une carte cadeau prépayée.", "fr"),
    ("Das Besticken kostet 10 $ pro Artikel.", "de"),
    ("Pedidos a partir de 75 $ têm frete padrão grátis.", "pt"),
    ("La confezione regalo costa 5 $ per articolo.", "it"),
    ("Name stitching is $10 per item, up to 12 characters, and gift wrap is $5 per item.", "en"),
    ("Or the gift card, if you prefer: it comes by mail.", "en"),
    ("Hi Léa, the return window is 90 days for Bronze members.", "en"),
])
def test_the_reply_language_is_read_from_its_words(text: str, language: str) -> None:
    assert reply_language(text) == language


def test_amounts_are_read_the_english_way_and_levels_before_members() -> None:
    english, unread = glossed("Les membres Gold paient 10,50 $ par article.", "fr", ["Gold"])
    assert "$10.50" in english and "Gold members" in english
    assert unread == ["paient"]


@pytest.mark.parametrize("text,ok", [
    ("Bonjour Lucía,\n\nLes commandes de 75 $ ou plus ont la livraison standard gratuite.\n\nCordialement,\nL'équipe Northwind Apparel", True),
    ("Hola Lucía:\n\nEl envío estándar cuesta 8 $ por pedido.\n\nSaludos,\nEl equipo de Northwind Apparel", True),
    ("Lucía, les commandes de 75 $ ou plus ont la livraison standard gratuite.", False),
])
def test_an_email_in_another_language_has_its_own_greeting_and_sign_off(text: str, ok: bool) -> None:
    report = check(text, EXTRAS, channel="email", facts=NAMES)
    assert ("channel" not in failed(report)) is ok


@pytest.mark.parametrize("text", [
    "A few things Silver adds over Bronze: returns within 6 months, where Bronze has 90 days; unexplained extra fees removed.",
    "Bronze has 90 days, Silver 6 months, Gold no limit.",
    "Gold gets free overnight upgrades over Silver and Bronze.",
])
def test_a_short_english_reply_naming_levels_is_read_as_english(text: str) -> None:
    """Level names glossed to themselves ("bronze" -> "Bronze") and words other languages share with
    English are no sign of another language (after merging: a test of round 10d read as French)."""
    assert reply_language(text) == "en"


@pytest.mark.parametrize("text,language", [
    ("Los miembros Bronze tienen 90 días para devolver un artículo.", "es"),
    ("Les membres Bronze ont 90 jours pour retourner un article.", "fr"),
])
def test_a_reply_in_another_language_naming_a_level_is_still_read_as_that_language(text: str, language: str) -> None:
    assert reply_language(text) == language
