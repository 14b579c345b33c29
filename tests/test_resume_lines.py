"""The project question quotes a claim about what the role needs, never a header, a name or
a contact line, and prefers what the job description calls current over legacy."""

from __future__ import annotations

import pytest

from bot.resume_lines import legacy_skills, pick_resume_line, resume_lines
from bot.roles import list_roles, load_role

DBA = load_role("database-administrator")
BACKEND = load_role("backend-engineer")
ANALYST = load_role("data-analyst")

# Shaped like resumes pasted into a form: header, contact lines, dates, digits everywhere.
DBA_RESUME = """Maria Patel - Database Administrator, 9 years of experience
maria.patel@example.com | +44 7700 900123 | linkedin.com/in/mariapatel
London, UK (open to remote)

EXPERIENCE
Senior DBA, Northwind Retail | 2019 - present
- Administered MySQL 8 with semi-synchronous replication for 3 legacy billing services
- Cut p99 checkout query latency from 800 ms to 90 ms on PostgreSQL 15 with partial indexes
- Ran weekly restore tests of pgBackRest backups and point-in-time recovery drills
DBA, Contoso | 2016 - 2019
- Wrote 40+ Bash scripts for nightly jobs

SKILLS: PostgreSQL, MySQL, Patroni, AWS RDS, Terraform, Python
Education: B.Sc. Computer Science, University of Leeds, 2015
"""


def test_header_contact_dates_education_and_skill_lists_are_never_quoted() -> None:
    quotable = [line.text for line in resume_lines(DBA_RESUME)]
    assert quotable == [
        "Administered MySQL 8 with semi-synchronous replication for 3 legacy billing services",
        "Cut p99 checkout query latency from 800 ms to 90 ms on PostgreSQL 15 with partial "
        "indexes",
        "Ran weekly restore tests of pgBackRest backups and point-in-time recovery drills",
        "Wrote 40+ Bash scripts for nightly jobs",
    ]


def test_the_description_s_legacy_tools_are_read_from_its_own_words() -> None:
    assert legacy_skills(DBA) == {"mysql"}  # "A few older services run on MySQL 8"
    assert legacy_skills(BACKEND) == {"django"}  # "some older Django applications"
    assert legacy_skills(ANALYST) == {"tableau"}  # "some legacy reports in Tableau"


def test_a_claim_about_current_tools_beats_a_legacy_one_with_more_digits() -> None:
    assert pick_resume_line(DBA, DBA_RESUME) == (
        "Cut p99 checkout query latency from 800 ms to 90 ms on PostgreSQL 15 with partial "
        "indexes")


def test_a_legacy_claim_is_quoted_only_when_nothing_current_is_there() -> None:
    only_mysql = "Sam Lee - DBA\n- Administered MySQL 8 clusters for 6 years at Acme"
    assert pick_resume_line(DBA, only_mysql) == "Administered MySQL 8 clusters for 6 years at Acme"
    both = only_mysql + "\n- Set up Patroni failover for our PostgreSQL primary"
    assert pick_resume_line(DBA, both) == "Set up Patroni failover for our PostgreSQL primary"


def test_a_figure_alone_does_not_make_a_line_relevant() -> None:
    resume = ("Jo Park, Backend Engineer (Python), 3 years of experience\n"
              "Won 2nd place at a 2021 hackathon with 4 friends\n"
              "Built FastAPI services with PostgreSQL and Redis caching\n")
    assert pick_resume_line(BACKEND, resume) == (
        "Built FastAPI services with PostgreSQL and Redis caching")


@pytest.mark.parametrize("resume", [
    "Maria Patel - Backend Engineer (Python), 3 years of experience",
    "Maria Patel\nmaria@example.com\n+1 (555) 010-2030\nPython, FastAPI, Django, PostgreSQL",
    "Backend Engineer | Python | FastAPI | PostgreSQL | 2020 - present",
    "M.Sc. in Software Engineering (Python), University of Manchester, 2018",
    "",
])
def test_no_claim_means_no_quote_rather_than_a_header(resume: str) -> None:
    assert pick_resume_line(BACKEND, resume) is None


def test_a_pasted_paragraph_is_cut_into_sentences_before_choosing() -> None:
    resume = ("Analyst with four years in health tech. " * 3 + "I built Looker dashboards for "
              "retention cohorts used by the product team. I designed and analysed 25 A/B "
              "tests with pre-registered metrics and power calculations.")
    assert pick_resume_line(ANALYST, resume) in (
        "I built Looker dashboards for retention cohorts used by the product team",
        "I designed and analysed 25 A/B tests with pre-registered metrics and power "
        "calculations")


def test_every_shipped_sample_resume_gets_a_claim_naming_a_current_skill() -> None:
    for role in list_roles():
        line = pick_resume_line(role, role.sample_resume)
        assert line is not None
        header = role.sample_resume.splitlines()[0]
        assert line != header.rstrip(".")
        named = {s for s in role.skills if s.lower() in line.lower()}
        assert named - legacy_skills(role), (role.name, line)


async def test_the_project_question_in_a_real_interview_quotes_the_claim(memory_engine) -> None:
    from adapters.console import ConsolePort
    from bot.service import InterviewService
    from tests.conftest import make_settings
    from tests.helpers import start

    service = InterviewService(engine=memory_engine, port=ConsolePort(),
                               settings=make_settings())
    candidate = await start(service, name="Maria Patel", resume=DBA_RESUME)
    [project] = await candidate.say("Hi, I'm Maria, a DBA for nine years.")
    assert project.kind == "project"
    assert 'You mentioned "Cut p99 checkout query latency from 800 ms to 90 ms' in project.text
    for never in ("Maria Patel -", "@example.com", "MySQL 8", "University", "SKILLS"):
        assert never not in project.text
