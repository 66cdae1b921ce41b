-- Reading replies: confidence and the review queue, languages, the option chosen, unsubscribes and
-- bounces, and addresses Overture no longer writes to.
ALTER TABLE inbound_messages ADD COLUMN suggested_label TEXT;
ALTER TABLE inbound_messages ADD COLUMN confidence DOUBLE PRECISION;
ALTER TABLE inbound_messages ADD COLUMN language TEXT;
ALTER TABLE inbound_messages ADD COLUMN wants_upgrade BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE inbound_messages ADD COLUMN unsubscribe BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE inbound_messages ADD COLUMN nothing_left BOOLEAN NOT NULL DEFAULT FALSE;
-- A bounce's detail (JSON: hard, status, recipient).
ALTER TABLE inbound_messages ADD COLUMN bounce TEXT;
-- Replies waiting for a person's label, per workspace.
CREATE INDEX inbound_messages_review ON inbound_messages(workspace_id, label, corrected_label);

-- A hard bounce marks the introduction undeliverable.
ALTER TABLE drafts ADD COLUMN bounced_at TIMESTAMPTZ;
ALTER TABLE drafts ADD COLUMN bounce TEXT;

-- Addresses no introduction goes to: the customer unsubscribed, or mail to it bounced for good.
CREATE TABLE address_blocks (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'bounced')),
    detail TEXT NOT NULL,
    reply_id BIGINT REFERENCES inbound_messages(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, email)
);
