//! Near-duplicate detection: SimHash over three-word shingles with a stable hash (xxh3), and a banded
//! index so finding a near twin among many items costs a few lookups, not a scan. A syndicated rewrite
//! of one article lands within a few bits; unrelated stories are tens of bits apart.

use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

/// Two fingerprints this close (in differing bits) are the same text, lightly edited.
pub const NEAR_DUPLICATE_BITS: u32 = 6;

/// The SimHash fingerprint of a text. Words are lower-cased into one buffer and each shingle is
/// hashed from a reused one: this runs on every item, and a string per word and per shingle showed
/// up in profiles.
pub fn simhash(text: &str) -> u64 {
    let mut lower = String::with_capacity(text.len());
    let mut words: Vec<(usize, usize)> = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let start = lower.len();
        if w.is_ascii() {
            lower.push_str(w);
            lower[start..].make_ascii_lowercase();
        } else {
            lower.push_str(&w.to_lowercase());
        }
        words.push((start, lower.len()));
    }
    if words.is_empty() {
        return 0;
    }
    // Each bit's weight is (shingles with the bit set) − (shingles without it); counting only the
    // set bits and comparing with the shingle count at the end gives the same sign without a
    // branch per bit.
    let mut counts = BitCounts::new();
    let mut shingle = String::new();
    let mut hash_of = |group: &[(usize, usize)]| {
        shingle.clear();
        for (i, &(from, to)) in group.iter().enumerate() {
            if i > 0 {
                shingle.push(' ');
            }
            shingle.push_str(&lower[from..to]);
        }
        xxh3_64(shingle.as_bytes())
    };
    if words.len() < 3 {
        counts.add(hash_of(&words));
    } else {
        for group in words.windows(3) {
            counts.add(hash_of(group));
        }
    }
    let (ones, shingles) = counts.finish();
    ones.iter().enumerate().fold(0u64, |acc, (bit, &n)| if 2 * n > shingles { acc | 1 << bit } else { acc })
}

/// Each byte value with bit `i` moved to byte `i` (as 0 or 1), so one addition counts eight bits.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut bit = 0;
        while bit < 8 {
            if byte >> bit & 1 == 1 {
                table[byte] |= 1 << (8 * bit);
            }
            bit += 1;
        }
        byte += 1;
    }
    table
};

/// How many of the hashes added so far have each of the 64 bits set. A hash's bits are added eight
/// at a time, one byte lane per bit, instead of one by one: every shingle of every item is counted.
/// A lane holds at most 255, so the lanes are emptied into the totals every 255 hashes.
struct BitCounts {
    /// `lanes[k]`, byte `i`: hashes since the last flush with bit `8k + i` set.
    lanes: [u64; 8],
    pending: u32,
    ones: [u32; 64],
    hashes: u32,
}

impl BitCounts {
    fn new() -> Self {
        Self { lanes: [0; 8], pending: 0, ones: [0; 64], hashes: 0 }
    }

    fn add(&mut self, h: u64) {
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[(h >> (8 * k) & 0xff) as usize];
        }
        self.hashes += 1;
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            for i in 0..8 {
                self.ones[8 * k + i] += (*lane >> (8 * i) & 0xff) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    /// The count per bit and the number of hashes added.
    fn finish(mut self) -> ([u32; 64], u32) {
        self.flush();
        (self.ones, self.hashes)
    }
}

pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Fingerprints indexed by eight 8-bit bands: any two within seven bits share a band exactly
/// (pigeonhole), so no near twin is missed.
#[derive(Debug, Clone)]
pub struct SimIndex<T> {
    bands: HashMap<(u8, u8), Vec<usize>>,
    entries: Vec<(u64, T)>,
}

/// Empty whatever `T` is (a derived `Default` would ask `T` for one, and an id has none).
impl<T> Default for SimIndex<T> {
    fn default() -> Self {
        Self { bands: HashMap::new(), entries: Vec::new() }
    }
}

impl<T: Clone> SimIndex<T> {
    pub fn insert(&mut self, hash: u64, value: T) {
        let at = self.entries.len();
        self.entries.push((hash, value));
        for band in 0..8u8 {
            self.bands.entry((band, (hash >> (band * 8)) as u8)).or_default().push(at);
        }
    }

    /// Keeps only the entries `keep` accepts, in their order (so lookups answer as before for them).
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let entries = std::mem::take(&mut self.entries);
        self.bands.clear();
        for (hash, value) in entries {
            if keep(&value) {
                self.insert(hash, value);
            }
        }
    }

    /// The value stored with a fingerprint within [`NEAR_DUPLICATE_BITS`] of `hash`.
    pub fn near(&self, hash: u64) -> Option<T> {
        (0..8u8)
            .filter_map(|band| self.bands.get(&(band, (hash >> (band * 8)) as u8)))
            .flatten()
            .map(|&at| &self.entries[at])
            .find(|(h, _)| distance(*h, hash) <= NEAR_DUPLICATE_BITS)
            .map(|(_, v)| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str = "Initech will lay off 500 employees in its support division, the company said on Tuesday, as it moves customer service to AI agents built in house over the next quarter.";

    #[test]
    fn a_light_edit_stays_near() {
        let edited = "Initech will lay off 500 employees in its support division, the company said Tuesday, as it moves customer service to AI agents built in house over the next quarter.";
        assert!(distance(simhash(ORIGINAL), simhash(edited)) <= 12);
    }

    #[test]
    fn identical_text_is_found_in_the_index() {
        let mut idx = SimIndex::default();
        idx.insert(simhash(ORIGINAL), "a1");
        assert_eq!(idx.near(simhash(ORIGINAL)), Some("a1"));
        assert_eq!(idx.near(simhash("Globex opens a new office in Lisbon with two hundred new hires in sales.")), None);
    }

    #[test]
    fn bits_counted_by_lanes_match_bits_counted_one_by_one() {
        let hashes: Vec<u64> = (0..1000u64).map(|i| xxh3_64(&i.to_le_bytes())).chain([u64::MAX; 300]).collect();
        let mut counts = BitCounts::new();
        let mut expected = [0u32; 64];
        for &h in &hashes {
            counts.add(h);
            for (bit, n) in expected.iter_mut().enumerate() {
                *n += (h >> bit & 1) as u32;
            }
        }
        assert_eq!(counts.finish(), (expected, hashes.len() as u32));
    }

    #[test]
    fn the_hash_is_stable_across_runs() {
        assert_eq!(simhash("one two three"), simhash("One, two; three!"));
    }
}
