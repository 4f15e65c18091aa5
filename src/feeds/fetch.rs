//! Fetching one feed: over HTTP(S) with every limit a hostile or broken server needs, or from disk.
//!
//! reqwest on its own follows redirects anywhere, has no timeouts and reads bodies of any size. The
//! [`Fetcher`] therefore:
//! - sets a connect timeout and a total deadline covering every redirect hop and the body;
//! - follows at most [`FetchSettings::max_redirects`] redirects itself, passing each hop through
//!   the SSRF [`guard`](super::guard) (the client's DNS resolver is the guard's too);
//! - counts the *decompressed* body while streaming it and stops at
//!   [`FetchSettings::max_body_bytes`], so a gzip bomb costs us the cap, not the bomb;
//! - sends the validators from the last fetch (conditional GET) and hands back new ones exactly as
//!   received, so an unchanged feed costs the publisher a 304;
//! - turns 429 and 503 into [`FetchError::RateLimited`] with the server's `Retry-After`;
//! - sends one request per host at a time;
//! - never uses a proxy from the environment (a proxy would see, and could redirect, every fetch).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::io::AsyncReadExt;
use tokio::time::Instant;
use url::Url;

use super::guard::{self, GuardError, GuardedResolver};
use super::host_lock::HostLocks;
use super::retry::{Retryable, parse_retry_after};

/// How the [`Fetcher`] behaves. Parsed once from configuration and passed down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchSettings {
    /// Sent with every request. Publishers use it to see who polls them and whom to ask to stop, so
    /// it names the project and a contact (see [`FetchSettings::with_contact`]).
    pub user_agent: String,
    /// Longest wait for a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Longest time for a whole fetch: every redirect hop plus reading the body.
    pub total_timeout: Duration,
    /// Largest body accepted, counted after decompression.
    pub max_body_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
    /// Whether feeds may live on loopback and private networks (tests, intranets).
    pub allow_private: bool,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            user_agent: user_agent("no operator contact configured"),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 8 * 1024 * 1024,
            max_redirects: 5,
            allow_private: false,
        }
    }
}

impl FetchSettings {
    /// Puts the operator's contact (a URL or `mailto:`) into the user agent.
    pub fn with_contact(mut self, contact: &str) -> Self {
        self.user_agent = user_agent(contact);
        self
    }
}

fn user_agent(contact: &str) -> String {
    format!("layoffwatch/{} (AI-layoff news feed watcher; +{contact})", env!("CARGO_PKG_VERSION"))
}

/// Where a feed lives: an http(s) URL or a local file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FeedSource {
    /// An http or https URL.
    Url(Url),
    /// A path on this machine (e.g. the bundled demo feeds).
    File(PathBuf),
}

impl FeedSource {
    /// Reads a feed address as typed in configuration or chat: `http(s)://...`, `file://...` or a
    /// path. Other URL schemes are refused.
    pub fn parse(input: &str) -> Result<FeedSource, FetchError> {
        let trimmed = input.trim();
        let invalid = |reason: &str| FetchError::InvalidSource { input: input.to_owned(), reason: reason.to_owned() };
        if trimmed.is_empty() {
            return Err(invalid("it is empty"));
        }
        match Url::parse(trimmed) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(FeedSource::Url(url)),
            Ok(url) if url.scheme() == "file" => {
                url.to_file_path().map(FeedSource::File).map_err(|()| invalid("the file URL has no local path"))
            }
            // One-letter "schemes" are Windows drive letters: a path.
            Ok(url) if url.scheme().len() > 1 => {
                Err(invalid(&format!("{}: feeds are fetched over http or https, or read from a file", url.scheme())))
            }
            _ => Ok(FeedSource::File(PathBuf::from(trimmed))),
        }
    }
}

impl fmt::Display for FeedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeedSource::Url(url) => write!(f, "{url}"),
            FeedSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

impl std::str::FromStr for FeedSource {
    type Err = FetchError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FeedSource::parse(s)
    }
}

/// HTTP cache validators from the last successful fetch, sent back for a conditional GET. Stored
/// exactly as the server sent them: servers compare them byte for byte.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
}

/// What a fetch produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchOutcome {
    /// The feed has not changed since the validators were issued.
    NotModified,
    /// A new body.
    Fetched {
        /// The body, decompressed, at most [`FetchSettings::max_body_bytes`].
        body: Bytes,
        /// Validators to store for the next conditional GET.
        validators: Validators,
        /// The `Content-Type` header, whose charset the parser should be told about.
        content_type: Option<String>,
        /// The URL after redirects (`None` for files); the base for relative links.
        final_url: Option<Url>,
    },
}

