"""Discord failing at each call of the main flows: a clear word to the person, or the action completes.

Nothing is recorded as done that did not happen.
"""

from __future__ import annotations

import pytest

from bot.app import MendBot
from bot.rupture import Phase, Status
from bot.wording import opening, turns
from bot.wording.common import Problem, problem
from tests.e2e.steps import button, open_repair, posted, press, repair_threads, start, started_repair, write
from tests.helpers import World

THREADS = ("POST", "/channels/{channel_id}/threads")
MEMBERS = ("PUT", "/channels/{channel_id}/thread-members/{user_id}")
MESSAGES = ("POST", "/channels/{channel_id}/messages")
EDITS = ("PATCH", "/channels/{channel_id}/messages/{message_id}")
CALLBACK = ("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
FOLLOWUPS = ("POST", "/webhooks/{webhook_id}/{webhook_token}")
WORDS = {403: problem(Problem.FORBIDDEN), 404: problem(Problem.GONE)}


@pytest.mark.parametrize("route", [THREADS, MEMBERS, MESSAGES])
@pytest.mark.parametrize("status", [403, 404])
async def test_opening_fails_plainly_and_leaves_nothing_behind(
    world: World, mend: MendBot, route: tuple[str, str], status: int
) -> None:
    world.standin.fail(*route, status, code=50013 if status == 403 else 10003)
    answer = await start(world, world.outsider, world.sam)
    await world.standin.until(lambda: answer.text == opening.could_not_open(WORDS[status]))
    assert await mend.db.open_rupture_between(world.guild.id, world.outsider.id, world.sam.id) is None
    retry = await open_repair(world, world.outsider, world.sam)
    assert retry in repair_threads(world), "the pair can try again straight away"


@pytest.mark.parametrize("route", [THREADS, MEMBERS, MESSAGES, CALLBACK])
@pytest.mark.parametrize("status", [429, 500])
async def test_opening_completes_after_a_rate_limit_or_a_server_error(
    world: World, mend: MendBot, route: tuple[str, str], status: int
) -> None:
    world.standin.fail(*route, status, retry_after=0.05)
    thread = await open_repair(world, world.outsider, world.sam)
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.status is Status.INVITED


async def test_a_turn_that_cannot_be_posted_is_undone_and_the_words_given_back(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    before = await mend.db.rupture_in_thread(thread.id)
    world.standin.fail(*FOLLOWUPS, 403, code=50013)
    opened = await press(world, world.alex, thread, turns.WRITE)
    sent = await world.alex.submit(opened, "I felt left out on Sunday.")
    await sent.reply()
    answer = await sent.followup()
    assert answer.ephemeral
    assert answer.text.startswith(turns.undone(Problem.FORBIDDEN))
    assert "I felt left out on Sunday." in answer.text, "the words come back to the writer"
    after = await mend.db.rupture_in_thread(thread.id)
    assert after is not None and before is not None
    assert (after.position, after.status) == (before.position, before.status), "nothing recorded as done"
    await write(world, world.alex, thread, turns.WRITE, "I felt left out on Sunday.")
    await posted(world, thread, "I felt left out on Sunday.")


async def test_a_turn_whose_thread_was_deleted_closes_the_repair(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    opened = await press(world, world.alex, thread, turns.WRITE)
    await world.standin.delete_channel(thread)
    sent = await world.alex.submit(opened, "Are you there?")
    await sent.reply()
    answer = await sent.followup()
    assert answer.text.startswith(turns.THREAD_DELETED)
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.status is Status.GONE


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_a_turn_completes_through_a_retried_post_and_a_failed_tidy_up(
    world: World, mend: MendBot, status: int
) -> None:
    thread = await started_repair(world)
    opened = await press(world, world.alex, thread, turns.WRITE)
    world.standin.fail(*FOLLOWUPS, status, retry_after=0.05)
    world.standin.fail(*CALLBACK, 403, code=50013)  # the prompt cannot be updated in the answer...
    world.standin.fail(*EDITS, 403, code=50013)  # ...nor through the channel afterwards
    await (await world.alex.submit(opened, "It stung.")).reply()
    await posted(world, thread, "It stung.")
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.phase is Phase.MIRROR


async def test_a_press_during_a_gateway_drop_is_delivered_on_resume(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    prompt = await button(world, thread, turns.WRITE)
    await world.standin.drop_gateway(world.application)
    opened = await (await world.alex.press(prompt, turns.WRITE)).reply()
    assert opened.modal is not None
    assert world.standin.gateway.resumes


async def test_a_turn_lost_to_a_connection_reset_is_undone_and_the_words_given_back(
    world: World, mend: MendBot
) -> None:
    thread = await started_repair(world)
    world.standin.fail(*FOLLOWUPS, 0)
    opened = await press(world, world.alex, thread, turns.WRITE)
    sent = await world.alex.submit(opened, "I needed a hand.")
    await sent.reply()
    answer = await sent.followup()
    assert answer.text.startswith(turns.undone(Problem.UNREACHABLE))
    assert "I needed a hand." in answer.text, "the words come back to the writer"
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.phase is Phase.WRITE
    await write(world, world.alex, thread, turns.WRITE, "I needed a hand.")
    await posted(world, thread, "I needed a hand.")


async def test_stepping_away_works_even_when_the_thread_cannot_be_told(world: World, mend: MendBot) -> None:
    thread = await started_repair(world)
    ask = await press(world, world.sam, thread, turns.STEP_AWAY)
    assert ask.message is not None
    world.standin.fail(*FOLLOWUPS, 403, code=50013, public_only=True)
    await (await world.sam.press(ask.message, turns.STEP_AWAY)).reply()
    told = ask.message
    await world.standin.until(lambda: told.text.startswith(turns.left_reply(world.alex.id)))
    rupture = await mend.db.rupture_in_thread(thread.id)
    assert rupture is not None and rupture.status is Status.LEFT


async def test_a_dropped_connection_on_an_answer_is_one_line_in_the_log_not_a_traceback(
    world: World, mend: MendBot, caplog: pytest.LogCaptureFixture
) -> None:
    world.standin.fail(*CALLBACK, 0)
    await world.alex.slash("repair status", world.general)
    await world.standin.until(lambda: "Could not answer interaction" in caplog.text)
    assert "Traceback" not in caplog.text and "ERROR" not in caplog.text
    again = await (await world.alex.slash("repair status", world.general)).reply()
    assert again.ephemeral, "the next answer goes through"
