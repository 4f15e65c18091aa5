-- Named leases: work that one instance at a time may do, such as running a range of Discord shards
-- ("discord-shards:0-3/8"), and each instance's own presence ("instance:NAME"), which the others
-- count to take a fair share. A lease past `until` is free; whoever takes it from another owner
-- took over a dead instance's work. A released lease is deleted.
CREATE TABLE leases (
    name  TEXT NOT NULL PRIMARY KEY CHECK (length(name) > 0),
    owner TEXT NOT NULL CHECK (length(owner) > 0),
    until TEXT NOT NULL
) STRICT;

-- The LLM's daily token budget, one row per UTC day (YYYY-MM-DD), shared by every instance: a call
-- reserves its worst case before it is made and settles to what it used.
CREATE TABLE llm_usage (
    day    TEXT    NOT NULL PRIMARY KEY,
    tokens INTEGER NOT NULL CHECK (tokens >= 0)
) STRICT;

-- LLM replies for story summaries, by a hash of everything that determined them, so a reply one
-- instance paid for is reused by another. Never thread summaries: their replies come from chat text.
CREATE TABLE llm_replies (
    key        TEXT NOT NULL PRIMARY KEY,
    reply      TEXT NOT NULL CHECK (json_valid(reply)),
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX llm_replies_by_expiry ON llm_replies (expires_at);

-- Until when an instance that resumed an inbox entry (after its accepter stopped) works on it; NULL
-- while the instance that accepted it does. Another instance resumes only entries whose claim ran
-- out, so two instances never answer one entry.
ALTER TABLE inbox ADD COLUMN claimed_until TEXT;
