"""Opening a repair: consent first, one plain refusal for each thing that cannot be, a private thread."""

from __future__ import annotations

from bot.app import MendBot
from bot.wording import opening, refusals, turns
from tests.e2e.steps import accept, open_repair, posted, repair_threads, start
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


async def test_the_privacy_notice_comes_the_first_time_and_the_safety_question_every_time(
    world: World, mend: MendBot
) -> None:
    reply = await (await world.alex.slash("repair start", world.general, partner=world.sam.user)).reply()
    assert reply.message is not None
    assert opening.PRIVACY_NOTICE in reply.text and opening.safety_question(world.sam.id) in reply.text
    stop = await (await world.alex.press(reply.message, opening.NOT_NOW)).reply()
    assert stop.type == 7 and reply.message.text == opening.NOTHING_STARTED
    assert repair_threads(world) == []

    thread = await open_repair(world, world.alex, world.sam, topic="Sunday")
    assert thread.name == "Sunday"
    await world.standin.delete_channel(thread)
    await mend.db.mark_gone((await mend.db.rupture_in_thread(thread.id)).id)  # type: ignore[union-attr]
    again = await (await world.alex.slash("repair start", world.general, partner=world.sam.user)).reply()
    assert again.type == 4 and again.ephemeral
    assert opening.PRIVACY_NOTICE not in again.text, "the notice was seen once"
    assert opening.safety_question(world.sam.id) in again.text, "the safety question is asked every time"


async def test_a_parent_child_repair_is_started_by_the_parent(world: World, mend: MendBot) -> None:
    reply = await (
        await world.alex.slash("repair start", world.general, partner=world.sam.user, protocol="parent-child")
    ).reply()
    assert reply.message is not None and opening.LED_BY_A_PARENT in reply.text
    assert reply.message.buttons()[0]["label"] == opening.START_AS_PARENT


async def test_the_invitation_pings_only_the_partner_and_only_they_can_answer(world: World, mend: MendBot) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    invitation = world.standin.messages(thread)[0]
    assert invitation.pings() == {f"user:{world.sam.id}"}
    assert opening.READERS in invitation.text
    reply = await (await world.alex.press(invitation, turns.READY)).reply()
    assert reply.text == refusals.only_invitee(world.sam.id)
    thread_payload = world.standin.calls("POST", "/channels/{channel_id}/threads")[0].body
    assert thread_payload["type"] == 12
    assert thread_payload["invitable"] is False
    assert thread_payload["auto_archive_duration"] == 10080


async def test_refusals_are_one_plain_sentence(world: World, mend: MendBot) -> None:
    assert await _refusal(world, world.alex, partner=world.alex.user) == opening.NEEDS_TWO
    assert await _refusal(world, world.alex, partner=world.helper_bot.user) == opening.NO_BOTS
    stranger = world.standin.add_user("stranger")
    assert await _refusal(world, world.alex, partner=stranger) == opening.not_a_member(stranger.id)
    assert await _refusal(world, world.alex, partner=world.sam.user, protocol="poetry") == (
        opening.no_such_protocol("poetry")
    )


async def test_a_pair_with_an_open_repair_gets_a_link_to_it(world: World, mend: MendBot) -> None:
    thread = await open_repair(world, world.alex, world.sam)
    reply = await (await world.sam.slash("repair start", world.general, partner=world.alex.user)).reply()
    assert reply.ephemeral
    assert reply.text == opening.already_open(thread.id)
    assert len(repair_threads(world)) == 1


async def test_a_channel_without_thread_permission_is_named(world: World, mend: MendBot) -> None:
    await world.standin.set_overwrite(world.general, world.application.bot, deny=Permission.CREATE_PRIVATE_THREADS)
    text = await _refusal(world, world.alex, partner=world.sam.user)
    assert text == opening.missing_permissions(world.general.id, ["Create Private Threads"])
    await world.standin.set_overwrite(
        world.general, world.application.bot, deny=Permission.EMBED_LINKS | Permission.SEND_MESSAGES_IN_THREADS
    )
    text = await _refusal(world, world.alex, partner=world.sam.user)
    assert opening.missing_permissions(world.general.id, ["Send Messages in Threads", "Embed Links"]) in text


async def test_in_a_dm_mend_says_repairs_happen_in_a_server(world: World, mend: MendBot) -> None:
    dm = world.standin.open_dm(world.alex.user, world.application.bot)
    private = Person(world.standin, world.application, world.alex.user, None)
    reply = await (await private.slash("repair start", dm, partner=world.sam.user)).reply()
    assert reply.ephemeral
    assert reply.text == opening.IN_A_SERVER


async def test_the_protocol_option_autocompletes_the_installed_protocols(world: World, mend: MendBot) -> None:
    choices = await world.alex.autocomplete("repair start", world.general, "protocol", protocol="rep")
    names = [c["name"] for c in choices.data["choices"]]
    assert names == ["Full repair", "Parent–child repair", "Quick repair"]
    only = await world.alex.autocomplete("repair start", world.general, "protocol", protocol="par")
    assert [c["value"] for c in only.data["choices"]] == ["parent-child"]


async def test_an_invitation_answered_before_mend_heard_it_was_posted_still_loses_its_buttons(
    world: World, mend: MendBot
) -> None:
    """A quick "I'm ready" can come before Discord's answer to posting the invitation reaches Mend
    (seen under load): the invitation's buttons are still retired once the repair has begun."""
    held = world.standin.hold("POST", "/channels/{channel_id}/messages", after_handling=True)
    await start(world, world.alex, world.sam)
    await held.arrived.wait()  # the invitation is in the thread; Mend has not heard back yet
    thread = repair_threads(world)[-1]
    await accept(world, world.sam, thread)
    steps = mend.protocols["quick"].steps
    await posted(world, thread, turns.step_heading(1, len(steps), steps[0].title))
    held.release.set()
    invitation = world.standin.messages(thread)[0]
    await world.standin.until(lambda: not any(b.get("label") == turns.READY for b in invitation.buttons()))
