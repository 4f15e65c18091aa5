-- The first schema of the layoffwatch store (SQLite).
--
-- Times are TEXT in RFC 3339, UTC, always with nine fractional digits and a trailing Z
-- (2026-04-20T10:00:00.000000000Z), so comparing the text compares the times.
-- Payloads are JSON the store does not interpret. No table holds chat message text.

-- What the poller remembers about each feed.
CREATE TABLE feeds (
    url                  TEXT    NOT NULL PRIMARY KEY CHECK (length(url) > 0),
    etag                 TEXT,
    last_modified        TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    disabled_reason      TEXT,
    last_polled          TEXT,
    first_poll_done      INTEGER NOT NULL DEFAULT 0 CHECK (first_poll_done IN (0, 1))
) STRICT;

-- Stories as the core last decided them.
CREATE TABLE stories (
    id         TEXT    NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    revision   INTEGER NOT NULL CHECK (revision >= 0),
    payload    TEXT    NOT NULL CHECK (json_valid(payload)),
    first_seen TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;
CREATE INDEX stories_by_updated_at ON stories (updated_at);

-- Items already processed. simhash holds the 64 bits of a u64 in a signed integer.
-- story_id is a hint for rebuilding the clustering index, not a foreign key: an item must never
-- be refused (and its feed wedged) over it.
CREATE TABLE seen_items (
    item_id       TEXT    NOT NULL PRIMARY KEY CHECK (length(item_id) > 0),
    feed_url      TEXT    NOT NULL,
    canonical_url TEXT,
    simhash       INTEGER NOT NULL,
    story_id      TEXT,
    published     TEXT,
    seen_at       TEXT    NOT NULL,
    text          TEXT
) STRICT;
CREATE INDEX seen_items_by_seen_at ON seen_items (seen_at);
CREATE INDEX seen_items_by_canonical_url ON seen_items (canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX seen_items_by_story ON seen_items (story_id) WHERE story_id IS NOT NULL;
-- Only rows still holding text are candidates for expiry.
CREATE INDEX seen_items_with_text ON seen_items (seen_at) WHERE text IS NOT NULL;

-- The outbox. key is the idempotency key: a second insert with the same key does nothing.
-- AUTOINCREMENT so ids are never reused and id order is queue order.
CREATE TABLE deliveries (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    key             TEXT    NOT NULL UNIQUE CHECK (length(key) > 0),
    story_id        TEXT    NOT NULL REFERENCES stories (id),
    destination     TEXT    NOT NULL CHECK (length(destination) > 0),
    kind            TEXT    NOT NULL CHECK (kind IN ('post', 'update', 'edit', 'correction')),
    payload         TEXT    NOT NULL CHECK (json_valid(payload)),
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT,
    last_error      TEXT,
    platform_ref    TEXT,
    -- For people reading the table; no logic depends on it.
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
-- The sender's queue: pending rows only, in id order.
CREATE INDEX deliveries_pending ON deliveries (id) WHERE state = 'pending';
-- thread_ref: the first sent post of a story to a destination.
CREATE INDEX deliveries_by_story ON deliveries (story_id, destination, kind, state);

-- Feeds watched in chat channels.
CREATE TABLE subscriptions (
    platform TEXT NOT NULL CHECK (length(platform) > 0),
    channel  TEXT NOT NULL CHECK (length(channel) > 0),
    feed     TEXT NOT NULL CHECK (length(feed) > 0),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (platform, channel, feed)
) STRICT;
CREATE INDEX subscriptions_by_feed ON subscriptions (feed);

-- Digest schedule per channel: 'off', 'hourly' or 'daily HH:MM'.
CREATE TABLE digests (
    platform TEXT NOT NULL,
    channel  TEXT NOT NULL,
    mode     TEXT NOT NULL CHECK (mode IN ('off', 'hourly') OR mode GLOB 'daily [0-2][0-9]:[0-5][0-9]'),
    PRIMARY KEY (platform, channel)
) STRICT;

-- Chat platform event ids already handled, so a redelivery after a restart is ignored.
CREATE TABLE processed_events (
    event_id TEXT NOT NULL PRIMARY KEY,
    seen_at  TEXT NOT NULL
) STRICT;
CREATE INDEX processed_events_by_seen_at ON processed_events (seen_at);
