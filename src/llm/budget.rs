//! The daily token budget: tokens sent plus received by every call of one UTC day. A call reserves
//! its worst case (its prompt plus the output limit) before it is made, so concurrent calls cannot
//! overshoot together, and settles to what the server reports afterwards. The count lives in the
//! [`Books`]: in the bot's database, where every instance spends the same budget and a restart (or
//! a crash loop) does not hand out a fresh one.

use super::books::{Books, BooksError, Reserved};
use chrono::NaiveDate;
use std::sync::Arc;

/// Why a call may not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the daily LLM token budget is spent ({used} of {limit} tokens used today; a call needs up to {wanted})")]
    Exhausted { used: u64, limit: u64, wanted: u64 },
    /// The count cannot be read, so the budget cannot be checked: no call, rather than an unbounded one.
    #[error("{0}")]
    Unknown(#[from] BooksError),
}

/// Tokens reserved for one call; settle it with what the call used.
#[derive(Debug)]
#[must_use = "a reservation is settled with the tokens the call used"]
pub struct Reservation {
    day: NaiveDate,
    tokens: u64,
}

pub struct DailyBudget {
    limit: u64,
    books: Arc<dyn Books>,
}

impl DailyBudget {
    /// A budget of `limit` tokens a day, counted in `books`.
    pub fn new(limit: u64, books: Arc<dyn Books>) -> Self {
        Self { limit, books }
    }

    /// Tokens used on `day`.
    pub async fn used(&self, day: NaiveDate) -> Result<u64, BooksError> {
        self.books.used(day).await
    }

    /// Reserves `tokens` for a call, or says why not.
    pub async fn reserve(&self, tokens: u64, today: NaiveDate) -> Result<Reservation, Refused> {
        match self.books.reserve(today, tokens, self.limit).await? {
            Reserved::Granted => Ok(Reservation { day: today, tokens }),
            Reserved::Exhausted { used } => Err(Refused::Exhausted { used, limit: self.limit, wanted: tokens }),
        }
    }

    /// Replaces a reservation with the tokens the call used (0 when it failed before the server
    /// worked on it).
    pub async fn settle(&self, reservation: Reservation, used: u64) {
        if let Err(error) = self.books.settle(reservation.day, reservation.tokens, used).await {
            tracing::warn!(%error, reserved = reservation.tokens, used, "Could not settle the LLM token count; today's count keeps the reservation.");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::books::InMemory;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, d).unwrap()
    }

    #[tokio::test]
    async fn a_call_that_would_pass_the_limit_is_refused() {
        let b = DailyBudget::new(1_000, Arc::new(InMemory::default()));
        let r = b.reserve(800, day(1)).await.unwrap();
        assert_eq!(
            b.reserve(300, day(1)).await.unwrap_err(),
            Refused::Exhausted { used: 800, limit: 1_000, wanted: 300 }
        );
        b.settle(r, 500).await;
        assert_eq!(b.used(day(1)).await.unwrap(), 500);
        let r = b.reserve(300, day(1)).await.unwrap();
        b.settle(r, 0).await;
        assert_eq!(b.used(day(1)).await.unwrap(), 500);
    }

    #[tokio::test]
    async fn the_budget_renews_each_day() {
        let b = DailyBudget::new(1_000, Arc::new(InMemory::default()));
        let r = b.reserve(1_000, day(1)).await.unwrap();
        b.settle(r, 1_000).await;
        assert!(b.reserve(1, day(1)).await.is_err());
        let r = b.reserve(1_000, day(2)).await.unwrap();
        b.settle(r, 10).await;
        assert_eq!(b.used(day(2)).await.unwrap(), 10);
    }
}
