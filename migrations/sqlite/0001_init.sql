-- Overture schema, SQLite flavour. Keep in step with ../postgres/0001_init.sql.
-- Usage days are stored as whole days since 1970-01-01 so that window arithmetic is the same SQL on
-- both backends.

CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    ae_value_threshold INTEGER NOT NULL DEFAULT 25000,
    created_at TEXT NOT NULL
);

CREATE TABLE team_members (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'csm', 'ae', 'viewer')),
    title TEXT,
    calendar_url TEXT,
    UNIQUE (workspace_id, email)
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES team_members(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE features (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    resource_url TEXT,
    PRIMARY KEY (workspace_id, key)
);

CREATE TABLE plans (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    rank INTEGER NOT NULL,
    annual_price_per_seat INTEGER NOT NULL,
    annual_base_price INTEGER NOT NULL,
    seat_limit INTEGER,
    api_calls_per_month INTEGER,
    features TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (workspace_id, key)
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    external_id TEXT NOT NULL,
    name TEXT NOT NULL,
    plan_key TEXT NOT NULL,
    seats_purchased INTEGER NOT NULL CHECK (seats_purchased >= 0),
    arr INTEGER NOT NULL CHECK (arr >= 0),
    renewal_date TEXT,
    health_score INTEGER,
    industry TEXT,
    csm_email TEXT,
    ae_email TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (workspace_id, external_id),
    FOREIGN KEY (workspace_id, plan_key) REFERENCES plans(workspace_id, key),
    FOREIGN KEY (workspace_id, csm_email) REFERENCES team_members(workspace_id, email),
    FOREIGN KEY (workspace_id, ae_email) REFERENCES team_members(workspace_id, email)
);
CREATE INDEX customers_name ON customers(workspace_id, name COLLATE NOCASE);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    title TEXT,
    role TEXT,
    is_primary INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contacts_customer ON contacts(customer_id);

CREATE TABLE usage_daily (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    seats_used INTEGER NOT NULL,
    monthly_active_users INTEGER NOT NULL,
    api_calls INTEGER NOT NULL,
    PRIMARY KEY (customer_id, day)
) WITHOUT ROWID;

CREATE TABLE feature_requests (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    feature_key TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    note TEXT
);
CREATE INDEX feature_requests_customer ON feature_requests(customer_id);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    achieved_at TEXT NOT NULL
);
CREATE INDEX milestones_customer ON milestones(customer_id);

CREATE TABLE signals (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    strength REAL NOT NULL,
    summary TEXT NOT NULL,
    evidence TEXT NOT NULL,
    detected_at TEXT NOT NULL
);
CREATE INDEX signals_customer ON signals(customer_id);

CREATE TABLE opportunities (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_plan_key TEXT NOT NULL,
    seats INTEGER NOT NULL,
    annual_value INTEGER NOT NULL,
    rationale TEXT NOT NULL,
    main_signal TEXT,
    ae_recommended INTEGER NOT NULL,
    ae_reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'identified',
    approach TEXT,
    draft_id INTEGER,
    intro_sent_at TEXT,
    intro_response TEXT,
    intro_responded_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- At most one opportunity per customer is in play at a time.
CREATE UNIQUE INDEX opportunities_open ON opportunities(customer_id)
    WHERE status IN ('identified', 'intro_sent', 'conversation');
CREATE INDEX opportunities_workspace ON opportunities(workspace_id, status);

-- Background work for later features (delivery, tracking): claimed with a lease.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    run_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    dedupe_key TEXT UNIQUE,
    last_error TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX jobs_ready ON jobs(state, run_at);
