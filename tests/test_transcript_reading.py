"""`evaluate` reads transcripts the way a person would: imperatives are questions,
follow-ups belong to their question, a question the bank does not have is scored on a
generic rubric and says so, and the bot's own export is re-scored exactly as it was live."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.console import ConsolePort, run_demo
from bot.brains.offline import OfflineBrain
from bot.roles import list_roles, load_role
from bot.scoring.evaluation import Flag, Rubric
from bot.scoring.items import asked_sentences, items_from_conversation
from bot.service import InterviewService
from bot.simulated import PROFILES
from bot.transcript import label_turns, parse_transcript_text, read_transcript
from tests.conftest import make_settings

TRANSCRIPT = """\
Interviewer: Hello Ana, thanks for joining. Please introduce yourself.
Candidate: I'm a DBA with nine years of PostgreSQL, most recently moving clusters to RDS.
Interviewer: You mentioned moving clusters to RDS. Tell me about the hardest part.
Candidate: Sequences did not carry over, so we reset them before opening writes.
Interviewer: Thanks. A report query that used to take two seconds now takes three minutes,
and nothing in the application changed. Walk me through how you would find the cause and
fix it.
Candidate: EXPLAIN ANALYZE first, to see which node is slow.
Interviewer: And if the plan looks fine?
Candidate: Then I'd check the statistics: estimated versus actual rows.
Interviewer: Describe how you would design backups so that you could restore to just before
an accidental DELETE at 14:05.
Candidate: pgBackRest with WAL archiving, restore to a separate instance to 14:04.
Interviewer: How would you know it worked?
Candidate: Monthly restore tests, timed.
Interviewer: Different topic: what does a replication slot do?
Candidate: It makes the primary keep WAL until the consumer confirms it, so an abandoned slot
fills the disk.
Interviewer: Do you have any questions about the role?
Candidate: No, that's all.
"""


def _items():
    role = load_role("database-administrator")
    turns = label_turns(parse_transcript_text(TRANSCRIPT), role)
    return turns, items_from_conversation(role, turns)


def test_imperatives_are_questions_and_follow_ups_join_their_question() -> None:
    turns, items = _items()
    assert [i.question_id for i in items] == [
        "intro", "project", "slow-query-diagnosis", "backup-recovery", "open-1"]
    slow = items[2]
    assert slow.followups == ("And if the plan looks fine?",)
    assert slow.answers == ("EXPLAIN ANALYZE first, to see which node is slow.",
                            "Then I'd check the statistics: estimated versus actual rows.")
    assert items[3].followups == ("How would you know it worked?",)


def test_asking_to_assemble_what_was_just_listed_is_a_follow_up() -> None:
    """"Could you put it together into real SQL?" after a list of clauses asks about the
    same answer: it is not a new, generic question."""
    role = load_role("data-analyst")
    for asked in ("Could you pull that together into the actual statement?",
                  "Would you put it all together into real SQL?"):
        text = f"""\
