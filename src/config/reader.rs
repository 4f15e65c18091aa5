//! The one problem collector and the strict typed parsers every setting goes through. Each
//! environment variable is looked up once, here, so a value cannot mean one thing to one part of the
//! bot and another to the next; a value that does not parse exactly (`LLM_CONCURRENCY=2.5`) is a
//! problem named with its key and fix, never truncated or silently replaced by a default.

use super::ConfigProblem;
use std::collections::HashSet;
use std::fmt::Display;
use std::ops::RangeInclusive;
use std::str::FromStr;

/// Reads the environment and collects every problem found on the way, so `check` lists them all at
/// once instead of stopping at the first.
pub struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    read: HashSet<&'static str>,
    problems: Vec<ConfigProblem>,
}

impl<'a> Reader<'a> {
    pub fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self { lookup, read: HashSet::new(), problems: Vec::new() }
    }

    /// The variable as set, untrimmed; `None` when unset. Reading one twice is a bug in this module
    /// (two parsers for one setting), caught by the tests.
    pub fn raw(&mut self, key: &'static str) -> Option<String> {
        debug_assert!(self.read.insert(key), "{key} is read twice; parse it once and pass the value down");
        (self.lookup)(key)
    }

    /// The variable trimmed; `None` when unset or blank.
    pub fn get(&mut self, key: &'static str) -> Option<String> {
        self.raw(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    /// Records a problem with `key`.
    pub fn problem(&mut self, key: impl Into<String>, problem: impl Into<String>, fix: impl Into<String>) {
        self.problems.push(ConfigProblem { key: key.into(), problem: problem.into(), fix: fix.into() });
    }

    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// How many problems are recorded, so a part of the configuration can tell whether it added any.
    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// Everything found so far, in the order it was found.
    pub fn into_problems(self) -> Vec<ConfigProblem> {
        self.problems
    }

    /// A whole number from the environment, or else from the config file, within `range`. Unset in
    /// both gives `None`; a bad value is recorded (under the key it came from) and gives `None` too.
    pub fn whole<T>(
        &mut self,
        env_key: &'static str,
        file: Option<(&str, i64)>,
        range: RangeInclusive<T>,
        fix: &str,
    ) -> Option<T>
    where
        T: FromStr + TryFrom<i64> + PartialOrd + Display + Copy,
    {
        let (key, value) = match self.get(env_key) {
            Some(raw) => match raw.parse::<T>() {
                Ok(v) => (env_key.to_string(), v),
                Err(_) => {
                    self.problem(env_key, format!("{raw:?} is not a whole number"), fix);
                    return None;
                }
            },
            None => {
                let (file_key, n) = file?;
                match T::try_from(n) {
                    Ok(v) => (file_key.to_string(), v),
                    Err(_) => {
                        self.problem(file_key, format!("{n} is out of range"), fix);
                        return None;
                    }
                }
            }
        };
        if range.contains(&value) {
            return Some(value);
        }
        let (min, max) = (*range.start(), *range.end());
        self.problem(key, out_of_range(&value, min, max), fix);
        None
    }

    /// A decimal number from the environment within `range` (finite only).
    pub fn decimal(&mut self, key: &'static str, range: RangeInclusive<f64>, fix: &str) -> Option<f64> {
        let raw = self.get(key)?;
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && range.contains(&v) => Some(v),
            Ok(_) => {
                self.problem(key, format!("{raw} is outside {}..={}", range.start(), range.end()), fix);
                None
            }
            Err(_) => {
                self.problem(key, format!("{raw:?} is not a number"), fix);
                None
            }
        }
    }

    /// A true/false switch from the environment, or else from the config file.
    pub fn flag(&mut self, key: &'static str, file: Option<bool>) -> Option<bool> {
        let Some(raw) = self.raw(key) else { return file };
        match flag(&raw) {
            Some(v) => Some(v),
            None => {
                self.problem(key, format!("{:?} is not true or false", raw.trim()), "use true or false");
                None
            }
        }
    }
}

fn out_of_range<T: Display + PartialOrd>(value: &T, min: T, max: T) -> String {
    if *value < min {
        format!("{value} is below the minimum of {min}")
    } else {
        format!("{value} is above the maximum of {max}")
    }
}

/// A true/false setting as people write it in the environment.
pub fn flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with<T>(vars: &[(&str, &str)], f: impl FnOnce(&mut Reader<'_>) -> T) -> (T, Vec<ConfigProblem>) {
        let env: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let lookup = move |k: &str| env.get(k).cloned();
        let mut reader = Reader::new(&lookup);
        let out = f(&mut reader);
        (out, reader.into_problems())
    }

    #[test]
    fn a_fraction_where_a_whole_number_belongs_is_a_problem_not_a_truncation() {
        let (value, problems) =
            with(&[("LLM_CONCURRENCY", "2.5")], |r| r.whole::<usize>("LLM_CONCURRENCY", None, 1..=64, "give 2"));
        assert_eq!(value, None);
        assert_eq!(problems[0].key, "LLM_CONCURRENCY");
        assert!(problems[0].problem.contains("whole number"), "{:?}", problems[0]);
    }

    #[test]
    fn the_environment_wins_and_a_file_value_is_checked_under_its_own_key() {
        let (value, problems) =
            with(&[("POLL", "60")], |r| r.whole::<u64>("POLL", Some(("feeds.poll_seconds", 900)), 1..=u64::MAX, ""));
        assert_eq!((value, problems.len()), (Some(60), 0));
        let (value, problems) =
            with(&[], |r| r.whole::<u64>("POLL", Some(("feeds.poll_seconds", 0)), 1..=u64::MAX, "set it to 1 or more"));
        assert_eq!(value, None);
        assert_eq!(problems[0].key, "feeds.poll_seconds");
        assert!(problems[0].problem.contains("below the minimum of 1"), "{:?}", problems[0]);
    }

    #[test]
    fn a_negative_file_value_is_out_of_range_rather_than_wrapped() {
        let (value, problems) = with(&[], |r| r.whole::<u32>("DAYS", Some(("feeds.max_age_days", -3)), 1..=3650, ""));
        assert_eq!(value, None);
        assert_eq!(problems[0].key, "feeds.max_age_days");
    }

    #[test]
    fn decimals_must_be_finite_and_in_range() {
        let (value, problems) = with(&[("T", "NaN")], |r| r.decimal("T", 0.0..=2.0, "0 to 2"));
        assert_eq!((value, problems.len()), (None, 1));
        let (value, _) = with(&[("T", " 0.7 ")], |r| r.decimal("T", 0.0..=2.0, "0 to 2"));
        assert_eq!(value, Some(0.7));
    }

    #[test]
    fn a_switch_reads_the_usual_spellings_and_names_anything_else() {
        let (value, _) = with(&[("S", "Yes")], |r| r.flag("S", Some(false)));
        assert_eq!(value, Some(true));
        let (value, _) = with(&[], |r| r.flag("S", Some(true)));
        assert_eq!(value, Some(true));
        let (value, problems) = with(&[("S", "sometimes")], |r| r.flag("S", None));
        assert_eq!((value, problems[0].key.as_str()), (None, "S"));
    }
}
