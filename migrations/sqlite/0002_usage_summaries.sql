-- Usage summaries are derived from usage_daily whenever an import writes usage, so that detection and
-- the expansion context read one row per customer instead of 90. Windows: 30 days (API) and 90 days
-- (trend) up to and including as_of, the customer's latest usage day.
CREATE TABLE usage_summaries (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    as_of INTEGER NOT NULL,
    seats_used INTEGER NOT NULL,
    monthly_active_users INTEGER NOT NULL,
    api_30 INTEGER NOT NULL,
    api_days INTEGER NOT NULL,
    n REAL NOT NULL,
    sx REAL NOT NULL,
    sxx REAL NOT NULL,
    seats_sy REAL NOT NULL,
    seats_sxy REAL NOT NULL,
    api_sy REAL NOT NULL,
    api_sxy REAL NOT NULL
);

-- Lets a workspace's customers be read in id order without a sort.
CREATE INDEX customers_workspace ON customers(workspace_id, id);

-- Customer lookup by name, case-insensitively, without a scan.
CREATE INDEX customers_lower_name ON customers(workspace_id, lower(name));

-- Bumped whenever an import changes plans, features or the team, so that servers can cache them.
ALTER TABLE workspaces ADD COLUMN catalog_version INTEGER NOT NULL DEFAULT 0;
