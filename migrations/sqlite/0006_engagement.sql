-- Engagement: open and click tracking, replies and their classification, follow-ups and AE handoff.
ALTER TABLE workspaces ADD COLUMN tracking_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE workspaces ADD COLUMN follow_up_business_days INTEGER NOT NULL DEFAULT 5;
ALTER TABLE contacts ADD COLUMN tracking_opt_out INTEGER NOT NULL DEFAULT 0;
-- Not suggested again (detection opens no opportunity) before this instant: a "no" is respected.
ALTER TABLE customers ADD COLUMN suppressed_until TEXT;
-- 'intro' or 'follow_up'; a follow-up answers the introduction's Message-ID in its thread.
ALTER TABLE drafts ADD COLUMN kind TEXT NOT NULL DEFAULT 'intro';
ALTER TABLE drafts ADD COLUMN in_reply_to TEXT;
-- Whether the delivered HTML carried the pixel and tracked links.
ALTER TABLE drafts ADD COLUMN tracked INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX drafts_message_id ON drafts(message_id);
CREATE INDEX drafts_thread ON drafts(thread_id);
ALTER TABLE opportunities ADD COLUMN response_note TEXT;
ALTER TABLE opportunities ADD COLUMN handed_off_at TEXT;
ALTER TABLE opportunities ADD COLUMN follow_up_draft_id INTEGER REFERENCES drafts(id);

-- The links of a sent message, by position: a click token names a position, never a URL.
CREATE TABLE tracked_links (
    draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (draft_id, idx)
) WITHOUT ROWID;

CREATE TABLE tracking_events (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('open', 'click')),
    link_idx INTEGER,
    at TEXT NOT NULL,
    user_agent TEXT,
    -- Why the event looks machine-made (a privacy proxy's prefetch, a link scanner), or NULL.
    machine TEXT
);
CREATE INDEX tracking_events_draft ON tracking_events(draft_id, id);

-- Every message that came back: matched to the introduction it answers, or kept as unmatched.
CREATE TABLE inbound_messages (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER REFERENCES workspaces(id) ON DELETE CASCADE,
    draft_id INTEGER REFERENCES drafts(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    message_id TEXT,
    matched_by TEXT,
    from_email TEXT NOT NULL,
    from_name TEXT,
    subject TEXT NOT NULL,
    reply_text TEXT NOT NULL,
    label TEXT,
    wants_to_optimize INTEGER NOT NULL DEFAULT 0,
    phrase TEXT,
    ooo_until TEXT,
    corrected_label TEXT,
    corrected_optimize INTEGER,
    corrected_by INTEGER REFERENCES team_members(id),
    corrected_at TEXT,
    raw TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX inbound_messages_draft ON inbound_messages(draft_id, id);
CREATE INDEX inbound_messages_workspace ON inbound_messages(workspace_id, id);

-- Secrets the server made for itself (the tracking key when none is configured).
CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Where each polled mailbox was read up to (a Gmail historyId, an IMAP UIDVALIDITY/UID pair).
CREATE TABLE mailbox_cursors (
    source TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