Interviewer: Hello, thanks for joining. Please introduce yourself.
Candidate: Six years of analytics at a retailer, SQL every day.
Interviewer: Take a table of app logins, user_id and login_at. How do you find each user's
latest login and how many logins they had in the previous 7 days, in SQL?
Candidate: ROW_NUMBER, PARTITION BY user_id, ORDER BY login_at DESC, COUNT, window frame.
Interviewer: {asked}
Candidate: Filter row number one in an outer query, and count with a RANGE frame of 30 days.
Interviewer: Do you have any questions about the role?
Candidate: No, thanks.
"""
        items = items_from_conversation(role, label_turns(parse_transcript_text(text), role))
        assert [i.question_id for i in items] == ["intro", "sql-window-functions"], asked
        assert items[1].followups == (asked,)


def test_a_wrapped_line_continues_its_sentence() -> None:
    _, items = _items()
    assert items[4].answers == (
        "It makes the primary keep WAL until the consumer confirms it, so an abandoned slot "
        "fills the disk.",)


def test_a_question_the_bank_lacks_is_scored_on_the_generic_rubric_and_says_so() -> None:
    _, items = _items()
    open_item = items[4]
    assert open_item.rubric == Rubric.GENERIC
    evaluation = OfflineBrain().evaluate
    import asyncio

    scored = asyncio.run(evaluation([open_item])).evaluations[0]
    assert Flag.GENERIC_RUBRIC in scored.flags
    assert "not in the role's bank" in scored.justification
    assert scored.score >= 3  # concepts, cause and effect: not "off-topic"


def test_the_reference_transcript_keeps_its_required_question() -> None:
    reference = Path(__file__).parent / "data" / "seed-interview-transcript.txt"
    role = load_role("database-administrator")
    items = items_from_conversation(role, label_turns(read_transcript(reference), role))
    assert "slow-query-diagnosis" in [i.question_id for i in items]


async def test_evaluate_on_every_export_reproduces_the_live_scores(memory_engine,
                                                                   tmp_path: Path) -> None:
    """40 demos (every profile, every shipped role, two seeds where the roles allow):
    re-scoring the JSON export gives exactly the stored scores, question by question."""
    roles = list_roles()
    runs = [(p, roles[i % len(roles)], seed) for i, (p, seed) in enumerate(
        (p, s) for p in PROFILES for s in range(7))][:40]
    assert len(runs) == 40
    for profile, role, seed in runs:
        port = ConsolePort()
        service = InterviewService(engine=memory_engine, port=port, settings=make_settings())
        result = await run_demo(service, role, profile=profile, seed=seed)
        await service.finish(result.interview_id)
        export = await service.export(result.interview_id)
        path = tmp_path / f"{profile}-{seed}.json"
        path.write_text(json.dumps(export))
        transcript = read_transcript(path)
        assert transcript.labelled is not None
        items = items_from_conversation(role, label_turns(transcript, role))
        rescored = (await OfflineBrain().evaluate(items)).evaluations
        live = [(s["question_id"], s["score"], s["flags"]) for s in export["scores"]]
        again = [(e.question_id, e.score, e.flags) for e in rescored]
        assert again == live, (profile, role.name, seed)


def test_a_question_announced_as_new_is_not_a_follow_up() -> None:
    """'One that's not from our usual list: ...' and "Here's a more hands-on one. How would
    you check ...?" open new questions, even after a follow-up or with a follow-up's words."""
    role = load_role("site-reliability-engineer")
    text = """\
Interviewer: Hello, thanks for joining. Please introduce yourself.
Candidate: I'm an SRE with five years on Kubernetes and Prometheus.
Interviewer: On-call engineers get 60 pages a week and most are ignored. How would you fix
the alerting?
Candidate: Delete the alerts nobody acts on and page on symptoms.
Interviewer: Here's a more hands-on one. How would you check whether a Linux server is
running out of disk space?
Candidate: df -h, then du on the big folders.
Interviewer: One that's not from our usual list: how do you pick a log retention period?
Candidate: From how far back incidents need to look, and the cost.
Interviewer: Do you have any questions about the role?
Candidate: No, thanks.
"""
    turns = label_turns(parse_transcript_text(text), role)
    items = items_from_conversation(role, turns)
    assert [i.question_id for i in items] == ["intro", "alerting-strategy", "open-1", "open-2"]
    assert all(len(i.answers) == 1 for i in items)


def test_a_question_named_by_its_subject_is_not_a_follow_up() -> None:
    """"One networking question: ..." (a question named by its subject) after a Kubernetes
    answer opens a question of its own, though it shares the answer's words; a question
    only qualified ("one quick question", "one related question") or one whose words after
    the colon follow up ("... question: and if ...?") still follows up."""
    role = load_role("site-reliability-engineer")

    def read(asked: str) -> list[str]:
        text = f"""\
Interviewer: Hello, thanks for joining. Please introduce yourself.
Candidate: I'm an SRE with five years on Kubernetes and Prometheus.
Interviewer: After a deploy, pods of a service are in CrashLoopBackOff. How do you troubleshoot it?
Candidate: kubectl describe and kubectl logs --previous, then check the probes and the config.
Interviewer: {asked}
Candidate: kube-proxy and the node's iptables rules, then the CNI plugin's logs.
Interviewer: Do you have any questions about the role?
Candidate: No, thanks.
"""
        turns = label_turns(parse_transcript_text(text), role)
        return [i.question_id for i in items_from_conversation(role, turns)]

    for asked in ("One networking question: pods on one node cannot reach the service. Where "
                  "do you look?",
                  "One DNS question: a service name stops resolving inside pods. Where do "
                  "you look?",
                  "One more Linux question on file systems: how do you find what is filling "
                  "the disk?",
                  "A Redis question: how do you find what is using all the memory?"):
        assert read(asked) == ["intro", "k8s-crashloop", "open-1"], asked
    for asked in ("One quick question: what happens if the new pods never get ready?",
                  "One tricky question: and if the logs are empty?",
                  "One more technical question on that: what if it only fails on one node?",
                  "One clarifying debugging question: did you check the previous logs first?",
                  "One related Kubernetes question: what if the liveness probe kills it?",
                  "One quick Kubernetes question: and if the pod is OOMKilled instead?",
                  "That's a classic debugging question - but what if there are no logs?"):
        assert read(asked) == ["intro", "k8s-crashloop"], asked


