-- The inbox: chat commands and events the bot has acknowledged and not yet answered. A row is written
-- before the platform is acknowledged and deleted once the reply is delivered (or can no longer be:
-- its reply token expired), so a crash in between resumes the work instead of losing it.
-- `work` holds ids and a command's arguments, never chat message text; `reply_to` holds a Discord
-- interaction token or a Slack response_url until the row goes; `reply` is the command's answer, set
-- once its effect is applied, so a resumed command is answered again rather than applied again.
CREATE TABLE inbox (
    id          TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    platform    TEXT NOT NULL CHECK (length(platform) > 0),
    work        TEXT NOT NULL CHECK (json_valid(work)),
    reply_to    TEXT,
    reply       TEXT CHECK (reply IS NULL OR json_valid(reply)),
    received_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
) STRICT;
CREATE INDEX inbox_by_platform ON inbox (platform, received_at);
