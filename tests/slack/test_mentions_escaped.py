"""No post that carries a candidate's words or name can mention anyone: a whole interview
over HTTP in which the candidate types Slack's mention syntax literally (Slack sends it
escaped, `&lt;!channel&gt;`) and uses real mentions, with a name that holds markup; every
message the bot posts, to the DM and to the recruiter channel, is read for live markup."""

from __future__ import annotations

import re
from typing import Any

from bot.roles import load_role
from bot.simulated import SimulatedCandidate
from tests.slack.world import CANDIDATE, RECRUITER_CHANNEL, SlackWorld, answer_until_the_end

# Everything Slack turns into a ping or a link (docs.slack.dev, "Formatting text": special
# mentions, user, channel and user-group mentions).
LIVE_MARKUP = re.compile(r"<(?:!channel|!here|!everyone|!subteam\^|@[UW]|#C)")
TYPED = ("&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U0BOSS&gt; &lt;#C0GENERAL&gt; "
         "&lt;!subteam^S0ALL|@all&gt;")  # what the candidate typed, as Slack sends it
REAL = "<!here> <@UOTHER> <#CPUBLIC|general>"  # real mentions the candidate made


async def test_no_post_with_candidate_text_or_name_can_mention_anyone(
        world: SlackWorld) -> None:
    world.fake.add_user(CANDIDATE, "<!everyone> Ada <@U0BOSS>")
    role = load_role("database-administrator")
    candidate = SimulatedCandidate(role=role, profile="average", seed=3)
    interview_id, thread = await world.start()
    dm = world.dm(CANDIDATE)
    await answer_until_the_end(
        world, role, candidate, thread,
        dress=lambda n, answer: f"{answer} {TYPED} {REAL}" if n % 2 else f"{TYPED} {answer}")
    stored = " ".join(t.text for t in world.candidate_turns(interview_id))
    assert "<!channel>" in stored  # the words were kept as typed...
    posts = world.fake.posts(dm) + world.fake.posts(RECRUITER_CHANNEL)
    assert len(world.fake.posts(RECRUITER_CHANNEL)) >= 2  # the card and the full report
    for post in posts:  # ...and no post turns them into a ping
        for shown in [str(post.params.get("text") or ""), *mrkdwn_texts(post.blocks)]:
            assert not LIVE_MARKUP.search(shown), shown[:300]


def mrkdwn_texts(node: Any) -> list[str]:
    """Every text in a block tree that Slack reads as markup: not `plain_text` objects,
    which Slack shows literally (Block Kit reference, text object)."""
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    found = [node["text"]] if isinstance(node.get("text"), str) and node.get(
        "type") != "plain_text" else []
    return found + [t for key, value in node.items() if key != "text" or not isinstance(
        value, str) for t in mrkdwn_texts(value)]
