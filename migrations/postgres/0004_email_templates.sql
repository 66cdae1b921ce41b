-- A workspace's own wording for an approach, replacing the built-in subject and body templates.
CREATE TABLE email_templates (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    approach TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by BIGINT REFERENCES team_members(id),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, approach)
);
