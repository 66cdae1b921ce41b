-- Learning: the outcome ladder of an introduction (a meeting, won or lost) and the exploration switch.
ALTER TABLE opportunities ADD COLUMN meeting_booked_at TEXT;
ALTER TABLE opportunities ADD COLUMN outcome_at TEXT;
ALTER TABLE opportunities ADD COLUMN outcome_note TEXT;
-- Thompson sampling explores a little; off, the recommendation takes the best estimate.
ALTER TABLE workspaces ADD COLUMN learning_exploration INTEGER NOT NULL DEFAULT 1;
CREATE INDEX opportunities_introduced ON opportunities(workspace_id, intro_sent_at) WHERE intro_sent_at IS NOT NULL;
