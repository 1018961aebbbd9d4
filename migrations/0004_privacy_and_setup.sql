-- 0004: server setup, blocks and privacy.
-- Why: admins choose a repair channel, a role that may use Mend, a default protocol and the
-- check-in cadence, and every change is audited (who, when, what). A person can block another
-- from inviting them. People who left a server are noticed by a membership check, so their data
-- can be erased thirty days later.

ALTER TABLE guild_settings ADD COLUMN member_role_id INTEGER;

CREATE TABLE settings_audit (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER,
    changed_at INTEGER NOT NULL,
    field      TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT
) STRICT;
CREATE INDEX settings_audit_by_guild ON settings_audit (guild_id, changed_at);
CREATE INDEX settings_audit_by_actor ON settings_audit (actor_id);

-- A block is the blocker's data. The blocked person is kept only as a keyed hash of their id
-- (the key is in `meta`), so a block outlives the blocked person erasing their own data.
CREATE TABLE blocks (
    blocker_id   INTEGER NOT NULL,
    blocked_hash TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (blocker_id, blocked_hash)
) STRICT;

CREATE TABLE memberships (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    checked_at INTEGER NOT NULL,
    left_at    INTEGER,
    PRIMARY KEY (guild_id, user_id)
) STRICT;
CREATE INDEX memberships_by_user ON memberships (user_id);
