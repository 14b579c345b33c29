"""BM25 retrieval over short passages (job-description paragraphs, bank questions)."""

from __future__ import annotations

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

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        q = terms(query)
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
