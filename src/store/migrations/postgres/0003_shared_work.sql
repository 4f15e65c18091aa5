-- Named leases, the LLM's daily budget and its cached story replies, shared by every instance (see
-- the SQLite migration 0007 for what each row means).
CREATE TABLE leases (
    name  TEXT        NOT NULL PRIMARY KEY CHECK (length(name) > 0),
    owner TEXT        NOT NULL CHECK (length(owner) > 0),
    until TIMESTAMPTZ NOT NULL
);

CREATE TABLE llm_usage (
    day    DATE   NOT NULL PRIMARY KEY,
    tokens BIGINT NOT NULL CHECK (tokens >= 0)
);

CREATE TABLE llm_replies (
    key        TEXT        NOT NULL PRIMARY KEY,
    reply      JSONB       NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX llm_replies_by_expiry ON llm_replies (expires_at);

ALTER TABLE inbox ADD COLUMN claimed_until TIMESTAMPTZ;
