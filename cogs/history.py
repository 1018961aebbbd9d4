"""`/repair history`: a private look back at one's repairs, with a picture; and sharing it as a pair.

The command is deferred at once; the picture is drawn in the painter's worker process, and the
answer follows. Sharing needs both people to choose it privately: a single choice changes nothing
anyone can see, and nobody is ever told that the other did not choose it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import discord

from bot.app import Interaction
from bot.components import Choice, ShareButton
from bot.history import history, latest_thread, window_start
from bot.i18n import _, speaking
from bot.plan import Attachment, Button, Post, Reply
from bot.protocols import translated
from bot.wording import history as words
from bot.wording import opening
from bot.wording.common import problem
from cogs.ui import executor
from cogs.ui.channels import DISCORD_FAILURES, archive_quietly, partial_thread, problem_of

log = logging.getLogger(__name__)

PICTURE_FILE = "mend-history.png"
SHARE_CHOICE_LASTS = timedelta(days=7)
SHARE_BUTTONS = 5


async def show(interaction: Interaction) -> None:
    """The person's repairs in this server over the past year: a summary, a list and a picture."""
    bot, guild, me = interaction.client, interaction.guild, interaction.user.id
    assert guild is not None
    await executor.defer(interaction)
    now = bot.clock.now()
    zone = await bot.db.zone_of(me)
    past = await bot.db.past_repairs(guild.id, me, window_start(now, zone))
    present = history(past.ruptures, me, now, zone, left=past.left, earlier=past.earlier)
    if not present.entries:
        await executor.answer(interaction, Reply(_(words.NOTHING_THIS_YEAR if past.earlier else words.NOTHING_YET)))
        return
    names, gone = await _names(guild, present.partners[:SHARE_BUTTONS])
    if gone:
        present = history(past.ruptures, me, now, zone, left=past.left | gone, earlier=past.earlier)
    chart = present.chart()
    png = await bot.painter.paint(words.picture(chart, zone.key))
    protocols = {key: translated(protocol).name for key, protocol in bot.protocols.items()}
    share = [Button.to(ShareButton(p, Choice.YES), words.share_with(names[p])) for p in present.partners if p in names]
    reply = Reply(
        words.summary(present.summary()),
        cards=(words.card(present.entries, protocols),),
        buttons=tuple(share),
        attachment=Attachment(PICTURE_FILE, png, words.alt_text(chart, zone.key)),
    )
    await executor.answer(interaction, reply)


async def _names(guild: discord.Guild, people: list[int]) -> tuple[dict[int, str], set[int]]:
    """The names of those still in the server (for the share buttons), and who turned out to have left."""
    names: dict[int, str] = {}
    gone: set[int] = set()

    async def look_up(user_id: int) -> None:
        try:
            member = guild.get_member(user_id) or await guild.fetch_member(user_id)
        except discord.NotFound:
            gone.add(user_id)
        except DISCORD_FAILURES as error:
            log.warning("Could not look up member %s of guild %s: %s", user_id, guild.id, error)
        else:
            names[user_id] = member.display_name

    await asyncio.gather(*(look_up(user_id) for user_id in people))
    return names, gone


async def share(interaction: Interaction, button: ShareButton) -> None:
    """Choose to share the picture with the other person; once both have, post it in their latest thread
    (in that thread's language)."""
    bot, guild_id, me, partner = interaction.client, interaction.guild_id, interaction.user.id, button.partner_id
    if guild_id is None:
        await executor.answer(interaction, Reply(_(opening.ONLY_IN_A_SERVER)))
        return
    if button.choice is Choice.NO:
        await bot.db.withdraw_share(guild_id, me, partner)
        await executor.Responder.of(interaction).update(content=_(words.NOT_SHARED), view=None)
        return
    now = bot.clock.now()
    zone = await bot.db.zone_of(me)
    past = await bot.db.past_repairs(guild_id, me, window_start(now, zone), partner=partner)
    thread_id = latest_thread(past.ruptures)
    if thread_id is None or partner == me:
        await executor.answer(interaction, Reply(words.nothing_to_share(partner)))
        return
    if not await bot.db.choose_to_share(guild_id, me, partner, now, SHARE_CHOICE_LASTS):
        undo = Button.to(ShareButton(partner, Choice.NO), _(words.DONT_SHARE))
        await executor.answer(interaction, Reply(words.share_waiting(partner), buttons=(undo,)))
        return
    await executor.defer(interaction)
    together = history(past.ruptures, me, now, zone, earlier=past.earlier)
    chart = together.chart()
    with speaking(next(r.language for r in past.ruptures if r.thread_id == thread_id)):  # the thread's
        picture, alt_text = words.picture(chart, zone.key, shared=True), words.alt_text(chart, zone.key, shared=True)
        card = words.shared_card(me, partner, together.summary())
    png = await bot.painter.paint(picture)
    post = Post((card,), attachment=Attachment(PICTURE_FILE, png, alt_text))
    try:
        await executor.post(partial_thread(bot, thread_id, guild_id), (post,))
    except DISCORD_FAILURES as error:
        log.warning("Could not post a shared history in thread %s: %s", thread_id, error)
        await executor.answer(interaction, Reply(words.could_not_share(problem(problem_of(error)))))
        return
    if await bot.db.open_rupture_between(guild_id, me, partner) is None:
        await archive_quietly(bot, thread_id)  # posting woke the thread of a repair that is over
    await executor.answer(interaction, Reply(words.shared(thread_id)))
