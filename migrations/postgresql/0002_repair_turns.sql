-- 0002: what the repair flow needs beyond the foundation (PostgreSQL's twin of ../0002_repair_turns.sql).
-- Why: each person's answer in phases where both act (sealed, agree, "do you feel understood?"),
-- their commitment at the close, pauses, the message that holds the current prompt's buttons,
-- each person's consent to the privacy notice, and sealed answers, which are held only until
-- both are in and then deleted (PostgreSQL has no secure_delete: see the README's privacy section).

ALTER TABLE ruptures ADD COLUMN first_mark TEXT NOT NULL DEFAULT '';
ALTER TABLE ruptures ADD COLUMN second_mark TEXT NOT NULL DEFAULT '';
ALTER TABLE ruptures ADD COLUMN first_commitment TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE ruptures ADD COLUMN second_commitment TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE ruptures ADD COLUMN first_commitment_message_id BIGINT;
ALTER TABLE ruptures ADD COLUMN second_commitment_message_id BIGINT;
ALTER TABLE ruptures ADD COLUMN paused_until BIGINT;
ALTER TABLE ruptures ADD COLUMN paused_by TEXT;
ALTER TABLE ruptures ADD COLUMN prompt_message_id BIGINT;

CREATE TABLE people (
    user_id      BIGINT PRIMARY KEY,
    consented_at BIGINT
);

CREATE TABLE sealed_answers (
    rupture_id BIGINT NOT NULL REFERENCES ruptures (id) ON DELETE CASCADE,
    step       BIGINT NOT NULL,
    role       TEXT NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (rupture_id, step, role)
);
