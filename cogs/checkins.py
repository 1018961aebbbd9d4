"""Check-ins: one APScheduler sweep over what the database says is due, and the answers to them.

The sweep claims due rows (the claim is committed first), sends each item once, then records it.
A process killed after claiming leaves the item to be claimed again at the next start; one killed
after sending is caught by looking for the sent message before sending again (and Discord's
`enforce_nonce` catches a quick retry). After downtime each rupture gets one catch-up, because a
rupture has one due item and the next is planned from when this one went out.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import discord
from discord.ext import commands

from bot.app import MendBot, answer_privately
from bot.checkins import (
    Claim,
    Handled,
    Result,
    Waking,
    break_over,
    checkin_sent,
    followup_answered,
    followup_asked,
    reminder_sent,
    still_due,
    waking_moment,
)
from bot.clock import to_timestamp
from bot.protocols import Role
from bot.repair import Cadence, Change, Due, FollowUp, Rupture
from cogs._turns import checkin_view, render_prompt
from cogs._ui import COLOUR, DISCORD_FAILURES, Interaction, MendButton, buttons, mention

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=1)
LEASE = timedelta(minutes=5)
RETRY_AFTER = timedelta(minutes=1)
BATCH = 250
PARALLEL_SENDS = 8
_ID = r"\d{1,19}"
FOLLOWUP_TEMPLATE = re.compile(
    rf"mend:followup:(?P<rid>{_ID}):(?P<role>first|second):(?P<answer>ask|yes|partly|notyet)"
)

CHECKIN_TITLE = "Checking in"
REMINDER_TITLE = "A gentle reminder"
BREAK_OVER = "The break is over. Ready when you are."
FOLLOWUP_TITLE = "Your commitment"
ANSWERS = {
    "yes": "That's lovely. Keeping a promise to each other is a repair in itself.",
    "partly": "Partly still counts. What got in the way is worth noticing, kindly.",
    "notyet": "That's okay. It isn't too late, and it's yours to pick up when you can.",
}
PINGS_THE_PAIR = discord.AllowedMentions(everyone=False, users=True, roles=False)


class FollowupButton(MendButton, template=FOLLOWUP_TEMPLATE):
    """The private question, a few days after a resolve: did the commitment you named happen?"""

    def __init__(self, rupture_id: int, role: Role, answer: str, label: str = "·") -> None:
        self.rupture_id, self.role, self.answer = rupture_id, role, answer
        super().__init__(f"mend:followup:{rupture_id}:{role.value}:{answer}", label)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FollowupButton:
        return cls(int(match["rid"]), Role(match["role"]), match["answer"])

    async def pressed(self, interaction: Interaction) -> None:
        db = interaction.client.db
        rupture = await db.rupture(self.rupture_id)
        if rupture is None or rupture.user_id(self.role) != interaction.user.id:
            whose = mention(rupture.user_id(self.role)) if rupture else "someone else"
            await answer_privately(interaction, f"This question is for {whose}.")
            return
        if self.answer == "ask":
            await answer_privately(
                interaction, _followup_question(rupture, self.role), view=_followup_view(rupture.id, self.role)
            )
            return
        while rupture.seat(self.role).followup is not FollowUp.ANSWERED:
            if await db.save(Change(followup_answered(rupture, self.role)), rupture.version) is not None:
                break
            fresh = await db.rupture(self.rupture_id)
            assert fresh is not None
            rupture = fresh
        reply = f"{ANSWERS[self.answer]} Only you see this; Mend keeps only that you answered."
        await interaction.response.edit_message(content=reply, embed=None, view=None)


def _followup_question(rupture: Rupture, role: Role) -> str:
    seat = rupture.seat(role)
    where = f"https://discord.com/channels/{rupture.guild_id}/{rupture.thread_id}"
    if seat.commitment_message_id is not None:
        where += f"/{seat.commitment_message_id}"
    return (
        f"A few days ago, at the end of a repair, you named one thing you'd do ({where}). Did it happen? "
        "Only you see your answer; Mend doesn't share it."
    )


def _followup_view(rupture_id: int, role: Role) -> discord.ui.View:
    answers = (("yes", "Yes"), ("partly", "Partly"), ("notyet", "Not yet"))
    return buttons(*(FollowupButton(rupture_id, role, answer, label) for answer, label in answers))


class Checkins(commands.Cog):
    """Runs the sweep and answers check-in and follow-up buttons."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot
        self._sends = asyncio.Semaphore(PARALLEL_SENDS)
        self._sweeping = asyncio.Lock()
        self._swept_once = False

    async def cog_load(self) -> None:
        if not self.bot.schedules:
            return
        released = await self.bot.db.release_claims()
        if released:
            log.info("Released %d claim(s) left by the previous process", released)
        self.bot.run_every("checkin-sweep", SWEEP_EVERY, self.sweep, now_too=True)

    async def cog_unload(self) -> None:
        self.bot.stop_running("checkin-sweep")

    async def sweep(self) -> Counter[str]:
        """Handle everything due now, in batches; return how each item ended (for logs and tests).

        Per batch the database is read twice (the claim, then people's hours and the servers'
        cadences) and written twice (the claim, then one transaction recording every outcome).
        """
        outcomes: Counter[str] = Counter()
        db = self.bot.db
        async with self._sweeping:
            now = self.bot.clock.now()
            while claims := await db.claim_due(now, lease=LEASE, limit=BATCH):
                waking, cadences = await db.sweep_context(claim.rupture for claim in claims)
                handled = await asyncio.gather(
                    *(self._handle_safely(claim, waking, cadences[claim.rupture.guild_id], now) for claim in claims)
                )
                await db.settle(handled)
                outcomes.update(item.label for item in handled)
                if len(claims) < BATCH:
                    break
        if outcomes or not self._swept_once:
            log.info("Check-in sweep handled %d item(s): %s", outcomes.total(), dict(outcomes))
        self._swept_once = True
        return outcomes

    async def _handle_safely(self, claim: Claim, waking: dict[int, Waking], cadence: Cadence, now: datetime) -> Handled:
        """One item; whatever happens to it, the others go on."""
        rupture = claim.rupture
        try:
            async with self._sends:
                return await self._handle(claim, waking, cadence, now)
        except discord.NotFound as error:
            if error.code == 10003:
                return Handled(claim, Result.GONE)
            log.warning("Due %s of rupture %s: %s; retrying later", claim.due, rupture.id, error)
        except discord.Forbidden as error:
            log.warning(
                "Missing permission in guild %s for rupture %s (%s); held until settings change",
                rupture.guild_id,
                rupture.id,
                error,
            )
            return Handled(claim, Result.BLOCKED)
        except DISCORD_FAILURES as error:
            log.warning("Due %s of rupture %s failed (%s); retrying next sweep", claim.due, rupture.id, error)
        except Exception:
            log.exception("Due %s of rupture %s failed; retrying next sweep", claim.due, rupture.id)
        return Handled(claim, Result.RETRY, when=now + RETRY_AFTER)

    async def _handle(self, claim: Claim, waking: dict[int, Waking], cadence: Cadence, now: datetime) -> Handled:
        rupture = claim.rupture
        if not still_due(rupture, claim.due):
            return Handled(claim, Result.MOVED_ON)
        people = [waking[s.user_id] for s in (rupture.first, rupture.second) if s.user_id in waking]
        woken = waking_moment(now, people)
        if woken > now:
            return Handled(claim, Result.QUIET, when=woken)
        if self.bot.db.changed_since(rupture):
            return Handled(claim, Result.SUPERSEDED)  # someone acted since the claim: look again next time
        if claim.due is Due.FOLLOWUP:
            return Handled(claim, Result.SENT, await self._follow_up(rupture, claim))
        thread = self._thread(rupture)
        if claim.attempt == 1 or not await self._sent_already(thread, claim, _matches(claim.due, rupture.id)):
            prompt_id = await self._send(thread, rupture, claim)
            if prompt_id is not None:
                rupture = replace(rupture, prompt_message_id=prompt_id)
        if claim.due is Due.CHECKIN:
            recorded = checkin_sent(rupture, cadence, now)
        elif claim.due is Due.INVITE_REMINDER:
            recorded = reminder_sent(rupture)
        else:
            recorded = break_over(rupture, cadence, now)
        return Handled(claim, Result.SENT, recorded)

    async def _send(self, thread: discord.PartialMessageable, rupture: Rupture, claim: Claim) -> int | None:
        """Post the item in the thread; return the id of a message that now carries the prompt."""
        nonce = _nonce(rupture.id, claim.due_at)
        both = f"{mention(rupture.first.user_id)} {mention(rupture.second.user_id)}"
        if claim.due is Due.CHECKIN:
            embed = discord.Embed(
                title=CHECKIN_TITLE,
                colour=COLOUR,
                description=(
                    "It's been a little while since you were last here together. There's no rush and no "
                    "pressure. When you're ready you can pick up where you left off, and if things are "
                    "already okay between you, you can both say so. Either of you can also snooze this, "
                    "or ask Mend to stop checking in. Your answers are private."
                ),
            )
            await thread.send(
                both, embed=embed, view=checkin_view(rupture.id), nonce=nonce, allowed_mentions=PINGS_THE_PAIR
            )
            return None
        if claim.due is Due.INVITE_REMINDER:
            embed = discord.Embed(
                title=REMINDER_TITLE,
                colour=COLOUR,
                description=(
                    f"{mention(rupture.first.user_id)}'s invitation is still here, whenever you're ready. "
                    "There's no rush, and *Not now* is always fine too. Mend won't remind you again."
                ),
            )
            await thread.send(
                mention(rupture.second.user_id), embed=embed, nonce=nonce, allowed_mentions=PINGS_THE_PAIR
            )
            return None
        protocol = self.bot.protocols[rupture.protocol]
        prompt, view = render_prompt(rupture, protocol)
        notice = discord.Embed(description=BREAK_OVER, colour=COLOUR)
        message = await thread.send(
            both, embeds=[notice, prompt], view=view, nonce=nonce, allowed_mentions=PINGS_THE_PAIR
        )
        if rupture.prompt_message_id is not None:
            try:
                await thread.get_partial_message(rupture.prompt_message_id).edit(view=None)
            except discord.HTTPException:
                log.warning("Could not retire the old prompt of rupture %s", rupture.id, exc_info=True)
        return message.id

    async def _follow_up(self, rupture: Rupture, claim: Claim) -> Rupture:
        """Ask each person with a named commitment, privately, whether it happened."""
        for role in (Role.FIRST, Role.SECOND):
            user_id = rupture.user_id(role)
            if rupture.seat(role).followup is not FollowUp.PENDING or user_id is None:
                continue
            if claim.attempt == 1 or not await self._asked_already(rupture, role, claim):
                await self._ask(rupture, role, user_id, claim)
            rupture = followup_asked(rupture, role)
        return rupture

    async def _ask(self, rupture: Rupture, role: Role, user_id: int, claim: Claim) -> None:
        nonce = _nonce(rupture.id, claim.due_at, role)
        question = _followup_question(rupture, role)
        try:
            dm = await self._dm(user_id)
            embed = discord.Embed(title=FOLLOWUP_TITLE, description=question, colour=COLOUR)
            await dm.send(embed=embed, view=_followup_view(rupture.id, role), nonce=nonce)
        except discord.Forbidden as error:
            if error.code != 50007:
                raise
            # Their DMs are closed: ask in the thread, neutrally; the answer itself stays private.
            view = buttons(FollowupButton(rupture.id, role, "ask", "Answer privately"))
            embed = discord.Embed(
                description="Mend has a private question for you about your commitment.", colour=COLOUR
            )
            await self._thread(rupture).send(
                mention(user_id), embed=embed, view=view, nonce=nonce, allowed_mentions=PINGS_THE_PAIR
            )

    async def _asked_already(self, rupture: Rupture, role: Role, claim: Claim) -> bool:
        marker = f"mend:followup:{rupture.id}:{role.value}:"

        def asked(message: discord.Message) -> bool:
            return any(str(getattr(c, "custom_id", "")).startswith(marker) for c in _components(message))

        user_id = rupture.user_id(role)
        assert user_id is not None
        with_dm = await self._sent_already(await self._dm(user_id), claim, asked)
        return with_dm or await self._sent_already(self._thread(rupture), claim, asked)

    async def _sent_already(
        self, channel: discord.abc.Messageable, claim: Claim, matches: Callable[[discord.Message], bool]
    ) -> bool:
        """Whether this item went out before a crash: a message of ours after its first claim."""
        after = discord.Object(discord.utils.time_snowflake(claim.first_claimed_at - timedelta(minutes=1)))
        me = self.bot.user
        async for message in channel.history(limit=50, after=after):
            if me is not None and message.author.id == me.id and matches(message):
                return True
        return False

    async def _dm(self, user_id: int) -> discord.PartialMessageable:
        # Discord's spec types recipient_id as a string snowflake; pass it as one.
        data = await self.bot.http.start_private_message(str(user_id))
        return self.bot.get_partial_messageable(int(data["id"]), type=discord.ChannelType.private)

    def _thread(self, rupture: Rupture) -> discord.PartialMessageable:
        assert rupture.thread_id is not None
        return self.bot.get_partial_messageable(
            rupture.thread_id, guild_id=rupture.guild_id, type=discord.ChannelType.private_thread
        )


def _components(message: discord.Message) -> list[Any]:
    found: list[Any] = []
    for row in message.components:
        found.extend(getattr(row, "children", [row]))
    return found


def _matches(due: Due, rupture_id: int) -> Callable[[discord.Message], bool]:
    """How to recognise an already-sent item of this kind among the thread's recent messages."""

    def matches(message: discord.Message) -> bool:
        if due is Due.CHECKIN:
            return any(getattr(c, "custom_id", None) == f"mend:checkin:{rupture_id}:okay" for c in _components(message))
        text = [embed.title or embed.description or "" for embed in message.embeds]
        return (REMINDER_TITLE if due is Due.INVITE_REMINDER else BREAK_OVER) in text

    return matches


def _nonce(rupture_id: int, due_at: datetime, role: Role | None = None) -> str:
    """The same nonce for every attempt at one item, so Discord keeps only the first (≤ 25 characters)."""
    suffix = "" if role is None else role.value[0]
    return f"{rupture_id:x}{to_timestamp(due_at):x}{suffix}"


async def setup(bot: MendBot) -> None:
    bot.register_components(FollowupButton)
    await bot.add_cog(Checkins(bot))
