//! Accent-insensitive search keys for Vietnamese text.
//!
//! Volunteers type on cheap phones, often without a Vietnamese keyboard: `dang` must
//! find `Đặng`, `nguyen van a` must find `Nguyễn Văn A`. We fold both the stored text and
//! the query to the same key: Unicode NFD, drop combining marks, map đ/Đ to d, lowercase,
//! and collapse everything that is not a letter or digit into single spaces.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds text to its search key (see the module docs).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// The words of a query, folded. Every word must occur in a key for it to match.
pub fn query_terms(query: &str) -> Vec<String> {
    fold(query).split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// Whether a folded key matches every term of a query (terms match word prefixes or
/// inner substrings alike: `van a` finds `nguyen van an`).
pub fn matches(key: &str, terms: &[String]) -> bool {
    terms.iter().all(|t| key.contains(t.as_str()))
}

/// The most hits one search page returns.
pub const MAX_PAGE: u32 = 200;

/// How well a household matched a query; results are ordered best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRank {
    /// A member's whole name is the query (`nguyen van zung` for Nguyễn Văn Zũng).
    WholeName,
    /// Every word of the query begins a word of the household's key (`ng zu`).
    WordPrefix,
    /// Every word of the query occurs somewhere in the key (`uyen` in Nguyễn).
    Substring,
}

/// Whether every term begins a word of `key` (a folded key: words separated by one space).
pub fn word_prefixes(key: &str, terms: &[String]) -> bool {
    terms.iter().all(|t| key.split(' ').any(|w| w.starts_with(t.as_str())))
}

/// The rank of a household whose folded `key` matches `terms`; `whole_name` says whether
/// one of its members' folded names equals the whole query.
pub fn rank(key: &str, terms: &[String], whole_name: bool) -> MatchRank {
    if whole_name {
        MatchRank::WholeName
    } else if word_prefixes(key, terms) {
        MatchRank::WordPrefix
    } else {
        MatchRank::Substring
    }
}

/// The shortest term the trigram index can look up.
pub const INDEXED_TERM_CHARS: usize = 3;

/// The FTS5 query (trigram tokenizer) for the terms the index can look up — three
/// characters or more, each a quoted substring, all required — or `None` if there are
/// none (the caller then scans, and checks every term with [`matches`] either way).
pub fn fts_query(terms: &[String]) -> Option<String> {
    let long: Vec<String> = terms
        .iter()
        .filter(|t| t.chars().count() >= INDEXED_TERM_CHARS)
        // Folded terms hold only letters and digits, but quote-doubling keeps the
        // syntax safe whatever `fold` lets through.
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    (!long.is_empty()).then(|| long.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Đặng Thị Hồng"), "dang thi hong");
        assert_eq!(fold("  Nguyễn   Văn A "), "nguyen van a");
        assert_eq!(fold("Thôn Nà Sản, xã Chiềng Mung"), "thon na san xa chieng mung");
        assert_eq!(fold("ƯỚC MƠ"), "uoc mo");
        // Precomposed (NFC) and decomposed (NFD) input give the same key.
        let nfd: String = "Phạm Ngọc Ánh".nfd().collect();
        assert_eq!(fold(&nfd), fold("Phạm Ngọc Ánh"));
    }

    #[test]
    fn queries_match_names() {
        let key = fold("Nguyễn Văn A, thôn Bản Mòng");
        assert!(matches(&key, &query_terms("nguyen van a")));
        assert!(matches(&key, &query_terms("Bản mong")));
        assert!(matches(&key, &query_terms("dang")) == key.contains("dang"));
        assert!(!matches(&key, &query_terms("tran")));
        assert!(matches(&fold("Đặng Văn Lâm"), &query_terms("dang")));
    }

    #[test]
    fn ranks_whole_names_then_word_prefixes_then_substrings() {
        let key = fold("Số 5 thôn Đông Nguyễn Văn Zũng Trần Thị Bình");
        let t = query_terms;
        assert_eq!(rank(&key, &t("nguyen van zung"), true), MatchRank::WholeName);
        assert_eq!(rank(&key, &t("nguyen zung"), false), MatchRank::WordPrefix);
        assert_eq!(rank(&key, &t("ng zu"), false), MatchRank::WordPrefix);
        assert_eq!(rank(&key, &t("uyen"), false), MatchRank::Substring);
        assert!(MatchRank::WholeName < MatchRank::WordPrefix && MatchRank::WordPrefix < MatchRank::Substring);
    }

    #[test]
    fn only_terms_of_three_characters_use_the_index() {
        assert_eq!(fts_query(&query_terms("Lê Văn A")).as_deref(), Some("\"van\""));
        assert_eq!(fts_query(&query_terms("nguyen zung")).as_deref(), Some("\"nguyen\" AND \"zung\""));
        assert_eq!(fts_query(&query_terms("Lê A")), None);
    }

    proptest! {
        #[test]
        fn fold_is_idempotent_and_ascii_for_vietnamese(s in "[a-zA-ZàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐÀÁ ,.0-9]{0,40}") {
            let k = fold(&s);
            prop_assert_eq!(fold(&k), k.clone());
            prop_assert!(k.is_ascii());
            prop_assert!(!k.starts_with(' ') && !k.ends_with(' ') && !k.contains("  "));
        }

        #[test]
        fn every_name_is_found_by_its_own_folded_words(s in "[a-zA-Zàáạăằắâầấđèéêềếìíòóôồốơờớùúưừứýỳ ]{1,30}") {
            let key = fold(&s);
            let terms = query_terms(&s.to_uppercase());
            prop_assert!(matches(&key, &terms));
        }
    }
}
