-- Usage summaries are derived from usage_daily whenever an import writes usage, so that detection and
-- the expansion context read one row per customer instead of 90. Windows: 30 days (API) and 90 days
-- (trend) up to and including as_of, the customer's latest usage day.
CREATE TABLE usage_summaries (
    customer_id BIGINT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    as_of INTEGER NOT NULL,
    seats_used BIGINT NOT NULL,
    monthly_active_users BIGINT NOT NULL,
    api_30 BIGINT NOT NULL,
    api_days BIGINT NOT NULL,
    n DOUBLE PRECISION NOT NULL,
    sx DOUBLE PRECISION NOT NULL,
    sxx DOUBLE PRECISION NOT NULL,
    seats_sy DOUBLE PRECISION NOT NULL,
    seats_sxy DOUBLE PRECISION NOT NULL,
    api_sy DOUBLE PRECISION NOT NULL,
    api_sxy DOUBLE PRECISION NOT NULL
);

-- Lets a workspace's customers be read in id order without a sort.
CREATE INDEX customers_workspace ON customers(workspace_id, id);

-- Customer lookup by name, case-insensitively, without a scan.
CREATE INDEX customers_lower_name ON customers(workspace_id, lower(name));

-- Bumped whenever an import changes plans, features or the team, so that servers can cache them.
ALTER TABLE workspaces ADD COLUMN catalog_version BIGINT NOT NULL DEFAULT 0;
