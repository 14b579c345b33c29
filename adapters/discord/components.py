"""Discord components for a person in the loop (issue 12): "Take over" and "Hand back" on
the recruiter channel's notices, and the review of each question on the report embed (a
select of the questions, then "Agree" or "Adjust", which opens a form for a score 1-5 and a
reason).

Each is a `discord.ui.DynamicItem`: its state (interview id, question, the report message)
lives in its `custom_id`, so the buttons keep working after a restart without any view
kept in memory (`client.add_dynamic_items`). Every press is checked against the recruiter
role first; anyone else gets a private "only recruiters" and nothing happens.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import ui

from bot.errors import InterviewError

if TYPE_CHECKING:
    from adapters.discord.actions import Reply
    from adapters.discord.bot_client import InterviewBotClient

logger = logging.getLogger(__name__)

NOT_A_RECRUITER = ("Only recruiters can do this. Ask a server admin for the recruiter role "
                   "(DISCORD_RECRUITER_ROLE).")
NOT_A_REVIEWER = ("Only recruiters can review scores. Ask a server admin for the recruiter "
                  "role (DISCORD_RECRUITER_ROLE).")
SOMETHING_WENT_WRONG = "Something went wrong on my side and it has been logged."
NO_PINGS = discord.AllowedMentions.none()
_ID = r"(?P<iid>[0-9a-f]{32})"


def _client(interaction: discord.Interaction) -> InterviewBotClient:
    return interaction.client  # type: ignore[return-value]


async def _recruiter_only(interaction: discord.Interaction, refusal: str) -> bool:
    """Recruiters pass; anyone else is told so privately (and the item does nothing)."""
    if _client(interaction).tree.is_recruiter(interaction):
        return True
    logger.info("refused a button from %s in guild %s", interaction.user.id,
                interaction.guild_id)
    await interaction.response.send_message(refusal, ephemeral=True, allowed_mentions=NO_PINGS)
    return False


async def _answer_privately(interaction: discord.Interaction, text: str) -> None:
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(text, ephemeral=True,
                                                allowed_mentions=NO_PINGS)


async def _run_privately(interaction: discord.Interaction, what: str,
                         run: Callable[[], Awaitable[Reply]]) -> None:
    """A recruiter's button: thinking shown at once, then the reply (or the refusal, or
    that it failed) privately."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        text = (await run()).text
    except InterviewError as exc:
        text = str(exc)
    except Exception:
        logger.exception("%s failed", what)
        text = SOMETHING_WENT_WRONG
    await _answer_privately(interaction, text)


# ------------------------------------------------------------------ handovers


class TakeoverButton(ui.DynamicItem[ui.Button[Any]], template=rf"ib:takeover:{_ID}"):
    def __init__(self, interview_id: str) -> None:
        super().__init__(ui.Button(label="Take over", style=discord.ButtonStyle.primary,
                                   custom_id=f"ib:takeover:{interview_id}"))
        self.interview_id = interview_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any],
                             match: re.Match[str], /) -> TakeoverButton:
        return cls(match["iid"])

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _recruiter_only(interaction, NOT_A_RECRUITER)

    async def callback(self, interaction: discord.Interaction) -> None:
        actions = _client(interaction).actions
        await _run_privately(interaction, "Take over", lambda: actions.takeover(
            guild_id=interaction.guild_id or 0, interview_id=self.interview_id,
            recruiter=interaction.user))


class HandbackButton(ui.DynamicItem[ui.Button[Any]], template=rf"ib:handback:{_ID}"):
    def __init__(self, interview_id: str) -> None:
        super().__init__(ui.Button(label="Hand back to the bot",
                                   style=discord.ButtonStyle.secondary,
                                   custom_id=f"ib:handback:{interview_id}"))
        self.interview_id = interview_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any],
                             match: re.Match[str], /) -> HandbackButton:
        return cls(match["iid"])

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _recruiter_only(interaction, NOT_A_RECRUITER)

    async def callback(self, interaction: discord.Interaction) -> None:
        actions = _client(interaction).actions
        await _run_privately(interaction, "Hand back", lambda: actions.handback(
            guild_id=interaction.guild_id or 0, interview_id=self.interview_id,
            actor=interaction.user))


HANDOVER_BUTTONS = {"takeover": TakeoverButton, "handback": HandbackButton}


def notice_view(interview_id: str, actions: tuple[str, ...]) -> ui.View | None:
    buttons = [HANDOVER_BUTTONS[a](interview_id) for a in actions if a in HANDOVER_BUTTONS]
    if not buttons:
        return None
    view = ui.View(timeout=None)
    for button in buttons:
        view.add_item(button)
    return view


# ------------------------------------------------------------------ reviews


def review_view(interview_id: str, scores: list[dict[str, Any]]) -> ui.View | None:
    """The report embed's review select: one option per scored question (at most 25)."""
    if not scores:
        return None
    view = ui.View(timeout=None)
    view.add_item(ReviewSelect(interview_id, [
        discord.SelectOption(label=_option_label(s), value=str(s.get("position")))
        for s in scores[:25]]))
    return view


def _option_label(score: dict[str, Any]) -> str:
    human = score.get("human")
    shown = f"{score.get('score')}/5" + (f" → {human['score']}/5" if human else "")
    return f"{score.get('position')}. {score.get('topic') or score.get('question_id')} · " \
           f"{shown}"[:100]


