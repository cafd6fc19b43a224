//! Seeded picks of skills, topics and actions, always from [`tungnha_core::catalog`]:
//! a fixture never spells a code of its own, so a catalog change reaches every test.

use rand::seq::IndexedRandom;
use rand::Rng;
use std::ops::RangeInclusive;
use tungnha_core::catalog::{Entry, ACTIONS, SKILLS, TOPICS};

/// The codes of the 5 basic skills, in the catalog's order.
pub fn skill_codes() -> Vec<&'static str> {
    codes(&SKILLS)
}

/// Every skill code, owned (a self-report of all 5 skills, a visit guiding all 5).
pub fn all_skills() -> Vec<String> {
    SKILLS.iter().map(|e| e.code.to_owned()).collect()
}

/// The codes of the national guidance topics (including "other").
pub fn topic_codes() -> Vec<&'static str> {
    codes(&TOPICS)
}

/// The codes of the per-person actions.
pub fn action_codes() -> Vec<&'static str> {
    codes(&ACTIONS)
}

/// Between `count.start()` and `count.end()` distinct skill codes.
pub fn some_skills<R: Rng + ?Sized>(rng: &mut R, count: RangeInclusive<usize>) -> Vec<String> {
    some(rng, &SKILLS, count)
}

/// Distinct topic codes; "other" is left out (a volunteer ticks it with a note).
pub fn some_topics<R: Rng + ?Sized>(rng: &mut R, count: RangeInclusive<usize>) -> Vec<String> {
    let named: Vec<Entry> = TOPICS.iter().filter(|t| t.code != "other").copied().collect();
    some(rng, &named, count)
}

/// Distinct action codes.
pub fn some_actions<R: Rng + ?Sized>(rng: &mut R, count: RangeInclusive<usize>) -> Vec<String> {
    some(rng, &ACTIONS, count)
}

/// One skill code.
pub fn one_skill<R: Rng + ?Sized>(rng: &mut R) -> &'static str {
    SKILLS.choose(rng).map(|e| e.code).expect("the catalog has skills")
}

/// One action code.
pub fn one_action<R: Rng + ?Sized>(rng: &mut R) -> &'static str {
    ACTIONS.choose(rng).map(|e| e.code).expect("the catalog has actions")
}

fn codes(list: &[Entry]) -> Vec<&'static str> {
    list.iter().map(|e| e.code).collect()
}

/// `count` (clamped to the list) distinct codes of `list`, in random order.
fn some<R: Rng + ?Sized>(rng: &mut R, list: &[Entry], count: RangeInclusive<usize>) -> Vec<String> {
    let (lo, hi) = (*count.start().min(&list.len()), *count.end().min(&list.len()));
    let n = rng.random_range(lo..=hi.max(lo));
    list.choose_multiple(rng, n).map(|e| e.code.to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use tungnha_core::catalog;

    #[test]
    fn picks_are_catalog_codes_without_repeats() {
        let mut rng = StdRng::seed_from_u64(9);
        for _ in 0..200 {
            let s = some_skills(&mut rng, 1..=3);
            assert!((1..=3).contains(&s.len()));
            assert!(s.iter().all(|c| catalog::skill(c).is_some()));
            let mut d = s.clone();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), s.len());
            assert!(some_topics(&mut rng, 0..=9).iter().all(|c| catalog::topic(c).is_some() && c != "other"));
            assert!(some_actions(&mut rng, 1..=2).iter().all(|c| catalog::action(c).is_some()));
        }
        assert_eq!(some_skills(&mut rng, 5..=9).len(), 5);
        assert_eq!(all_skills().len(), 5);
    }
}
