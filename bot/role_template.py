"""The file `interview-bot roles new NAME` writes: a valid role whose comments explain each
field, so a recruiter edits a working file instead of starting from a blank page. A test
validates it with `bot.roles.validate_role_file`, so the template cannot drift from the
loader's rules."""

from __future__ import annotations

import json

ROLE_FILE_HEADER = """\
# Role file for the interview bot. Edit freely, then check it with
# `interview-bot roles validate FILE`: it reports the file, line and field of every mistake.
#
#   name             slug, must equal this file's name without .yaml
#   title, company   shown to the candidate
#   summary          one or two sentences about the role
#   skills           lowercase keywords of the role; used to pick resume lines and score the intro
#   job_description  paragraphs separated by blank lines. The bot quotes them WORD FOR WORD when
#                    a candidate asks about the role, so each paragraph must stand on its own.
#                    Do not put salary, benefits or team size here: the recruiter follows up.
#   sample_resume    one claim per line; used by simulated candidates in demos and tests
#   questions        the question bank; each question has:
#     id             slug, unique in this file (interviews store it)
#     topic          short topic name
#     question       the text asked
#     key_points     3-6 things a good answer covers; each with lowercase keywords whose
#                    presence in an answer shows the point was made (include spelling variants)
#     anchors        exactly 1, 3 and 5: what an answer of that score looks like
#     followups      depth / example / tradeoff: follow-ups picked by what a thin, hedged
#                    or partly wrong answer lacks; natural questions that never quote the
#                    key points (a question without them gets a generic one of that kind)
#     followup       optional: one follow-up for any answer, when `followups` is not given
"""

_BODY = """\

name: {name}
title: {title_yaml}            # as the candidate will read it
company: {company_yaml}
summary: >-
  One or two sentences on what the {title} does here and why it matters.

skills:                         # at least 5; lowercase
  - communication
  - problem solving
  - testing
  - documentation
  - collaboration

job_description: |
  Replace these paragraphs with the real job description. Each paragraph is quoted word for
  word when a candidate asks about the role, so keep every paragraph self-contained.

  Day to day, the {title} works with the team on its current projects, reviews work with
  colleagues and improves how the team delivers.

  Write here what the first months look like and who the {title} works with most.

sample_resume: |
  {title}, 5 years of experience
  Led a project that shipped on time with a small team
  Wrote tests and documentation for the work they delivered

questions:                      # add as many as you like; each interview picks some
  - id: recent-project
    topic: Delivery
    required: true              # optional: asked in every interview for this role
    question: >-
      Tell me about a recent piece of work you are proud of. What was your part, what went
      wrong along the way, and what would you do differently?
    key_points:                 # at least 3
      - point: Describes their own contribution concretely
        keywords: [i built, i led, i wrote, my part, i was responsible]
      - point: Names a problem and how they handled it
        keywords: [problem, went wrong, issue, mistake, setback]
      - point: Reflects on what they learned or would change
        keywords: [learned, lesson, differently, next time, improve]
    anchors:                    # exactly 1, 3 and 5
      1: Vague; no personal contribution or problem named.
      3: A clear contribution and a problem, but little reflection.
      5: A concrete contribution, a real problem handled well, and an honest lesson.
    followups:
      depth: Which part of that was the hardest to get right, and how did you get it right?
      example: What exactly did you do yourself, as opposed to the team?
      tradeoff: What would you do differently if you started that work again today?
"""


def role_template(name: str, *, title: str, company: str) -> str:
    """`name` must be a slug; title and company may hold any text (they are quoted)."""
    return ROLE_FILE_HEADER + _BODY.format(name=name, title=title, company=company,
                                           title_yaml=json.dumps(title, ensure_ascii=False),
                                           company_yaml=json.dumps(company, ensure_ascii=False))
