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