/// Why a fetch failed. Messages name the feed and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The feed address itself is unusable.
    #[error("{input:?} is not a feed address ({reason}); use an https://… URL or a path to a feed file")]
    InvalidSource {
        /// What was given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The SSRF guard refused the address, a redirect target, or a resolved address.
    #[error(transparent)]
    Refused(#[from] GuardError),
    /// The HTTP client could not be built (a TLS set-up problem).
    #[error("could not set up the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// No connection within [`FetchSettings::connect_timeout`].
    #[error("timed out after {limit:?} connecting to {url}; the server may be down or blocking us, it will be retried")]
    ConnectTimeout {
        /// The URL being fetched.
        url: Url,
        /// The limit.
        limit: Duration,
    },
    /// The whole fetch took longer than [`FetchSettings::total_timeout`].
    #[error("{url} did not finish answering within {limit:?}; the server is slow, it will be retried")]
    Timeout {
        /// The URL being fetched.
        url: Url,
        /// The limit.
        limit: Duration,
    },
    /// Connecting or talking to the server failed.
    #[error("could not fetch {url}: {source}; check the address, it will be retried")]
    Http {
        /// The URL being fetched.
        url: Url,
        /// The client's error.
        source: reqwest::Error,
    },
    /// The server answered 429 or 503.
    #[error("{url} asks us to slow down (HTTP {status}){}; polling backs off", retry_after.map(|d| format!(", retry after {d:?}")).unwrap_or_default())]
    RateLimited {
        /// The URL being fetched.
        url: Url,
        /// 429 or 503.
        status: u16,
        /// The server's `Retry-After`, if it sent a valid one.
        retry_after: Option<Duration>,
    },
    /// Any other non-success status.
    #[error("{url} answered HTTP {status}; {}", status_advice(*status))]
    Status {
        /// The URL being fetched.
        url: Url,
        /// The status code.
        status: u16,
    },
    /// More redirects than [`FetchSettings::max_redirects`].
    #[error("{url} redirected more than {limit} times; open it in a browser and subscribe to where it ends up")]
    TooManyRedirects {
        /// The feed address.
        url: Url,
        /// The limit.
        limit: u32,
    },
    /// A redirect without a usable `Location`.
    #[error("{url} answered a redirect (HTTP {status}) without a usable Location; the server is misconfigured")]
    BadRedirect {
        /// The URL that redirected.
        url: Url,
        /// The redirect status.
        status: u16,
    },
    /// The body (decompressed) exceeded [`FetchSettings::max_body_bytes`].
    #[error(
        "{source_name} is larger than {limit} bytes (after decompression); it is not a feed we can read, or raise max_body_bytes"
    )]
    TooLarge {
        /// The URL or path.
        source_name: String,
        /// The limit.
        limit: u64,
    },
    /// Reading a local feed file failed.
    #[error("could not read feed file {path}: {source}; check the path (web addresses need http:// or https://)")]
    File {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn status_advice(status: u16) -> &'static str {
    match status {
        404 | 410 => "the feed is gone; find its new address or remove it",
        401 | 403 => "the server refuses us; the feed may need a login or block bots",
        500..=599 => "the server has a problem; it will be retried",
        _ => "check the feed address",
    }
}

