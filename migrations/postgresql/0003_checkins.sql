-- 0003: check-ins (PostgreSQL's twin of ../0003_checkins.sql).
-- Why: the database is the source of truth for what is due. Each rupture carries when its next
-- scheduled item is due (a check-in, the invitation's reminder, the end of a break, or the
-- follow-up on commitments), indexed so the sweep reads only due rows. A claim (lease, attempt
-- count, first claim time) makes each item go out once even across crashes. People keep their
-- time zone and quiet hours; servers their check-in cadence.

ALTER TABLE ruptures ADD COLUMN due_at BIGINT;
ALTER TABLE ruptures ADD COLUMN due_kind TEXT;
ALTER TABLE ruptures ADD COLUMN due_lease_until BIGINT;
ALTER TABLE ruptures ADD COLUMN due_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ruptures ADD COLUMN due_first_claimed_at BIGINT;
ALTER TABLE ruptures ADD COLUMN due_blocked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ruptures ADD COLUMN checkin_stage BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ruptures ADD COLUMN checkins_stopped BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ruptures ADD COLUMN invite_reminded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ruptures ADD COLUMN first_okay BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ruptures ADD COLUMN second_okay BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ruptures ADD COLUMN first_followup TEXT NOT NULL DEFAULT '';
ALTER TABLE ruptures ADD COLUMN second_followup TEXT NOT NULL DEFAULT '';

CREATE INDEX ruptures_due ON ruptures (due_at) WHERE due_at IS NOT NULL;

-- Ruptures opened before check-ins existed get their first one planned from their last activity.
UPDATE ruptures SET due_at = updated_at + 86400, due_kind = 'checkin' WHERE status = 'active';
UPDATE ruptures SET due_at = created_at + 86400, due_kind = 'reminder' WHERE status = 'invited';

ALTER TABLE people ADD COLUMN timezone TEXT;
ALTER TABLE people ADD COLUMN quiet_start BIGINT;
ALTER TABLE people ADD COLUMN quiet_end BIGINT;

ALTER TABLE guild_settings ADD COLUMN checkin_days TEXT;
