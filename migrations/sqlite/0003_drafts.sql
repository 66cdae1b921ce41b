-- Upsell introduction drafts. Recipients and checks are JSON text: they are read and written whole.
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    opportunity_id INTEGER REFERENCES opportunities(id),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'queued', 'sending', 'sent', 'failed', 'discarded')),
    approach TEXT NOT NULL,
    tone TEXT NOT NULL,
    from_name TEXT NOT NULL,
    from_email TEXT NOT NULL,
    to_json TEXT NOT NULL,
    cc_json TEXT NOT NULL,
    cc_ae INTEGER NOT NULL DEFAULT 0,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    checks_json TEXT NOT NULL,
    facts_json TEXT NOT NULL,
    created_by INTEGER REFERENCES team_members(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    message_id TEXT,
    error TEXT
);
CREATE INDEX drafts_customer ON drafts(customer_id);
