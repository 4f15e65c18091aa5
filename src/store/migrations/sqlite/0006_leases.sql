-- Leases, as on PostgreSQL: which instance polls a feed, or sends a delivery, and until when. One
-- SQLite file serves one instance, but the same pipeline code runs on both backends.
ALTER TABLE feeds ADD COLUMN lease_owner TEXT;
ALTER TABLE feeds ADD COLUMN lease_until TEXT;
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
ALTER TABLE deliveries ADD COLUMN claimed_until TEXT;
