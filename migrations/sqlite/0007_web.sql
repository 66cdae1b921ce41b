-- The web app: browser sessions (signed in with an API token) and each member's chat conversation.

-- A session lives as long as the token it was opened with: revoking the token ends it.
CREATE TABLE web_sessions (
    -- SHA-256 of the cookie's value; the value itself is never stored.
    session_hash TEXT PRIMARY KEY,
    token_id INTEGER NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX web_sessions_token ON web_sessions(token_id);

CREATE TABLE chat_messages (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES team_members(id) ON DELETE CASCADE,
    -- 'user' or 'assistant'
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    text TEXT NOT NULL,
    -- JSON array of cards (context, recommendation, draft, choices, ...)
    cards TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);
CREATE INDEX chat_messages_member ON chat_messages(member_id, id);

-- What the conversation is about: "Send" and "Use the value-add approach" act on this draft.
CREATE TABLE chat_state (
    member_id INTEGER PRIMARY KEY REFERENCES team_members(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    draft_id INTEGER REFERENCES drafts(id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL
);
