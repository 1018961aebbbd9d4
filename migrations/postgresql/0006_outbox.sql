-- 0006: the outbox: what a repair's thread has yet to be told (PostgreSQL's twin of ../0006_outbox.sql).
-- Why: a change is committed before it is shown. The thread part of what it shows (the posts,
-- which may carry what someone just wrote, the edits and the archiving) is committed with it and
-- deleted as soon as it is shown. If Mend stops in between, or Discord asks it to slow down, what
-- is left here is shown as soon as Mend can, so no step is stuck and no written word is lost.

CREATE TABLE outbox (
    rupture_id BIGINT NOT NULL REFERENCES ruptures (id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    not_before BIGINT NOT NULL,
    attempts   BIGINT NOT NULL DEFAULT 0,
    words      BIGINT NOT NULL,
    work       TEXT NOT NULL,
    PRIMARY KEY (rupture_id, version)
);
CREATE INDEX outbox_due ON outbox (not_before);
