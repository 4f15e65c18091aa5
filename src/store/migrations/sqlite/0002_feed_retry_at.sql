-- When a feed may be polled again: set from a server's Retry-After or our own backoff, so a restart
-- does not hammer a feed that asked us to wait.
ALTER TABLE feeds ADD COLUMN retry_at TEXT;
