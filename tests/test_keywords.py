"""Keyword vectors come from the engine's BM25, analysed in the language of the article."""

from __future__ import annotations

from service.adapters.bm25 import EngineBm25, language_of
from service.ports import SearchFilters

FRENCH = """---
id: fr-remboursements
title: Délais de remboursement
status: approved
version: 1
locale: fr-FR
effective_from: 2025-01-01
review_by: 2027-12-31
---
# Délais de remboursement

Les remboursements des selles pour chevaux sont versés sur la carte utilisée lors de l'achat.
"""


def test_the_locale_picks_the_analyser():
    assert (language_of("en-US"), language_of("fr_CA"), language_of("pt-BR"), language_of("ja-JP")) == ("english", "french", "portuguese", "")
    bm25 = EngineBm25()
    # French stemming: "chevaux" and "cheval" meet, and "les" is a stop word; not in English
    assert bm25.document("les chevaux", "fr-FR").indices == bm25.query("cheval", "fr-FR").indices
    english = bm25.document("les chevaux", "en-US").indices
    assert len(english) == 2 and not set(bm25.query("cheval", "en-US").indices) & set(english)
    # English stop words are dropped in English only; an unknown language keeps every word
    assert bm25.query("the", "en-US").indices == [] and bm25.query("the", "ja-JP").indices != []
    assert set(bm25.query("refunds", "en").indices) == set(bm25.query("refund", "en").indices)


async def test_a_french_article_is_found_by_a_french_keyword_query(client):
    knowledge = client.app.state.container.knowledge
    await knowledge.ingest_text("acme", FRENCH)
    # found only if the article was analysed in French ("chevaux" -> "cheval"), as the query is
    hits = await knowledge.search("acme", "cheval", top_k=3, mode="sparse", filters=SearchFilters(locale="fr-FR"))
    assert [h.article_id for h in hits][:1] == ["fr-remboursements"]
