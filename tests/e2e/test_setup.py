"""Server setup: only managers change it, it is audited, and it names missing permissions and readers."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.app import MendBot
from bot.wording import opening, server
from tests.e2e.steps import accept, checkins, open_repair, posted, repair_threads, started_repair, sweep
from tests.helpers import FakeClock, World
from tests.standin.world import Permission


async def test_only_people_who_manage_the_server_can_set_it_up(world: World, mend: MendBot) -> None:
    reply = await (await world.alex.slash("mend-admin setup", world.general, cadence="2")).reply()
    assert reply.ephemeral
    assert reply.text.startswith(server.MANAGERS_ONLY)
    assert (await mend.db.guild_settings(world.guild.id)).checkin_days is None


async def test_setup_checks_the_channel_and_lists_who_can_read_private_threads(world: World, mend: MendBot) -> None:
    repairs = await world.standin.create_text_channel(world.guild, "repairs")
    mods = await world.standin.create_role(world.guild, "Mods", Permission.MEMBER_DEFAULT | Permission.MANAGE_THREADS)
    admins = await world.standin.create_role(world.guild, "Admins", Permission.ADMINISTRATOR)
    await world.standin.set_overwrite(
        repairs, world.application.bot, deny=Permission.CREATE_PRIVATE_THREADS | Permission.EMBED_LINKS
    )
    await world.standin.set_overwrite(repairs, world.sam.user, allow=Permission.MANAGE_THREADS)
    reply = await (await world.owner.slash("mend-admin setup", world.general, channel=repairs, cadence="1, 2")).reply()
    assert reply.ephemeral
    text = reply.text
    assert f"<#{repairs.id}>" in text
    assert server.missing(["Create Private Threads", "Embed Links"]) in text
    readers = text.split(server.readers_in("repairs"))[1]
    assert f"<@&{mods.id}>" in readers and f"<@&{admins.id}>" in readers
    assert world.sam.mention in readers, "a member-specific Manage Threads overwrite is listed too"
    assert f"<@{world.owner.id}> (the server owner)" in readers
    assert server.cadence(["1", "2"]) in text

    shown = await (await world.alex.slash("mend settings", world.general)).reply()
    assert shown.ephemeral
    assert f"{world.owner.mention} changed the repair channel" in shown.text
    assert f"{world.owner.mention} changed the check-in cadence" in shown.text


async def test_the_chosen_channel_role_protocol_and_cadence_are_used(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    repairs = await world.standin.create_text_channel(world.guild, "repairs")
    family = await world.standin.create_role(world.guild, "Family", Permission.MEMBER_DEFAULT)
    await (
        await world.owner.slash(
            "mend-admin setup", world.general, channel=repairs, role=family, protocol="full", cadence="2"
        )
    ).reply()

    refused = await (await world.alex.slash("repair start", world.general, partner=world.sam.user)).reply()
    assert refused.text == opening.needs_role(family.id)
    world.guild.members[world.alex.id].roles.append(family.id)
    refused = await (await world.alex.slash("repair start", world.general, partner=world.sam.user)).reply()
    assert refused.text == opening.partner_lacks_role(world.sam.id, family.id)
    world.guild.members[world.sam.id].roles.append(family.id)

    thread = await open_repair(world, world.alex, world.sam)
    assert thread.parent_id == repairs.id
    assert "**Full repair**" in world.standin.messages(thread)[0].text
    await accept(world, world.sam, thread)
    await posted(world, thread, "Step 1 of 10")
    clock.advance(days=1)
    assert await sweep(mend) == Counter()
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"checkin": 1})

    await (await world.owner.slash("mend-admin setup", world.general, role=world.guild.everyone)).reply()
    assert (await mend.db.guild_settings(world.guild.id)).member_role_id is None, "@everyone lifts the limit"


async def test_a_held_check_in_is_retried_once_the_settings_change(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await started_repair(world)
    await world.standin.set_overwrite(world.general, world.application.bot, deny=Permission.SEND_MESSAGES_IN_THREADS)
    clock.advance(days=1)
    assert await sweep(mend) == Counter({"blocked": 1})
    await world.standin.set_overwrite(world.general, world.application.bot)
    clock.advance(minutes=5)
    assert await sweep(mend) == Counter()
    await (await world.owner.slash("mend-admin setup", world.general, channel=world.general)).reply()
    assert await sweep(mend) == Counter({"checkin": 1})
    assert len(checkins(world, thread)) == 1
    assert repair_threads(world) == [thread]
    assert clock.now() - thread.created_at >= timedelta(days=1)
