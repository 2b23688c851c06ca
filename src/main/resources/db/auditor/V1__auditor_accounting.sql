-- The record table exactly as AUDITOR's own migrations leave it (AUDITOR migrations/20240503141800_convert_meta_
-- component_to_jsonb.sql; reference ../shared/reference/auditor.md §1.4), so that this server can take over an
-- AUDITOR database: Flyway baselines an existing one at version 0 and this file leaves its table as it is.
CREATE TABLE IF NOT EXISTS auditor_accounting (
    id INT GENERATED ALWAYS AS IDENTITY,
    record_id TEXT NOT NULL UNIQUE,
    meta JSONB,
    components JSONB,
    start_time TIMESTAMPTZ NOT NULL,
    stop_time TIMESTAMPTZ,
    runtime BIGINT,
    updated_at TIMESTAMPTZ NOT NULL
);
