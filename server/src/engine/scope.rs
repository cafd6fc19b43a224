//! Administrative scope: which communes an official's unit covers, in today's structure.

use chrono::Utc;
use tungnha_core::clock::vietnam_date;
use tungnha_core::units::{self, UnitLevel};

/// Whether records of `commune` fall under the official unit `unit`.
///
/// A commune official's unit is one commune key: only records with exactly that key.
/// A province official's unit is a province: a commune belongs to it when the commune's
/// province, mapped to today's structure, is the same as the unit mapped to today's
/// structure (so a 2025 province covers communes recorded under the 2008 provinces
/// merged into it).
pub fn unit_contains(unit: &str, commune: &str) -> bool {
    if unit == commune {
        return true;
    }
    let tree = units::official();
    let Some(u) = tree.get(unit) else { return false };
    if u.level != UnitLevel::Province {
        return false;
    }
    let Some(province) = tree.province_of(commune) else { return false };
    if province.key == unit {
        return true;
    }
    let today = vietnam_date(Utc::now());
    let ours = tree.successors_on(unit, today);
    tree.successors_on(&province.key, today).iter().any(|p| ours.iter().any(|o| o.key == p.key))
}

/// Whether `key` is a unit of this level in the official list.
pub fn is_unit(key: &str, level: UnitLevel) -> bool {
    units::official().get(key).is_some_and(|u| u.level == level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn province_covers_its_communes_old_and_new() {
        // Phường Ba Đình (2025) is in Hà Nội (2025:p:01); Phường Phúc Xá (2008) was in
        // the old Hà Nội (2008:p:01), which became 2025:p:01.
        assert!(unit_contains("2025:p:01", "2025:c:00004"));
        assert!(unit_contains("2025:p:01", "2008:c:00001"));
        assert!(!unit_contains("2025:p:04", "2025:c:00004"));
        assert!(unit_contains("2025:c:00004", "2025:c:00004"));
        assert!(!unit_contains("2025:c:00004", "2025:c:00008"));
        assert!(!unit_contains("nonsense", "2025:c:00004"));
        assert!(!unit_contains("2025:p:01", "nonsense"));
    }
}
