"""Keyword (sparse) vectors from Qdrant's own BM25 (``qdrant_edge.Bm25``): the tokenizer,
Snowball stemmer and stop words the Qdrant engine uses, for the language of the article.

The same vectors go to both index adapters (embedded Qdrant Edge and a Qdrant server), and
the IDF part of BM25 is applied by the engine at search time (the ``Idf`` modifier).
"""

from __future__ import annotations

import threading

import qdrant_edge as edge

from service.ports import SparseVector

LANGUAGES = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "hu": "hungarian", "id": "indonesian",
    "it": "italian", "nb": "norwegian", "nl": "dutch", "nn": "norwegian", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
}
"""BCP 47 primary language subtag -> the BM25 language (stop words and Snowball stemmer)."""
NEUTRAL = ""
"""No stop words and no stemming: for locales whose language the engine has no analyser for."""


def language_of(locale: str | None, default: str = "en") -> str:
    """``en-US`` -> ``english``; an unknown language -> :data:`NEUTRAL`."""
    tag = (locale or default).replace("_", "-").split("-")[0].lower()
    return LANGUAGES.get(tag, NEUTRAL)


class EngineBm25:
    """One BM25 model per language, built on first use."""

    def __init__(self, default_locale: str = "en") -> None:
        self.default_locale = default_locale
        self._models: dict[str, edge.Bm25] = {}
        self._lock = threading.Lock()

    def _model(self, locale: str | None) -> edge.Bm25:
        language = language_of(locale, self.default_locale)
        model = self._models.get(language)
        if model is None:
            with self._lock:
                model = self._models.get(language)
                if model is None:
                    if language == NEUTRAL:
                        config = edge.Bm25Config(stopwords=edge.StopwordsSet(custom=set()), stemmer=edge.DisabledStemmer())
                    else:
                        config = edge.Bm25Config(language=language)
                    model = self._models[language] = edge.Bm25(config)
        return model

    def document(self, text: str, locale: str | None = None) -> SparseVector:
        v = self._model(locale).embed_document(text)
        return SparseVector(list(v.indices), list(v.values))

    def query(self, text: str, locale: str | None = None) -> SparseVector:
        v = self._model(locale).embed_query(text)
        return SparseVector(list(v.indices), list(v.values))
