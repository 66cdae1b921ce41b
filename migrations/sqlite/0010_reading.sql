-- Reading replies: confidence and the review queue, languages, the option chosen, unsubscribes and
-- bounces, and addresses Overture no longer writes to.
ALTER TABLE inbound_messages ADD COLUMN suggested_label TEXT;
ALTER TABLE inbound_messages ADD COLUMN confidence REAL;
ALTER TABLE inbound_messages ADD COLUMN language TEXT;
ALTER TABLE inbound_messages ADD COLUMN wants_upgrade INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbound_messages ADD COLUMN unsubscribe INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbound_messages ADD COLUMN nothing_left INTEGER NOT NULL DEFAULT 0;
-- A bounce's detail (JSON: hard, status, recipient).
ALTER TABLE inbound_messages ADD COLUMN bounce TEXT;
-- Replies waiting for a person's label, per workspace.
CREATE INDEX inbound_messages_review ON inbound_messages(workspace_id, label, corrected_label);

-- A hard bounce marks the introduction undeliverable.
ALTER TABLE drafts ADD COLUMN bounced_at TEXT;
ALTER TABLE drafts ADD COLUMN bounce TEXT;

-- Addresses no introduction goes to: the customer unsubscribed, or mail to it bounced for good.
CREATE TABLE address_blocks (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'bounced')),
    detail TEXT NOT NULL,
    reply_id INTEGER REFERENCES inbound_messages(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, email)
);
