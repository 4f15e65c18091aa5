//! The daily token budget: tokens sent plus received by every call of one UTC day. A call reserves
//! its worst case (its prompt plus the output limit) before it is made, so concurrent calls cannot
//! overshoot together, and settles to what the server reports afterwards. The day's total is kept in
//! a small JSON file beside the database, written atomically, so a restart (or a crash loop) does not
//! hand out a fresh budget.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Mutex;

/// The budget would be exceeded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the daily LLM token budget is spent ({used} of {limit} tokens used today; a call needs up to {wanted})")]
pub struct Exhausted {
    pub used: u64,
    pub limit: u64,
    pub wanted: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Usage {
    day: NaiveDate,
    tokens: u64,
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
    file: Option<PathBuf>,
    usage: Mutex<Usage>,
}

impl DailyBudget {
    /// A budget of `limit` tokens a day, continuing today's total from `file` if it has one.
    pub fn new(limit: u64, file: Option<PathBuf>, today: NaiveDate) -> Self {
        let stored = file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|bytes| serde_json::from_slice::<Usage>(&bytes).ok())
            .filter(|u| u.day == today);
        Self { limit, file, usage: Mutex::new(stored.unwrap_or(Usage { day: today, tokens: 0 })) }
    }

    /// Tokens used today.
    pub fn used(&self, today: NaiveDate) -> u64 {
        let usage = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        if usage.day == today { usage.tokens } else { 0 }
    }

    /// Reserves `tokens` for a call, or says the budget cannot cover it.
    pub fn reserve(&self, tokens: u64, today: NaiveDate) -> Result<Reservation, Exhausted> {
        let mut usage = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        if usage.day != today {
            *usage = Usage { day: today, tokens: 0 };
        }
        if usage.tokens.saturating_add(tokens) > self.limit {
            return Err(Exhausted { used: usage.tokens, limit: self.limit, wanted: tokens });
        }
        usage.tokens += tokens;
        Ok(Reservation { day: today, tokens })
    }

    /// Replaces a reservation with the tokens the call used (0 when it failed before the server
    /// worked on it), and saves the day's total.
    pub fn settle(&self, reservation: Reservation, used: u64) {
        let snapshot = {
            let mut usage = self.usage.lock().unwrap_or_else(|e| e.into_inner());
            if usage.day == reservation.day {
                usage.tokens = usage.tokens.saturating_sub(reservation.tokens).saturating_add(used);
            }
            *usage
        };
        self.save(snapshot);
    }

    fn save(&self, usage: Usage) {
        let Some(file) = &self.file else { return };
        let tmp = file.with_extension("json.tmp");
        let result = serde_json::to_vec(&usage)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, file));
        if let Err(error) = result {
            tracing::warn!(file = %file.display(), %error, "Could not save the LLM token use; a restart today would forget it.");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, d).unwrap()
    }

    #[test]
    fn a_call_that_would_pass_the_limit_is_refused() {
        let b = DailyBudget::new(1_000, None, day(1));
        let r = b.reserve(800, day(1)).unwrap();
        assert_eq!(b.reserve(300, day(1)).unwrap_err(), Exhausted { used: 800, limit: 1_000, wanted: 300 });
        b.settle(r, 500);
        assert_eq!(b.used(day(1)), 500);
        let r = b.reserve(300, day(1)).unwrap();
        b.settle(r, 0);
        assert_eq!(b.used(day(1)), 500);
    }

    #[test]
    fn the_budget_renews_each_day() {
        let b = DailyBudget::new(1_000, None, day(1));
        let r = b.reserve(1_000, day(1)).unwrap();
        b.settle(r, 1_000);
        assert!(b.reserve(1, day(1)).is_err());
        let r = b.reserve(1_000, day(2)).unwrap();
        b.settle(r, 10);
        assert_eq!(b.used(day(2)), 10);
    }

    #[test]
    fn a_restart_on_the_same_day_continues_the_count() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bot.sqlite.llm-usage.json");
        let b = DailyBudget::new(1_000, Some(file.clone()), day(1));
        let r = b.reserve(900, day(1)).unwrap();
        b.settle(r, 700);
        let again = DailyBudget::new(1_000, Some(file.clone()), day(1));
        assert_eq!(again.used(day(1)), 700);
        assert!(again.reserve(400, day(1)).is_err());
        let tomorrow = DailyBudget::new(1_000, Some(file), day(2));
        assert_eq!(tomorrow.used(day(2)), 0);
    }
}
