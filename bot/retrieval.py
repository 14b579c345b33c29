"""BM25 retrieval over short passages (job-description paragraphs, bank questions).

An index is built once per distinct set of documents (`index_for`): a role version's
job-description passages and its question bank are the same for every interview and every
candidate question, and building costs far more than searching.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from rank_bm25 import BM25Okapi

from bot.text import terms


@dataclass(frozen=True)
class Hit:
    index: int
    score: float
    matched: frozenset[str]


class Bm25Index:
    """Ranks documents against a query; ties keep document order, so results are deterministic."""

    def __init__(self, documents: list[str]) -> None:
        self._docs = [terms(d) for d in documents]
        # BM25Okapi divides by the corpus size; an empty corpus still needs one (empty) doc.
        self._bm25 = BM25Okapi(self._docs or [[]])
        self._vocabulary = frozenset(t for doc in self._docs for t in doc)

    def knows(self, term: str) -> bool:
        """Whether any document holds `term` (a term from `bot.text.terms`)."""
        return term in self._vocabulary

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        return self.search_terms(terms(query), k)

    def search_terms(self, q: list[str], k: int | None = None) -> list[Hit]:
        """`search` for a query already cut into terms (by `bot.text.terms`)."""
        if not q or not self._docs:
            return []
        scores = self._bm25.get_scores(q)
        qset = set(q)
        hits = [
            Hit(i, float(scores[i]), frozenset(qset & set(doc)))
            for i, doc in enumerate(self._docs)
            if qset & set(doc)
        ]
        hits.sort(key=lambda h: (-h.score, -len(h.matched), h.index))
        return hits[:k] if k else hits


def index_for(documents: Sequence[str]) -> Bm25Index:
    """The index over `documents`, shared by every caller with the same documents (indexes
    are read-only after building, so threads may search one at once)."""
    return _built(tuple(documents))


@functools.lru_cache(maxsize=256)
def _built(documents: tuple[str, ...]) -> Bm25Index:
    return Bm25Index(list(documents))
