-- 0007: care. A commitment's follow-up goes by direct message only to someone who chose it when
-- naming the commitment; everyone else gets a neutral note in the thread. Existing commitments were
-- named before there was a choice, so they start as "in the thread".
ALTER TABLE ruptures ADD COLUMN first_followup_dm INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ruptures ADD COLUMN second_followup_dm INTEGER NOT NULL DEFAULT 0;

-- Every invitation now ends by itself two days after it was made, whatever the answer, so the one
-- who invited cannot tell a "not now" from no answer. Invitations already waiting without a
-- reminder to come get that end now (those still to be reminded get it when the reminder goes).
UPDATE ruptures SET due_at = created_at + 172800, due_kind = 'invitation_end'
WHERE status = 'invited' AND invite_reminded = 1 AND thread_id IS NOT NULL;
