-- Timing and buying style, for learning when to send and how to write.
-- IANA time zones (e.g. Europe/Berlin): the contact's, else the customer's, gives the recipient's clock.
ALTER TABLE customers ADD COLUMN time_zone TEXT;
ALTER TABLE contacts ADD COLUMN time_zone TEXT;
-- A person's buying style, by email address within the workspace, so that it outlives re-imports of the
-- contact rows. `style` is set explicitly (source `import` or `csm`); the votes count the human replies
-- whose wording suggested a style, and `inferred` is the style they agree on once there are enough.
CREATE TABLE contact_styles (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    style TEXT,
    source TEXT,
    set_by TEXT,
    set_at TEXT,
    replies INTEGER NOT NULL DEFAULT 0,
    analytical INTEGER NOT NULL DEFAULT 0,
    driver INTEGER NOT NULL DEFAULT 0,
    amiable INTEGER NOT NULL DEFAULT 0,
    expressive INTEGER NOT NULL DEFAULT 0,
    inferred TEXT,
    PRIMARY KEY (workspace_id, email)
);
-- The recipient's clock and situation when the introduction went out: weekday (0 = Monday) and hour in
-- their time zone (NULL when no zone is known), days before renewal (NULL without a renewal date) and
-- their buying style (`unknown` when none).
ALTER TABLE opportunities ADD COLUMN sent_weekday INTEGER;
ALTER TABLE opportunities ADD COLUMN sent_hour INTEGER;
ALTER TABLE opportunities ADD COLUMN sent_days_to_renewal INTEGER;
ALTER TABLE opportunities ADD COLUMN sent_style TEXT;
-- Each count streams in the order of its own covering index, so no grouping step sorts: by style and
-- approach, by the recipient's weekday and hour, and by days to renewal.
CREATE INDEX opportunities_styles ON opportunities(workspace_id, sent_style, approach,
    intro_sent_at, intro_response, meeting_booked_at, status, outcome_at) WHERE intro_sent_at IS NOT NULL;
CREATE INDEX opportunities_clock ON opportunities(workspace_id, sent_weekday, sent_hour, approach,
    intro_sent_at, intro_response, meeting_booked_at, status, outcome_at) WHERE intro_sent_at IS NOT NULL;
CREATE INDEX opportunities_renewal ON opportunities(workspace_id, sent_days_to_renewal, approach,
    intro_sent_at, intro_response, meeting_booked_at, status, outcome_at) WHERE intro_sent_at IS NOT NULL;