def test_an_open_project_question_after_the_intro_is_a_question_of_its_own() -> None:
    """'Tell me about a project you're proud of' (no CV cue) right after the introduction
    is the project question, not a follow-up of the intro; a behavioural request that
    brings up something new ('Describe a time ...') is a new question too, while 'Tell me
    more about that' still follows up."""
    role = load_role("database-administrator")
    for asked in ("Tell me about a project you're proud of.",
                  "What's the most interesting piece of work you've led?",
                  "Could you describe an analysis that you drove from start to finish?",
                  "Walk me through your biggest project so far."):
        text = f"""\
Interviewer: Hello, thanks for joining. Please introduce yourself.
Candidate: I'm a DBA with eight years of PostgreSQL.
Interviewer: {asked}
Candidate: I moved our backups to pgBackRest and added weekly restore tests.
Interviewer: Tell me more about that.
Candidate: The restore test found a tablespace missing from the backup.
Interviewer: Describe a time you disagreed with a developer about a schema.
Candidate: They wanted JSON everywhere; we agreed on columns for what we filter on.
Interviewer: Do you have any questions about the role?
Candidate: No, thanks.
"""
        items = items_from_conversation(role, label_turns(parse_transcript_text(text), role))
        assert [i.question_id for i in items] == ["intro", "project", "open-1"], asked
        assert len(items[1].answers) == 2 and len(items[0].answers) == 1, asked


def test_a_topic_announced_with_a_colon_is_a_question_without_a_question_mark() -> None:
    assert asked_sentences("Last design one: a rate limiter for each API customer.")
    assert asked_sentences("Next question: how you would shard the bookings table.")
    assert not asked_sentences("Last one was great, thanks.")


def _read(role_name: str, asked: str, *, first: str = "Hello, thanks for joining. Please "
          "introduce yourself.", closing: str = "Do you have any questions about the role?"):
    role = load_role(role_name)
    text = f"""\
Interviewer: {first}
Candidate: I've worked eight years in the field, the last three at a logistics company.
Interviewer: {asked}
Candidate: I moved our nightly batch to a queue of small jobs and cut the runtime in half.
Interviewer: {closing}
Candidate: No, thanks.
"""
    return items_from_conversation(role, label_turns(parse_transcript_text(text), role))


def test_the_project_question_asked_about_the_candidates_own_work_in_other_words() -> None:
    """Asked about a piece of the candidate's own past work ("of yours", "from your current
    job", "you led", "you designed", "something you built"), it is the project question:
    not a follow-up of the intro and not the bank question whose words it shares ("a
    system you designed" is not the rate-limiter design question)."""
    for role_name, asked in (
            ("data-analyst", "Tell me about an analysis of yours that changed a decision."),
            ("database-administrator", "What piece of work from your current job would you "
                                       "most like to tell me about?"),
            ("site-reliability-engineer", "Walk me through something technical you built or "
                                          "improved."),
            ("site-reliability-engineer", "Tell me about a reliability improvement you led "
                                          "from start to finish."),
            ("backend-engineer", "Walk me through a system you designed end to end."),
            ("backend-engineer", "Pick one project and walk me through what you personally "
                                 "did and how it turned out."),
            ("site-reliability-engineer", "Which project best shows what you can do? Your "
                                          "part specifically, please."),
            ("database-administrator", "What's a project you'd hold up as your best work?"),
            ("backend-engineer", "Tell me about a recent project where you had real "
                                 "ownership."),
            ("database-administrator", "Fair enough. What's the most interesting database "
                                       "problem you've solved?")):
        items = _read(role_name, asked)
        assert [i.question_id for i in items] == ["intro", "project"], asked
    # Technical questions that mention a project or the candidate stay technical.
    for role_name, asked, qid in (
            ("database-administrator", "Walk me through what you can do when a report query "
             "that took two seconds now takes three minutes and nothing changed.",
             "slow-query-diagnosis"),
            ("database-administrator", "A colleague of yours ran a DELETE without a WHERE on "
             "production at 14:05. How do you recover, and how do you know backups work?",
             "backup-recovery")):
        items = _read(role_name, asked)
        assert [i.question_id for i in items] == ["intro", qid], asked
    # A question about a system the candidate would design is a technical one.
    items = _read("backend-engineer", "Sketch a rate limiter that lets each API customer make "
                                      "100 requests a minute across twenty instances.")
    assert [i.question_id for i in items] == ["intro", "rate-limiter-design"]


