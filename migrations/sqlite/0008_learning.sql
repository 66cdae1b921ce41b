-- Learning: the outcome ladder of an introduction (a meeting, won or lost) and the exploration switch.
ALTER TABLE opportunities ADD COLUMN meeting_booked_at TEXT;
ALTER TABLE opportunities ADD COLUMN outcome_at TEXT;
ALTER TABLE opportunities ADD COLUMN outcome_note TEXT;
-- An approved draft may be scheduled: the outbox sends it at this instant, not before.
ALTER TABLE drafts ADD COLUMN send_at TEXT;
-- Thompson sampling explores a little; off, the recommendation takes the best estimate.
ALTER TABLE workspaces ADD COLUMN learning_exploration INTEGER NOT NULL DEFAULT 1;
-- The customer's segment when the introduction went out (plan, size band, industry; the main signal is
-- already on the row): learning groups by what the account was, and needs no join to do it.
ALTER TABLE opportunities ADD COLUMN segment_plan TEXT;
ALTER TABLE opportunities ADD COLUMN segment_size TEXT;
ALTER TABLE opportunities ADD COLUMN segment_industry TEXT;
-- The bands of learning::estimate::SIZE_BANDS.
UPDATE opportunities SET
    segment_plan = (SELECT c.plan_key FROM customers c WHERE c.id = opportunities.customer_id),
    segment_size = (SELECT CASE WHEN c.seats_purchased <= 25 THEN '1-25' WHEN c.seats_purchased <= 100 THEN '26-100'
                    WHEN c.seats_purchased <= 500 THEN '101-500' ELSE '500+' END
                    FROM customers c WHERE c.id = opportunities.customer_id),
    segment_industry = (SELECT COALESCE(c.industry, '') FROM customers c WHERE c.id = opportunities.customer_id)
WHERE intro_sent_at IS NOT NULL;
-- Covers the outcome counts: one ordered pass over the introduced opportunities, no table lookups.
CREATE INDEX opportunities_outcomes ON opportunities(workspace_id, approach, segment_plan, segment_size,
    segment_industry, main_signal, intro_sent_at, intro_response, meeting_booked_at, status, outcome_at)
    WHERE intro_sent_at IS NOT NULL;