impl Retryable for FetchError {
    fn is_transient(&self) -> bool {
        match self {
            FetchError::ConnectTimeout { .. }
            | FetchError::Timeout { .. }
            | FetchError::Http { .. }
            | FetchError::RateLimited { .. } => true,
            FetchError::Status { status, .. } => *status >= 500 || *status == 408,
            FetchError::Refused(GuardError::Resolve { .. }) => true,
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Fetches feeds. Cheap to share: clone an `Arc<Fetcher>` into every poll task so they share the
/// connection pool and the per-host queue.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
    hosts: HostLocks,
}

const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
                      application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";

impl Fetcher {
    /// Builds the HTTP client. Installs rustls's ring provider as the process default if nothing
    /// else did, since the client cannot be built without one.
    pub fn new(settings: FetchSettings) -> Result<Fetcher, FetchError> {
        // Err only means a provider is already installed, which is what we want.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.total_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { allow_private: settings.allow_private }))
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(FetchError::Client)?;
        Ok(Fetcher { client, settings, hosts: HostLocks::default() })
    }

    /// The settings this fetcher was built with.
    pub fn settings(&self) -> &FetchSettings {
        &self.settings
    }

    /// Fetches `source`, conditionally on `validators`.
    pub async fn fetch(&self, source: &FeedSource, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        match source {
            FeedSource::Url(url) => self.fetch_url(url, validators).await,
            FeedSource::File(path) => self.fetch_file(path, validators).await,
        }
    }

    async fn fetch_url(&self, start: &Url, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        let limit = self.settings.total_timeout;
        let mut deadline: Option<Instant> = None;
        let mut url = start.clone();
        let mut redirects = 0;
        loop {
            guard::check_url(&url, self.settings.allow_private)?;
            let _host = self.hosts.acquire(&url).await;
            // The clock starts once we hold the first host: queueing behind our own fetches to the
            // same publisher is not the server being slow.
            let deadline = *deadline.get_or_insert_with(|| Instant::now() + limit);
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(FetchError::Timeout { url, limit });
            }

            let response = self
                .client
                .get(url.clone())
                .headers(request_headers(validators))
                .timeout(remaining)
                .send()
                .await
                .map_err(|e| self.classify(e, &url))?;
            let status = response.status();
            tracing::debug!(feed = %url, status = status.as_u16(), redirects, "Feed answered.");

            if status == StatusCode::NOT_MODIFIED {
                return Ok(FetchOutcome::NotModified);
            }
            if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
                let next = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|loc| url.join(loc.trim()).ok())
                    .ok_or_else(|| FetchError::BadRedirect { url: url.clone(), status: status.as_u16() })?;
                if redirects >= self.settings.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        url: start.clone(),
                        limit: self.settings.max_redirects,
                    });
                }
                redirects += 1;
                url = next;
                continue;
            }
            if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
                let retry_after = response
                    .headers()
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, Utc::now()));
                return Err(FetchError::RateLimited { url, status: status.as_u16(), retry_after });
            }
            if !status.is_success() {
                return Err(FetchError::Status { url, status: status.as_u16() });
            }

            let headers = response.headers();
            let validators = Validators {
                etag: header_string(headers, header::ETAG),
                last_modified: header_string(headers, header::LAST_MODIFIED),
            };
            let content_type = header_string(headers, header::CONTENT_TYPE);
            let body = self.read_capped(response, &url).await?;
            return Ok(FetchOutcome::Fetched { body, validators, content_type, final_url: Some(url) });
        }
    }

    /// Reads the (already decompressed) body chunk by chunk, stopping as soon as it passes the cap.
    async fn read_capped(&self, mut response: reqwest::Response, url: &Url) -> Result<Bytes, FetchError> {
        let cap = self.settings.max_body_bytes;
        let too_large = || FetchError::TooLarge { source_name: url.to_string(), limit: cap };
        // reqwest only reports a length when it is not decompressing, so this is a shortcut for
        // honest large bodies; the loop below is the real limit.
        if response.content_length().is_some_and(|len| len > cap) {
            return Err(too_large());
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e, url))? {
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// Turns a client error into ours: the guard's refusals (raised inside the DNS resolver) and
    /// timeouts get their own variants.
    fn classify(&self, error: reqwest::Error, url: &Url) -> FetchError {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = cause {
            if let Some(guard_error) = e.downcast_ref::<GuardError>() {
                return FetchError::Refused(guard_error.clone());
            }
            cause = e.source();
        }
        if error.is_timeout() {
            return if error.is_connect() {
                FetchError::ConnectTimeout { url: url.clone(), limit: self.settings.connect_timeout }
            } else {
                FetchError::Timeout { url: url.clone(), limit: self.settings.total_timeout }
            };
        }
        // The URL is in our message already; the client's copy would repeat it.
        FetchError::Http { url: url.clone(), source: error.without_url() }
    }

    /// Reads a local feed file, with the same size cap. Its modification time stands in for
    /// `Last-Modified`, so an unchanged file is [`FetchOutcome::NotModified`] too.
    async fn fetch_file(&self, path: &Path, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        let file_error = |source| FetchError::File { path: path.to_owned(), source };
        let file = tokio::fs::File::open(path).await.map_err(file_error)?;
        let metadata = file.metadata().await.map_err(file_error)?;
        let last_modified = metadata.modified().ok().map(|t| http_date(DateTime::<Utc>::from(t)));
        if last_modified.is_some() && last_modified == validators.last_modified {
            return Ok(FetchOutcome::NotModified);
        }
        let cap = self.settings.max_body_bytes;
        let too_large = || FetchError::TooLarge { source_name: path.display().to_string(), limit: cap };
        if metadata.len() > cap {
            return Err(too_large());
        }
        let mut body = Vec::new();
        file.take(cap.saturating_add(1)).read_to_end(&mut body).await.map_err(file_error)?;
        if body.len() as u64 > cap {
            return Err(too_large());
        }
        Ok(FetchOutcome::Fetched {
            body: Bytes::from(body),
            validators: Validators { etag: None, last_modified },
            content_type: None,
            final_url: None,
        })
    }
}

