-- Not in AUDITOR: GET /records orders by stop_time unless told otherwise, and every plugin query (APEL's per-day
-- windows, the priority plugin's start_time window) filters on one of the two times. Without these indexes each
-- such query sorts or scans the whole table.
CREATE INDEX IF NOT EXISTS auditor_accounting_stop_time ON auditor_accounting (stop_time, record_id);
CREATE INDEX IF NOT EXISTS auditor_accounting_start_time ON auditor_accounting (start_time, record_id);
