"""Keyword stuffing by shape: which tokens of a sentence are bare items of a list of
terms, and which lines of an answer are nothing but such lists. A term in a list earns no
credit: a list names terms without relating them ("B-tree, GIN, BRIN, partial, covering"),
while shorthand that says what to do and why ("stale stats -> bad plan", "asyncio for the
fan-out") is not a list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from bot.scoring.language import BOUNDARY_TOKENS, Sentence
from bot.scoring.patterns import Span
from bot.scoring.stock_phrases import stock_phrases
from bot.text import STOPWORDS

_LIST_JOINERS = frozenset({"and", "or", "&", "plus", "+", "="})
# A sentence whose terms are this share of its words is a list of keywords.
STUFFED_SHARE = 0.75
BARE_ITEMS_FOR_LIST = 3
BARE_SHARE_FOR_LIST = 0.6  # ... and most of the sentence's items are bare terms
SHORT_ITEM_WORDS = 4
LIST_SHAPE_ITEMS = 8  # ... and a sentence of this many short items, none related, is a list
# Words that relate one term to another: a piece that holds one ("asyncio for the fan-out",
# "gather with a timeout", "stale stats -> bad plan") says what to do and why, it is not a
# bare term. Shorthand is full of terms; a list has no relations between them.
_RELATION = frozenset({
    "for", "because", "so", "since", "via", "with", "when", "if", "to", "by", "per",
    "instead", "than", "until", "after", "before", "into", "from", "then", "but", "unless",
    "while", "on", "->", "=>", "is", "are", "was", "were", "be", "means", "gives", "causes",
    "needs", "keeps", "makes", "not", "no", "otherwise", "which", "would", "will"})
# A sentence that relates its terms this often is prose, however dense with terms.
RELATIONS_FOR_PROSE = 2
# Arrows chain claims ("bulk load -> stale stats -> bad plan"); they do not separate items.
_CHAINS = frozenset({"->", "=>"})
# ... unless they chain this many pieces, none relating its words ("alert fatigue =>
# symptom-based => SLO burn rate => runbooks => actionable => ..."): a list written with arrows.
CHAIN_LIST_ARROWS = 5
# "#Redis #CacheAside #TTL": hashtags are items, however they are run together.
_HASHTAG = re.compile(r"(?<![\w#])#[A-Za-z][\w-]*")
HASHTAGS_FOR_LIST = 3
# A list of terms wrapped in a pitch ("I leverage ACID transactions, SELECT FOR UPDATE,
# optimistic locking and serializable isolation to ensure best practices") names them and
# relates nothing: its relating words ("to ensure") belong to the pitch.
PITCHED_LIST_ITEMS = 3
# ... and three stock phrases at least, one a pitch word proper: two are in honest answers
# ("a track record of timeouts, so a robust client needs ...", "high-leverage points and
# robust standard errors").
PITCH_PHRASES_FOR_LIST = 3


def listed_tokens(sentence: Sentence, term_spans: Sequence[Span]) -> frozenset[int]:
    """Positions of keywords standing as items of a list of terms ("EXPLAIN, statistics,
    index, bloat"), when the sentence is such a list; empty for ordinary prose. In a list,
    a short item ("I know EXPLAIN, ...") counts as listed too. `term_spans` are the
    sentence's single-phrase keyword matches (co-occurring parts are prose by nature)."""
    covered = {t for a, b in term_spans for t in range(a, b)}
    if not covered:
        return frozenset()
    items = _items(sentence)
    bare = [item for item in items if _is_bare(item, sentence, covered)]
    content = [j for j, w in enumerate(sentence.words)
               if w not in BOUNDARY_TOKENS and w not in STOPWORDS]
    share = len(covered & set(content)) / len(content) if content else 0.0
    relations = _relations(range(len(sentence.words)), sentence, covered)
    listed: set[int] = set()
    if len(bare) >= BARE_ITEMS_FOR_LIST and len(bare) >= BARE_SHARE_FOR_LIST * len(items):
        listed.update(j for item in items if len(_content(item, sentence)) <= SHORT_ITEM_WORDS
                      and covered & set(item) and not _relations(item, sentence, covered)
                      for j in item)
    if len(content) >= 6 and share >= STUFFED_SHARE and relations < RELATIONS_FOR_PROSE:
        listed.update(covered)
    # The shape alone: many short items, at most one of them longer and at most one relating
    # its words, is a list of terms, whether or not its other terms are the rubric's
    # ("Funnel analysis, cohort segmentation, seasonality, root cause analysis, ...").
    if len(items) >= LIST_SHAPE_ITEMS and not _holds_code(sentence) and sum(
            1 for item in items if len(_content(item, sentence)) > SHORT_ITEM_WORDS) <= 1 and sum(
            1 for item in items if _relates_in_list(item, sentence)) <= 1:
        listed.update(covered)
    # Shapes of a whole sentence: every term in it is listed, those of several parts too.
    if _chain_of_terms(sentence) or _hashtags(sentence, len(content)) \
            or (len(items) >= PITCHED_LIST_ITEMS
                and len(stock_phrases(sentence.text)) >= PITCH_PHRASES_FOR_LIST):
        return frozenset(range(len(sentence.words)))
    return frozenset(listed)


def _hashtags(sentence: Sentence, content_words: int) -> bool:
    """Mostly hashtags: "#Redis #CacheAside #TTL ...", never a Slack update naming its
    channels ("update in #db-oncall for #reporting and #data-eng: the plan flipped ...");
    `content_words`: the sentence's words that are neither stop words nor punctuation."""
    tags = len(_HASHTAG.findall(sentence.text))
    return tags >= HASHTAGS_FOR_LIST and tags * 2 >= content_words


def _chain_of_terms(sentence: Sentence) -> bool:
    if sum(1 for w in sentence.words if w in _CHAINS) < CHAIN_LIST_ARROWS:
        return False
    pieces: list[list[int]] = [[]]
    for j, w in enumerate(sentence.words):
        if w in _CHAINS:
            pieces.append([])
        elif w not in BOUNDARY_TOKENS:
            pieces[-1].append(j)
    return all(len(_content(piece, sentence)) <= SHORT_ITEM_WORDS
               and not _relates_in_list(piece, sentence) for piece in pieces if piece)


# "PARTITION BY user_id", "ORDER BY login_at DESC": the "by" of a SQL clause names the
# clause; in a list of such clauses it relates nothing.
_SQL_CLAUSE_BY = frozenset({"partition", "order", "group", "sort", "cluster", "distribute"})


CODE_PARENTHESES = 2


def _holds_code(sentence: Sentence) -> bool:
    """"SELECT user_id, MAX(login_at) AS last_login ... FROM logins", "COUNT(*) OVER
    (PARTITION BY user_id ...)": code, whose commas and brackets separate the parts of one
    statement, not the items of a list."""
    words = sentence.words
    return ("select" in words and "from" in words[words.index("select") + 1:]) or \
        words.count("(") >= CODE_PARENTHESES


def _relates_in_list(item: list[int], sentence: Sentence) -> bool:
    words = sentence.words
    return any(words[j] in _RELATION and not (
        words[j] == "by" and j > 0 and words[j - 1] in _SQL_CLAUSE_BY) for j in item)


LIST_LINES = 3  # ... and an answer of this many short term lists, one per line, is one list
LIST_LINES_SHARE = 0.75


def term_list_lines(sentences: Sequence[Sentence]) -> frozenset[int]:
    """The lines of an answer written as lines of terms ("- composite / leftmost",
    "- covering index / INCLUDE", ...): each line too short to be a list by itself,
    together they are one list with nothing relating its terms, however many of them are
    the rubric's. Empty when the answer is not such a list."""
    if len(sentences) < LIST_LINES:
        return frozenset()
    # Read until too many lines are prose to make the share: most answers stop at once.
    prose_allowed = len(sentences) - math.ceil(LIST_LINES_SHARE * len(sentences))
    lines: list[int] = []
    items = prose = 0
    for index, sentence in enumerate(sentences):
        line_items = _items(sentence)
        if _term_list_line(sentence, line_items):
            lines.append(index)
            items += len(line_items)
        else:
            prose += 1
            if prose > prose_allowed:
                return frozenset()
    return frozenset(lines) if len(lines) >= LIST_LINES and items >= LIST_SHAPE_ITEMS \
        else frozenset()


# A bullet: "- pytest", "* B-tree", "• composite". A bulleted line may hold one term.
_BULLET = re.compile(r"[ \t]*[-*\u2022\u2023\u25e6][ \t]")


def _term_list_line(sentence: Sentence, items: list[list[int]]) -> bool:
    least = 1 if _BULLET.match(sentence.text) else 2
    return len(items) >= least and not _holds_code(sentence) and all(
        len(_content(item, sentence)) <= SHORT_ITEM_WORDS
        and not _relates_in_list(item, sentence) for item in items)


def _items(sentence: Sentence) -> list[list[int]]:
    """The pieces between commas, slashes, "and" ...; arrows chain claims ("bulk load ->
    stale stats -> bad plan") unless there are as many as a list has items ("B-tree ->
    composite -> leftmost prefix -> INCLUDE -> ..."), when they separate terms too."""
    chains_separate = sum(1 for w in sentence.words if w in _CHAINS) >= LIST_SHAPE_ITEMS - 1
    items: list[list[int]] = [[]]
    for j, w in enumerate(sentence.words):
        if (w in BOUNDARY_TOKENS and (chains_separate or w not in _CHAINS)) or \
                w in _LIST_JOINERS:
            items.append([])
        else:
            items[-1].append(j)
    return [item for item in items if item]


def _content(item: list[int], sentence: Sentence) -> list[int]:
    return [j for j in item if sentence.words[j] not in STOPWORDS]


def _relations(positions: Iterable[int], sentence: Sentence, covered: set[int]) -> int:
    """Relating words outside the terms themselves ("for" in "asyncio for the fan-out",
    not in a keyword like "waiting on the network")."""
    return sum(1 for j in positions if sentence.words[j] in _RELATION and j not in covered)


def _is_bare(item: list[int], sentence: Sentence, covered: set[int]) -> bool:
    content = _content(item, sentence)
    return bool(content) and all(j in covered for j in content) and \
        not _relations(item, sentence, covered)
