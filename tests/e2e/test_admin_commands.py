"""The server's setup lives in `/mend-admin`, which Discord shows only to people who can manage the
server; members keep `/mend settings`: where repair threads open, and who can read them there.
"""

from __future__ import annotations

from bot.app import MendBot
from bot.wording import server
from tests.helpers import World
from tests.standin.world import Permission


async def test_setup_is_a_group_of_its_own_shown_only_to_managers(world: World, mend: MendBot) -> None:
    synced = {command["name"]: command for command in world.application.commands[None]}
    admin, own = synced["mend-admin"], synced["mend"]
    assert int(admin["default_member_permissions"]) == Permission.MANAGE_GUILD, "members do not see it"
    assert admin["contexts"] == [0], "in servers only"
    assert [option["name"] for option in admin["options"]] == ["setup", "settings"]
    assert own["default_member_permissions"] is None
    assert "setup" not in [option["name"] for option in own["options"]]


async def test_members_see_where_threads_open_and_who_reads_them_and_managers_see_the_rest(
    world: World, mend: MendBot
) -> None:
    await (await world.owner.slash("mend-admin setup", world.general, channel=world.general)).reply()
    member = (await (await world.alex.slash("mend settings", world.general)).reply()).text
    manager = (await (await world.owner.slash("mend-admin settings", world.general)).reply()).text
    for shared in (server.threads_open_in(world.general.id), server.readers_in("general"), server.LATEST_CHANGES):
        assert shared in member and shared in manager
    for managers_only in (server.WHO_MAY_USE, server.CHECKINS, server.permissions_in("general")):
        assert managers_only in manager and managers_only not in member
