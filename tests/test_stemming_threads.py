"""Stemming from many threads at once (interviews starting together plan their questions
in worker threads) gives every thread the stems it would get alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot import text

WORDS = [f"{stem}{ending}" for stem in ("replic", "normaliz", "partition", "vacuum", "index")
         for ending in ("ation", "ational", "ing", "ed", "es", "ness", "fulness")]


def test_stems_are_the_same_from_many_threads_at_once() -> None:
    alone = [text.stem.__wrapped__(w) for w in WORDS]

    def stem_all(_: int) -> list[str]:
        return [text.stem.__wrapped__(w) for w in WORDS * 40]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(stem_all, range(32)))
    assert all(result == alone * 40 for result in results)
