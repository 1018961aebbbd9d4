-- 0002: what the repair flow needs beyond the foundation.
-- Why: each person's answer in phases where both act (sealed, agree, "do you feel understood?"),
-- their commitment at the close, pauses, the message that holds the current prompt's buttons,
-- each person's consent to the privacy notice, and sealed answers, which are held only until
-- both are in and then erased (secure_delete is on).

ALTER TABLE ruptures ADD COLUMN first_mark TEXT NOT NULL DEFAULT '';
ALTER TABLE ruptures ADD COLUMN second_mark TEXT NOT NULL DEFAULT '';
ALTER TABLE ruptures ADD COLUMN first_commitment TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE ruptures ADD COLUMN second_commitment TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE ruptures ADD COLUMN first_commitment_message_id INTEGER;
ALTER TABLE ruptures ADD COLUMN second_commitment_message_id INTEGER;
ALTER TABLE ruptures ADD COLUMN paused_until INTEGER;
ALTER TABLE ruptures ADD COLUMN paused_by TEXT;
ALTER TABLE ruptures ADD COLUMN prompt_message_id INTEGER;

CREATE TABLE people (
    user_id      INTEGER PRIMARY KEY,
    consented_at INTEGER
) STRICT;

CREATE TABLE sealed_answers (
    rupture_id INTEGER NOT NULL REFERENCES ruptures (id) ON DELETE CASCADE,
    step       INTEGER NOT NULL,
    role       TEXT NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (rupture_id, step, role)
) STRICT;
