-- Article pages' extracted text, fetched when a feed gives only a headline or an excerpt, so the
-- same page is not fetched again by the next poll, another feed, another instance or a restart.
-- `text` is NULL when the page had nothing worth keeping (a paywall, cookie wall or consent page):
-- the excerpt stands. Rows older than the article-text retention are deleted with the rest of the
-- article text.
CREATE TABLE article_text (
    url           TEXT PRIMARY KEY,
    text          TEXT,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX article_text_fetched_at ON article_text (fetched_at);
