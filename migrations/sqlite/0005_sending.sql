-- Human-approved sending: revisions of a draft, its approval, the audit log, Gmail connections.
ALTER TABLE drafts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE drafts ADD COLUMN approved_by INTEGER REFERENCES team_members(id);
ALTER TABLE drafts ADD COLUMN approved_at TEXT;
ALTER TABLE drafts ADD COLUMN approved_revision INTEGER;
ALTER TABLE drafts ADD COLUMN thread_id TEXT;

-- Every version of a draft's wording, with who wrote it and when (revision 1 is the composed one).
CREATE TABLE draft_revisions (
    id INTEGER PRIMARY KEY,
    draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    approach TEXT NOT NULL,
    tone TEXT NOT NULL,
    cc_json TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    checks_json TEXT NOT NULL,
    edited_by INTEGER REFERENCES team_members(id),
    created_at TEXT NOT NULL,
    UNIQUE (draft_id, revision)
);

-- A send request's Idempotency-Key, remembered per workspace with the draft it approved.
CREATE TABLE idempotency_keys (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, key)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES team_members(id),
    action TEXT NOT NULL,
    draft_id INTEGER REFERENCES drafts(id) ON DELETE CASCADE,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_workspace ON audit_log(workspace_id, id);

-- A CSM's Gmail mailbox; the refresh token is encrypted (ChaCha20-Poly1305) with the server's key.
CREATE TABLE gmail_connections (
    member_id INTEGER PRIMARY KEY REFERENCES team_members(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('connected', 'needs_reconnect')),
    updated_at TEXT NOT NULL
);

-- Pending OAuth authorizations: the state parameter and the PKCE verifier, used once.
CREATE TABLE oauth_states (
    state TEXT PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES team_members(id) ON DELETE CASCADE,
    verifier TEXT NOT NULL,
    created_at TEXT NOT NULL
);
