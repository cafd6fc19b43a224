//! Real communes of the 2025 structure, from [`tungnha_core::units`]: fixtures place
//! their villages under an official unit, as a commune official's phone does.

use chrono::NaiveDate;
use tungnha_core::units::{self, AdminUnit, UnitLevel};

/// Phường Ba Đình, Hà Nội.
pub const BA_DINH: &str = "2025:c:00004";
/// Phường Ngọc Hà, Hà Nội: another commune of the same province.
pub const NGOC_HA: &str = "2025:c:00008";
/// Thành phố Hà Nội.
pub const HA_NOI: &str = "2025:p:01";
/// Phường Thục Phán, Cao Bằng: another province.
pub const THUC_PHAN: &str = "2025:c:01273";

/// A day on which the 2025 structure is in force.
pub fn structure_2025() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).expect("a valid date")
}

/// The province of the 2025 structure named `name` ("Sơn La", "Hà Nội": without "Tỉnh"
/// or "Thành phố").
pub fn province(name: &str) -> &'static AdminUnit {
    units::official()
        .provinces_on(structure_2025())
        .into_iter()
        .find(|p| p.name.strip_suffix(name).is_some_and(|kind| kind.ends_with(' ')))
        .unwrap_or_else(|| panic!("no province named {name} in the 2025 structure"))
}

/// The communes (xã, phường) of a province in the 2025 structure, in the list's order.
pub fn communes_of(province_name: &str) -> Vec<&'static AdminUnit> {
    let tree = units::official();
    tree.children(&province(province_name).key)
        .into_iter()
        .filter(|c| c.level == UnitLevel::Commune && c.is_valid_on(structure_2025()))
        .collect()
}

/// The key of the first commune of a province in the 2025 list (for Sơn La: Phường Tô Hiệu).
pub fn commune_key(province_name: &str) -> String {
    communes_of(province_name).first().map(|c| c.key.clone()).unwrap_or_else(|| panic!("{province_name} has no communes"))
}

/// The key of the commune `commune` ("Xã Thuận Châu") of a province, or of its first
/// commune if the list has no such name.
pub fn commune_key_named(province_name: &str, commune: &str) -> String {
    let all = communes_of(province_name);
    all.iter()
        .find(|c| c.name == commune)
        .or(all.first())
        .map(|c| c.key.clone())
        .unwrap_or_else(|| panic!("{province_name} has no communes"))
}

/// The first rural commune (xã) of a province.
pub fn rural_commune_key(province_name: &str) -> String {
    let all = communes_of(province_name);
    all.iter().find(|c| c.kind == "xã").or(all.first()).map(|c| c.key.clone()).unwrap_or_else(|| panic!("{province_name} has no communes"))
}

/// Every commune of the country on `on`, in the list's order.
pub fn all_communes(on: NaiveDate) -> Vec<String> {
    units::official().units_on(UnitLevel::Commune, on).into_iter().map(|u| u.key.clone()).collect()
}

/// `n` communes spread across the country (every 7th of the list) on `on`.
pub fn communes_across_country(n: usize, on: NaiveDate) -> Vec<String> {
    units::official().units_on(UnitLevel::Commune, on).into_iter().step_by(7).take(n).map(|u| u.key.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_units_are_what_they_say() {
        let tree = units::official();
        let name = |k: &str| tree.get(k).map(|u| u.name.clone()).unwrap_or_default();
        assert_eq!(name(BA_DINH), "Phường Ba Đình");
        assert_eq!(name(NGOC_HA), "Phường Ngọc Hà");
        assert_eq!(name(HA_NOI), "Thành phố Hà Nội");
        assert_eq!(name(THUC_PHAN), "Phường Thục Phán");
        assert_eq!(tree.province_of(NGOC_HA).map(|p| p.key.as_str()), Some(HA_NOI));
        assert_eq!(province("Sơn La").key, "2025:p:14");
        assert_eq!(province("Hà Nội").key, HA_NOI);
        assert_eq!(commune_key("Sơn La"), tree.children("2025:p:14")[0].key);
        assert_eq!(name(&commune_key_named("Sơn La", "Xã Thuận Châu")), "Xã Thuận Châu");
        assert_eq!(name(&rural_commune_key("Sơn La")), "Xã Mường Chiên");
        let spread = communes_across_country(5, structure_2025());
        assert_eq!(spread.len(), 5);
        assert!(all_communes(structure_2025()).len() > 3_000);
    }
}
