"""Question planning: the role's must-ask questions always, then what fits the candidate."""

from __future__ import annotations

from bot.planning import plan_questions
from bot.roles import Role, load_role

CLOUD_RESUME = """Ada Lovelace, database administrator
- Moved 40 PostgreSQL databases from a data centre to AWS RDS with a two-hour cut-over
- Rebuilt backups with pgBackRest and point-in-time recovery; restores tested monthly
- Set up Patroni high availability with automatic failover for 12 clusters"""


def with_required(role: Role, *ids: str) -> Role:
    return role.model_copy(update={"questions": [
        q.model_copy(update={"required": q.id in ids}) for q in role.questions]})


def test_required_questions_come_first_whatever_the_resume() -> None:
    role = load_role("database-administrator")
    plan = plan_questions(role, CLOUD_RESUME, 4)
    assert plan[0] == "slow-query-diagnosis"  # required in the shipped role
    assert {"cloud-migration", "backup-recovery", "ha-failover"} <= set(plan[1:])
    assert "slow-query-diagnosis" not in plan_questions(with_required(role), CLOUD_RESUME, 4)


def test_one_question_per_topic_while_topics_last() -> None:
    role = load_role("backend-engineer")  # two questions share "Databases and ORMs"
    plan = plan_questions(role, "Django and SQLAlchemy ORM work, N+1 queries, transactions", 6)
    topics = [next(q.topic for q in role.questions if q.id == i) for i in plan]
    assert len(plan) == 6 and len(set(topics)) == 6
    everything = plan_questions(role, "", len(role.questions))
    assert sorted(everything) == sorted(q.id for q in role.questions)


def test_more_required_questions_than_slots_keeps_the_first_in_bank_order() -> None:
    role = load_role("database-administrator")
    ids = [q.id for q in role.questions]
    many = with_required(role, ids[5], ids[1], ids[3])
    assert plan_questions(many, CLOUD_RESUME, 2) == [ids[1], ids[3]]
    assert plan_questions(many, CLOUD_RESUME, 4)[:3] == [ids[1], ids[3], ids[5]]


def test_every_shipped_role_has_a_must_ask_question() -> None:
    for name in ("database-administrator", "backend-engineer", "site-reliability-engineer",
                 "data-analyst"):
        role = load_role(name)
        required = [q.id for q in role.questions if q.required]
        assert len(required) == 1
        assert plan_questions(role, role.sample_resume, 4)[0] == required[0]