def test_an_introduction_asked_as_where_to_start_is_the_introduction() -> None:
    items = _read("data-analyst", "Tell me about a project you're proud of.",
                  first="Hi Brisco, welcome to the interview. Please start by introducing "
                        "yourself.")
    assert [i.question_id for i in items] == ["intro", "project"]
    assert items[0].answers and "eight years" in items[0].answers[0]
    assert not asked_sentences("We start with a short walk of the office.")


def test_an_introduction_asked_after_a_lead_in_is_the_introduction() -> None:
    for first in ("Kia ora Aroha, thanks for joining. Before we get into it, tell me a bit "
                  "about yourself.",
                  "Good afternoon, Radomir. Let's begin with a short introduction, please.",
                  "Aloha Kaimana, welcome. Let's start easy: tell me about yourself.",
                  "Hello Bolormaa, nice to meet you. Please, tell me about yourself.",
                  "Hi Tiihu, thanks for your time today. To start, please give a brief "
                  "introduction of yourself."):
        items = _read("data-analyst", "Tell me about a project you're proud of.", first=first)
        assert [i.question_id for i in items] == ["intro", "project"], first
        assert items[0].answers, first


def test_a_bank_question_put_as_a_statement_is_asked() -> None:
    """"Someone ran a DELETE without a WHERE at 14:05. Recovery, and how you know the
    backups work." has no question mark or request verb, but it is plainly the bank's
    backup question; a remark that matches no question stays a notice."""
    role = load_role("database-administrator")
    text = """\
Interviewer: Hello, thanks for joining. Please introduce yourself.
Candidate: Eight years as a PostgreSQL DBA at a retailer.
Interviewer: Someone ran a DELETE without a WHERE on production at 14:05. Recovery, and how
you know the backups work.
Candidate: Restore the base backup to a new instance, replay WAL to 14:04, copy the rows back.
Interviewer: Thanks, that's clear.
Candidate: Good.
Interviewer: Do you have any questions about the role?
Candidate: No, thanks.
"""
    items = items_from_conversation(role, label_turns(parse_transcript_text(text), role))
    assert [i.question_id for i in items] == ["intro", "backup-recovery"]


def test_asking_for_the_candidates_questions_in_other_words_closes_the_questions() -> None:
    for closing in ("That's the end of the questions. Do you have anything to ask us?",
                    "Is there something you'd like to ask me?",
                    "Thanks, Leopold. What questions do you have for me?"):
        items = _read("data-analyst", "Tell me about a project you're proud of.",
                      closing=closing)
        assert [i.question_id for i in items] == ["intro", "project"], closing
        assert len(items[1].answers) == 1, closing


def test_a_question_about_questions_mid_interview_does_not_close_the_questions() -> None:
    role = load_role("backend-engineer")
    text = """\
Interviewer: Hello, thanks for joining. Please introduce yourself.
Candidate: Seven years of backend Python at a logistics company.
Interviewer: Design a rate limiter for each API customer. What questions do you have about \
the requirements?
Candidate: Per customer or per key? I'd use a shared Redis counter per customer per minute.
Interviewer: Thanks. Good to hear how you would rate limit; we'll come back to limits later.
Candidate: Sure.
Interviewer: Two requests try to book the last slot on the same truck at the same moment. \
How do you make sure only one succeeds?
Candidate: A unique constraint on the slot, and the loser gets a 409.
Interviewer: Do you have any questions about the role?
Candidate: No, thanks.
"""
    items = items_from_conversation(role, label_turns(parse_transcript_text(text), role))
    assert [i.question_id for i in items] == ["intro", "rate-limiter-design",
                                              "transactions-consistency"]


def test_a_question_about_the_moment_just_described_follows_it_up() -> None:
    role = load_role("site-reliability-engineer")
    text = """\
Interviewer: Hello, thanks for joining. Please introduce yourself.
Candidate: Six years of SRE work on payment systems.
Interviewer: You're paged: card authorisations are failing for 20% of merchants. Walk me \
through your first 30 minutes.
Candidate: Declare an incident, take command, check what changed, roll back the last deploy.
Interviewer: Who keeps merchants and the rest of the company updated while that's happening?
Candidate: A communications lead posts to the status page every 30 minutes.
Interviewer: Do you have any questions about the role?
Candidate: No, thanks.
"""
    items = items_from_conversation(role, label_turns(parse_transcript_text(text), role))
    assert [i.question_id for i in items] == ["intro", "incident-response"]
    assert len(items[1].answers) == 2
