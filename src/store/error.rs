//! What can go wrong in the store. Each message says what failed, on which input, and what to do
//! next, because these errors reach an operator's terminal (`layoffwatch run`, `check`).

use super::DeliveryId;

/// An error from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database location names a backend this build does not have.
    #[error(
        "{location:?} is not a database layoffwatch can open: expected a SQLite file path, a \
         sqlite:// URL or a postgres:// URL; set LAYOFFWATCH_DB to one, such as \
         ./layoffwatch.sqlite"
    )]
    UnsupportedLocation {
        /// The location as given.
        location: String,
    },

    /// The database could not be opened or created.
    #[error(
        "could not open the database at {location}: {source}; check that the directory exists \
         and is writable, or set LAYOFFWATCH_DB to another path"
    )]
    Open {
        /// The path or URL as given.
        location: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },

    /// The PostgreSQL server could not be reached, or refused the login.
    #[error(
        "could not connect to the PostgreSQL database at {location}: {source}; check that the \
         server is running and reachable from here, and the user, password and database name in \
         LAYOFFWATCH_DB"
    )]
    Connect {
        /// The URL as given, without its password.
        location: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },

    /// The schema could not be brought up to date.
    #[error(
        "could not bring the database at {location} up to date: {source}; if a newer \
         layoffwatch wrote it, run that version, otherwise point LAYOFFWATCH_DB at a new file \
         (the old one is left untouched)"
    )]
    Migrate {
        /// The path or URL as given.
        location: String,
        /// The migrator's error.
        #[source]
        source: sqlx::migrate::MigrateError,
    },

    /// The database was migrated by a newer layoffwatch than this one.
    #[error(
        "the database at {location} has migration {version}, which this layoffwatch does not \
         know: a newer version wrote it; run that version (or newer), not this one"
    )]
    MigrationsAhead {
        /// The path or URL as given (without a password).
        location: String,
        /// The first unknown migration found.
        version: i64,
    },

    /// `migrate` was pointed at a database that already holds an installation.
    #[error(
        "the target database is not empty: {tables}; point --to at an empty database, or pass \
         --force to replace what it holds"
    )]
    TargetNotEmpty {
        /// The tables holding rows, with their counts.
        tables: String,
    },

    /// A query or transaction failed; nothing this call meant to write was written.
    #[error(
        "could not {operation}: {source}; nothing was written by this call, so it can be \
         retried (if the database is locked, make sure no other process holds it; otherwise \
         check disk space and permissions)"
    )]
    Database {
        /// What the store was doing, e.g. `record the poll of https://example.com/rss`.
        operation: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },

    /// Another instance committed story decisions after this one last read the stories; the
    /// poll must be decided again on the stories as they are now.
    #[error(
        "another instance changed the stories since generation {generation} while this one \
         decided the poll of {feed}; nothing was written, and the poll is redone on the \
         current stories"
    )]
    StoriesMoved {
        /// The feed whose poll was refused.
        feed: String,
        /// The generation the poll was decided on.
        generation: u64,
    },

    /// A stored value could not be read back as the record it belongs to.
    #[error(
        "the database holds an unreadable {what} {value:?}: {reason}; it was probably written \
         by another program or a newer layoffwatch"
    )]
    Corrupt {
        /// Which column, e.g. "deliveries.kind".
        what: &'static str,
        /// The value found (shortened).
        value: String,
        /// Why it could not be read.
        reason: String,
    },

    /// A delivery id that is not in the outbox.
    #[error("there is no delivery {id} in the outbox; it may have been queued in another database")]
    DeliveryNotFound {
        /// The id asked for.
        id: DeliveryId,
    },

    /// A delivery that is no longer pending was marked again; the caller's bookkeeping is off.
    #[error(
        "delivery {id} is already {state}, so it cannot be marked again; another sender may be \
         working the same outbox"
    )]
    DeliveryNotPending {
        /// The delivery.
        id: DeliveryId,
        /// Its current state.
        state: super::DeliveryState,
    },

    /// Text that is not a digest schedule.
    #[error("not a digest schedule: expected off, hourly or daily HH:MM (UTC), got {value:?}")]
    InvalidDigestMode {
        /// The text as given.
        value: String,
    },
}

impl StoreError {
    /// Wraps a migrator error, telling a database migrated by a newer binary apart.
    pub(crate) fn migrate(location: &str, source: sqlx::migrate::MigrateError) -> Self {
        match source {
            sqlx::migrate::MigrateError::VersionMissing(version) => {
                StoreError::MigrationsAhead { location: location.to_owned(), version }
            }
            source => StoreError::Migrate { location: location.to_owned(), source },
        }
    }

    /// Wraps a driver error with what the store was doing.
    pub(crate) fn database(operation: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Self {
        let operation = operation.into();
        move |source| StoreError::Database { operation, source }
    }

    /// Whether the failure is the database being busy or locked by another writer, which goes
    /// away by itself: worth retrying after a pause.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database { source, .. }
            | StoreError::Open { source, .. }
            | StoreError::Connect { source, .. } => {
                match source.as_database_error().and_then(|e| e.code()) {
                    // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
                    Some(code) => code.parse::<i32>().map(|c| matches!(c & 0xff, 5 | 6)).unwrap_or(false),
                    None => matches!(source, sqlx::Error::PoolTimedOut),
                }
            }
            _ => false,
        }
    }
}
