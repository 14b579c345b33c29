"""The project question, read for substance as well as shape.

A story's shape (a situation, the candidate's own actions, an outcome, judgement) cannot
tell a true expert's terse account from a bluffer's fluent one: both have a problem, an
"I migrated" and a number. What tells them apart is what an expert reads for: whether the
story uses the field's concepts the way the role's bank says they work. So the story is
also read against every key point of the role's bank, with the bank's wrong claims, and
the points it makes count as two more rubric points: one for using the role's concepts at
all, one for going into depth: several points of one topic, not one keyword from each of
many ("holdout", "accuracy", "discount" said in passing). Sentences that state a known
wrong claim earn none of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from bot.roles import KeyPoint, Misconception, Role
from bot.scoring.matching import Evidence, PointFinding
from bot.scoring.rubric import Coverage, coverage

# Distinct bank points a story must make, in sentences free of known wrong claims, to show
# it uses the role's concepts (a typical thin story names one or two); and points beyond
# the first on the bank questions it touches, to show depth (experts' stories in the gold
# set make two to five such; bluffers' and average ones at most one).
CONCEPTS_MIN = 3
DEPTH_MIN = 2

# Rubric points with no keywords of their own: found from the bank points the story makes.
CONCEPTS_POINT = KeyPoint.model_construct(
    point=f"Uses the role's technical concepts correctly ({CONCEPTS_MIN}+ of the role's "
          "rubric points)", keywords=[], misconceptions=[])
DEPTH_POINT = KeyPoint.model_construct(
    point="Goes into technical depth (several rubric points of one topic)",
    keywords=[], misconceptions=[])
SUBSTANCE_POINTS = (CONCEPTS_POINT, DEPTH_POINT)


def bank_points(role: Role) -> tuple[tuple[KeyPoint, ...], ...]:
    """The key points of each bank question: the role's own objects, so a role version's
    rubric index is built once (bot.scoring.rubric.rubric_index)."""
    return tuple(tuple(q.key_points) for q in role.questions)


def story_coverage(story_points: Sequence[KeyPoint], bank: Sequence[Sequence[KeyPoint]],
                   answer: str, misconceptions: Sequence[Misconception] = ()) -> Coverage:
    """The story's shape points plus the two substance points, read in one pass. The bank
    points' own wrong claims only keep those points from counting; the story's mistakes are
    the item's `misconceptions` (the whole bank's), so one sentence is one mistake."""
    story_points = tuple(story_points)
    flat = [p for topic in bank for p in topic]
    topic_of = [i for i, topic in enumerate(bank) for _ in topic]
    both = coverage((*story_points, *flat), answer, misconceptions)
    shape = both.findings[:len(story_points)]
    made = [(topic, f) for topic, f, hit in zip(topic_of, both.findings[len(story_points):],
                                                both.hits[len(story_points):], strict=True)
            if hit]
    beyond_first = len(made) - len({topic for topic, _ in made})
    findings = [f for _, f in made]
    substance = (_substance(findings, len(findings) >= CONCEPTS_MIN),
                 _substance(findings, beyond_first >= DEPTH_MIN))
    return Coverage(points=(*story_points, *SUBSTANCE_POINTS),
                    findings=(*shape, *substance),
                    sentences=both.sentences,
                    general_wrong_claims=both.general_wrong_claims)


def _substance(made: Sequence[PointFinding], shown: bool) -> PointFinding:
    if not shown:
        return PointFinding()
    # Its evidence is the sentence carrying most of the bank points made.
    sentence = Counter(f.sentence for f in made).most_common(1)[0][0]
    return replace(made[0], evidence=Evidence.CREDITED, keyword="", sentence=sentence,
                   weak_hedge=False, wrong_claims=())


HOLLOW_STORY_CAP = 3


def lacks_substance(cov: Coverage) -> bool:
    """A story read against the bank that makes fewer than CONCEPTS_MIN of its points: a
    well-told story with no technical substance is at most adequate."""
    return CONCEPTS_POINT in cov.points and not cov.hits[cov.points.index(CONCEPTS_POINT)]