class ReviewSelect(ui.DynamicItem[ui.Select[Any]], template=rf"ib:review:{_ID}"):
    def __init__(self, interview_id: str, options: list[discord.SelectOption]) -> None:
        super().__init__(ui.Select(custom_id=f"ib:review:{interview_id}",
                                   placeholder="Review a score: agree or adjust",
                                   min_values=1, max_values=1, options=options))
        self.interview_id = interview_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any],
                             match: re.Match[str], /) -> ReviewSelect:
        options = list(getattr(item, "options", []) or [])
        return cls(match["iid"], options or [discord.SelectOption(label="-", value="0")])

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _recruiter_only(interaction, NOT_A_REVIEWER)

    async def callback(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        position = int(values[0]) if values and str(values[0]).isdigit() else 0
        service = _client(interaction).service
        lines = {line.position: line for line in await service.review_lines(self.interview_id)}
        line = lines.get(position)
        if line is None or interaction.message is None:
            await _answer_privately(interaction, "That question has no score to review.")
            return
        human = line.human
        already = (f" It is at {human.score}/5 by {human.reviewer_name or human.reviewer_id}."
                   if human else "")
        text = (f"**{discord.utils.escape_markdown(line.topic)}**: the machine scored "
                f"**{line.machine_score}/5**.{already}\n> "
                f"{discord.utils.escape_mentions(line.justification)[:1200]}")
        view = ui.View(timeout=None)
        message_id = interaction.message.id
        view.add_item(AgreeButton(self.interview_id, position, message_id))
        view.add_item(AdjustButton(self.interview_id, position, message_id))
        await interaction.response.send_message(text[:1900], view=view, ephemeral=True,
                                                allowed_mentions=NO_PINGS)


_REVIEWED = rf"{_ID}:(?P<pos>[0-9]{{1,3}}):(?P<msg>[0-9]{{1,20}})"


class AgreeButton(ui.DynamicItem[ui.Button[Any]], template=rf"ib:agree:{_REVIEWED}"):
    def __init__(self, interview_id: str, position: int, message_id: int) -> None:
        super().__init__(ui.Button(label="Agree", style=discord.ButtonStyle.success,
                                   custom_id=f"ib:agree:{interview_id}:{position}:{message_id}"))
        self.interview_id, self.position, self.message_id = interview_id, position, message_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any],
                             match: re.Match[str], /) -> AgreeButton:
        return cls(match["iid"], int(match["pos"]), int(match["msg"]))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _recruiter_only(interaction, NOT_A_REVIEWER)

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = await record_review(interaction, self.interview_id, self.position,
                                   self.message_id, verdict="agree")
        await _answer_privately(interaction, text)


class AdjustButton(ui.DynamicItem[ui.Button[Any]], template=rf"ib:adjust:{_REVIEWED}"):
    def __init__(self, interview_id: str, position: int, message_id: int) -> None:
        super().__init__(ui.Button(label="Adjust…", style=discord.ButtonStyle.secondary,
                                   custom_id=f"ib:adjust:{interview_id}:{position}:{message_id}"))
        self.interview_id, self.position, self.message_id = interview_id, position, message_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any],
                             match: re.Match[str], /) -> AdjustButton:
        return cls(match["iid"], int(match["pos"]), int(match["msg"]))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _recruiter_only(interaction, NOT_A_REVIEWER)

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(
            AdjustForm(self.interview_id, self.position, self.message_id))


class AdjustForm(ui.Modal, title="Adjust the score"):
    """A score 1-5 and the reason for it (kept with it; the report shows both)."""

    score: ui.TextInput[AdjustForm] = ui.TextInput(
        label="Your score (1-5)", custom_id="score", min_length=1, max_length=1,
        placeholder="4")
    reason: ui.TextInput[AdjustForm] = ui.TextInput(
        label="Why", custom_id="reason", style=discord.TextStyle.paragraph, min_length=1,
        max_length=1000)

    def __init__(self, interview_id: str, position: int, message_id: int) -> None:
        super().__init__(custom_id=f"ib:adjustform:{interview_id}:{position}:{message_id}",
                         timeout=900)
        self.interview_id, self.position, self.message_id = interview_id, position, message_id

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _recruiter_only(interaction, NOT_A_REVIEWER)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        raw = str(self.score.value).strip()
        if raw not in ("1", "2", "3", "4", "5"):
            await _answer_privately(interaction, f"`{raw}` is not a score: give a whole "
                                                 "number from 1 to 5. Nothing was saved.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = await record_review(interaction, self.interview_id, self.position,
                                   self.message_id, verdict="adjust", score=int(raw),
                                   reason=str(self.reason.value))
        await _answer_privately(interaction, text)


async def record_review(interaction: discord.Interaction, interview_id: str, position: int,
                        message_id: int, *, verdict: str, score: int | None = None,
                        reason: str = "") -> str:
    """Store the review and redraw the report embed with the reviewed scores; what to tell
    the reviewer."""
    client = _client(interaction)
    user = interaction.user
    try:
        delivery = await client.service.review_score(
            interview_id, position=position, reviewer_id=str(user.id),
            reviewer_name=getattr(user, "display_name", "") or str(user.id), verdict=verdict,
            score=score, reason=reason)
    except InterviewError as exc:
        return str(exc)
    try:
        await client.port.redraw_report(delivery, message_id)
    except discord.HTTPException as exc:
        logger.warning("could not redraw report %s: %s %s", interview_id[:8], exc.status,
                       exc.code)
    line = next((s for s in delivery.export.get("scores") or []
                 if s.get("position") == position), {})
    human = (line.get("human") or {}).get("score")
    return (f"Saved: {line.get('topic')} is at {human}/5 (the machine's {line.get('score')}/5 "
            f"is kept). The report now reads: {delivery.recommendation}.")


DYNAMIC_ITEMS = (TakeoverButton, HandbackButton, ReviewSelect, AgreeButton, AdjustButton)
