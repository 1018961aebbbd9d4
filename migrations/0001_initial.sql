-- 0001: Mend's first schema.
-- Why: the foundation keeps each server's settings and each rupture (the pair, the thread, the
-- protocol, where it stands, and when things happened). Times are UTC epoch seconds; Discord ids
-- are integers. Words people write are never stored here.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    repair_channel_id INTEGER,
    default_protocol  TEXT,
    updated_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE ruptures (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    thread_id        INTEGER UNIQUE,
    protocol         TEXT NOT NULL,
    status           TEXT NOT NULL,
    step             INTEGER NOT NULL DEFAULT 0,
    phase            TEXT NOT NULL,
    round            INTEGER NOT NULL DEFAULT 0,
    first_id         INTEGER,
    second_id        INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX ruptures_by_first ON ruptures (first_id, status);
CREATE INDEX ruptures_by_second ON ruptures (second_id, status);

-- A pair has at most one open rupture per server; settled here so two starts at once cannot both win.
CREATE UNIQUE INDEX one_open_rupture_per_pair
    ON ruptures (guild_id, min(first_id, second_id), max(first_id, second_id))
    WHERE status IN ('invited', 'active');
