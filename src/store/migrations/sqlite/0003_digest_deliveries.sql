-- Digests are deliveries too (so a crash neither loses nor repeats one), but a digest belongs to a
-- channel, not to one story: story_id becomes optional and 'digest' a kind. SQLite cannot alter a
-- CHECK constraint, so the table is rebuilt with the same rows.
CREATE TABLE deliveries_new (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    key             TEXT    NOT NULL UNIQUE CHECK (length(key) > 0),
    story_id        TEXT    REFERENCES stories (id),
    destination     TEXT    NOT NULL CHECK (length(destination) > 0),
    kind            TEXT    NOT NULL CHECK (kind IN ('post', 'update', 'edit', 'correction', 'digest')),
    payload         TEXT    NOT NULL CHECK (json_valid(payload)),
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT,
    last_error      TEXT,
    platform_ref    TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((kind = 'digest') = (story_id IS NULL))
) STRICT;
INSERT INTO deliveries_new SELECT * FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_pending ON deliveries (id) WHERE state = 'pending';
CREATE INDEX deliveries_by_story ON deliveries (story_id, destination, kind, state);

-- When each digest channel last had its digest, so the next one covers exactly what came since.
ALTER TABLE digests ADD COLUMN last_sent_at TEXT;
