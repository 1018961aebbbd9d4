-- 0005: a private history of repairs, and choosing together to share its picture
-- (PostgreSQL's twin of ../0005_history.sql).
-- Why: `/repair history` shows each person their repairs: when each began, the way of repairing,
-- how it ended, how long it took to repair and how many check-ins it had. Only moments and
-- counts: never words. Repairs resolved before this have no known repair time (NULL), and their
-- check-ins are counted from the stage they were at, the most that was kept.

ALTER TABLE ruptures ADD COLUMN resolved_at BIGINT;
ALTER TABLE ruptures ADD COLUMN checkins_sent BIGINT NOT NULL DEFAULT 0;
UPDATE ruptures SET checkins_sent = checkin_stage;

-- One person's choice to share the picture of their repairs with another, in one server. The
-- picture is posted only once both chose it; a choice lapses after a while, and is removed when
-- either person's data is erased. Nobody is ever told of the other's choice, or its absence.
CREATE TABLE history_shares (
    guild_id   BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    partner_id BIGINT NOT NULL,
    chosen_at  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id, partner_id)
);
CREATE INDEX history_shares_by_user ON history_shares (user_id);
CREATE INDEX history_shares_by_partner ON history_shares (partner_id);