fn request_headers(validators: &Validators) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
    // `from_bytes` keeps validators exactly as received (even obs-text bytes); a value that cannot
    // be a header at all is simply not sent, which costs one full fetch.
    if let Some(value) = validators.etag.as_deref().and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok()) {
        headers.insert(header::IF_NONE_MATCH, value);
    }
    if let Some(value) = validators.last_modified.as_deref().and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok()) {
        headers.insert(header::IF_MODIFIED_SINCE, value);
    }
    headers
}

fn header_string(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| std::str::from_utf8(v.as_bytes()).ok()).map(str::to_owned)
}

/// An IMF-fixdate, the format of `Last-Modified`.
fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_addresses_are_urls_or_paths_and_other_schemes_are_refused() {
        assert!(matches!(FeedSource::parse("https://n.example/rss"), Ok(FeedSource::Url(_))));
        assert!(matches!(FeedSource::parse(" HTTP://n.example/rss "), Ok(FeedSource::Url(_))));
        assert_eq!(FeedSource::parse("feeds/demo.xml").unwrap(), FeedSource::File(PathBuf::from("feeds/demo.xml")));
        assert_eq!(
            FeedSource::parse("file:///srv/feeds/a.xml").unwrap(),
            FeedSource::File(PathBuf::from("/srv/feeds/a.xml"))
        );
        let err = FeedSource::parse("ftp://n.example/rss").unwrap_err();
        assert!(err.to_string().contains("https://"), "{err}");
        assert!(FeedSource::parse("  ").is_err());
    }

    #[test]
    fn validators_are_sent_back_byte_for_byte() {
        let headers = request_headers(&Validators {
            etag: Some("W/\"abc\"".to_owned()),
            last_modified: Some("Sat, 18 Apr 2026 10:00:00 GMT".to_owned()),
        });
        assert_eq!(headers[header::IF_NONE_MATCH], "W/\"abc\"");
        assert_eq!(headers[header::IF_MODIFIED_SINCE], "Sat, 18 Apr 2026 10:00:00 GMT");
    }

    #[test]
    fn the_user_agent_names_the_project_and_the_contact() {
        let settings = FetchSettings::default().with_contact("mailto:ops@example.org");
        assert!(settings.user_agent.starts_with("layoffwatch/"));
        assert!(settings.user_agent.contains("mailto:ops@example.org"));
    }

    #[test]
    fn http_dates_use_the_imf_fixdate_format() {
        let at = DateTime::parse_from_rfc3339("2026-04-18T10:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(http_date(at), "Sat, 18 Apr 2026 10:00:00 GMT");
    }

    #[tokio::test]
    async fn an_unchanged_file_is_not_modified() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.xml");
        std::fs::write(&path, "<rss version=\"2.0\"><channel/></rss>").unwrap();
        let fetcher = Fetcher::new(FetchSettings::default()).unwrap();
        let source = FeedSource::File(path);
        let FetchOutcome::Fetched { validators, body, .. } =
            fetcher.fetch(&source, &Validators::default()).await.unwrap()
        else {
            panic!("expected a body");
        };
        assert!(body.starts_with(b"<rss"));
        assert_eq!(fetcher.fetch(&source, &validators).await.unwrap(), FetchOutcome::NotModified);
    }

    #[tokio::test]
    async fn a_missing_file_says_how_to_write_a_web_address() {
        let fetcher = Fetcher::new(FetchSettings::default()).unwrap();
        let err =
            fetcher.fetch(&FeedSource::parse("example.com/rss").unwrap(), &Validators::default()).await.unwrap_err();
        assert!(err.to_string().contains("https://"), "{err}");
    }
}
