"""Opening a repair: consent first, one plain refusal for each thing that cannot be, a private thread."""

from __future__ import annotations

from bot.app import MendBot
from tests.e2e.steps import open_repair, repair_threads
from tests.helpers import World
from tests.standin.actors import Person
from tests.standin.world import Permission


async def _refusal(world: World, person: Person, **options: object) -> str:
    sent = await person.slash("repair start", world.general, **options)
    reply = await sent.reply()
    assert reply.type == 4, "a refusal is answered at once"
    assert reply.ephemeral
    assert repair_threads(world) == []
    return reply.text


async def test_the_first_repair_asks_for_consent_once(world: World, mend: MendBot) -> None:
    reply = await (await world.alex.slash("repair start", world.general, partner=world.sam.user)).reply()
    assert reply.message is not None
    assert "server moderators and admins" in reply.text and "can read private threads" in reply.text
    stop = await (await world.alex.press(reply.message, "Not now")).reply()
    assert stop.text == "Okay. Nothing was started."
    assert repair_threads(world) == []

    thread = await open_repair(world, world.alex, world.sam, topic="Sunday")
    assert thread.name == "Sunday"
    await world.standin.delete_channel(thread)
    await mend.db.mark_gone((await mend.db.rupture_in_thread(thread.id)).id)  # type: ignore[union-attr]
    sent = await world.alex.slash("repair start", world.general, partner=world.sam.user)
    assert (await sent.reply()).type == 5, "no second notice: the thread is opened straight away"
    assert "I've opened" in (await sent.followup()).text


async def test_the_invitation_pings_only_the_partner_and_only_they_can_answer(world: World, mend: MendBot) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    invitation = world.standin.messages(thread)[0]
    assert invitation.pings() == {f"user:{world.sam.id}"}
    assert "moderators and admins" in invitation.text
    reply = await (await world.alex.press(invitation, "I'm ready")).reply()
    assert reply.text == f"Only {world.sam.mention} can answer this invitation."
    thread_payload = world.standin.calls("POST", "/channels/{channel_id}/threads")[0].body
    assert thread_payload["type"] == 12
    assert thread_payload["invitable"] is False
    assert thread_payload["auto_archive_duration"] == 10080


async def test_refusals_are_one_plain_sentence(world: World, mend: MendBot) -> None:
    assert await _refusal(world, world.alex, partner=world.alex.user) == (
        "A repair takes two people: choose the person you'd like to repair with."
    )
    assert await _refusal(world, world.alex, partner=world.helper_bot.user) == (
        "Repairs are between people; bots can't take part."
    )
    stranger = world.standin.add_user("stranger")
    assert await _refusal(world, world.alex, partner=stranger) == (
        f"<@{stranger.id}> isn't in this server, so Mend can't invite them here."
    )
    assert await _refusal(world, world.alex, partner=world.sam.user, protocol="poetry") == (
        "There is no way of repairing called 'poetry': choose one from the list."
    )


async def test_a_pair_with_an_open_repair_gets_a_link_to_it(world: World, mend: MendBot) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    reply = await (await world.sam.slash("repair start", world.general, partner=world.alex.user)).reply()
    assert reply.ephemeral
    assert reply.text == f"You two already have an open repair: <#{thread.id}>."
    assert len(repair_threads(world)) == 1


async def test_a_channel_without_thread_permission_is_named(world: World, mend: MendBot) -> None:
    await world.standin.set_overwrite(world.general, world.application.bot, deny=Permission.CREATE_PRIVATE_THREADS)
    text = await _refusal(world, world.alex, partner=world.sam.user)
    assert text == (
        f"Mend can't open a private thread in <#{world.general.id}>: it is missing the Create Private Threads "
        "permission there. A server admin can grant it in the channel's settings."
    )
    await world.standin.set_overwrite(
        world.general, world.application.bot, deny=Permission.EMBED_LINKS | Permission.SEND_MESSAGES_IN_THREADS
    )
    text = await _refusal(world, world.alex, partner=world.sam.user)
    assert "missing the Send Messages in Threads and Embed Links permissions" in text


async def test_in_a_dm_mend_says_repairs_happen_in_a_server(world: World, mend: MendBot) -> None:
    dm = world.standin.open_dm(world.alex.user, world.application.bot)
    private = Person(world.standin, world.application, world.alex.user, None)
    reply = await (await private.slash("repair start", dm, partner=world.sam.user)).reply()
    assert reply.ephemeral
    assert reply.text == "Mend's repairs happen inside a server: use this there."


async def test_the_protocol_option_autocompletes_the_installed_protocols(world: World, mend: MendBot) -> None:
    choices = await world.alex.autocomplete("repair start", world.general, "protocol", protocol="rep")
    names = [c["name"] for c in choices.data["choices"]]
    assert names == ["Full repair", "Parent–child repair", "Quick repair"]
    only = await world.alex.autocomplete("repair start", world.general, "protocol", protocol="par")
    assert [c["value"] for c in only.data["choices"]] == ["parent-child"]
