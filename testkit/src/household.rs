//! Households as volunteers register them: a head who consents for the family, a spouse,
//! children, sometimes a parent or a grandchild; phones for some, a rough location for
//! half, the province's indicators asked for most.
//!
//! [`Family::draw`] makes the inputs from a seeded generator (nothing is stored); [`Family::add`]
//! stores them. Children carry the head's family name; a spouse usually comes from the same
//! group of the [`Population`].

use chrono::{DateTime, Datelike, Utc};
use rand::Rng;
use std::ops::RangeInclusive;
use tungnha_core::ids::{HouseholdId, MemberId, PersonId, VillageId};
use tungnha_core::model::{CoarseLocation, Consent, HouseholdIndicators, NewHousehold, NewPerson, Relation, Sex};
use tungnha_core::{CoreResult, Store};

use crate::names::{sex, Population};
use crate::people::{mobile, PURPOSE};

/// What households look like.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// People per household, the head included.
    pub members: RangeInclusive<usize>,
    /// Share of households headed by a woman.
    pub head_female: f64,
    /// Where households are, roughly (lat, lon): half of them get a location within ~8 km.
    pub near: (f64, f64),
}

impl Default for Shape {
    /// 3–4 people, a quarter headed by a woman, in Sơn La.
    fn default() -> Self {
        Self { members: 3..=4, head_female: 0.25, near: (21.30, 103.90) }
    }
}

/// Where and when a household is registered, and by whom.
#[derive(Debug, Clone)]
pub struct Registration {
    pub village: VillageId,
    pub address: String,
    pub at: DateTime<Utc>,
    /// The member who recorded the consent.
    pub by: Option<MemberId>,
}

/// A household's inputs: the household with its head, and the other members.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub household: NewHousehold,
    pub others: Vec<NewPerson>,
}

impl Family {
    /// Draw a family of `shape` from `population`, registered as `r` says.
    pub fn draw<R: Rng + ?Sized>(rng: &mut R, population: &Population, shape: &Shape, r: &Registration) -> Self {
        let year = r.at.year();
        let group = population.group(rng);
        let family = group.family(rng);
        let head_sex = if rng.random_bool(shape.head_female) { Sex::Female } else { Sex::Male };
        let head_name = group.full_name(rng, family, head_sex);
        let head_born = rng.random_range(1945..=1992);
        let consent = Consent { given_by: head_name.clone(), given_at: r.at, purpose: PURPOSE.into(), recorded_by: r.by };
        let head = NewPerson {
            full_name: head_name,
            birth_year: Some(head_born),
            sex: Some(head_sex),
            relation: Relation::Head,
            phone: rng.random_bool(0.6).then(|| mobile(rng)),
            consent: Some(consent.clone()),
        };
        let size = rng.random_range(shape.members.clone()).max(1);
        let mut others = Vec::with_capacity(size - 1);
        for k in 1..size {
            let (relation, sex, born) = match (k, rng.random_range(0..100)) {
                (1, 0..85) => (Relation::Spouse, opposite(head_sex), head_born + rng.random_range(-4..=6)),
                (1, _) | (_, 0..12) => (Relation::Parent, sex(rng), head_born - rng.random_range(20..=32)),
                (_, 12..22) if head_born <= 1975 => (Relation::Grandchild, sex(rng), head_born + rng.random_range(42..=55)),
                _ => (Relation::Child, sex(rng), head_born + rng.random_range(20..=34)),
            };
            let born = born.clamp(1925, year - 1);
            // Children take the head's family name (the father's, where the head is a woman
            // with a husband in the household, is not modelled); a spouse or a parent may
            // come from another family, usually of the same group.
            let name = match relation {
                Relation::Spouse | Relation::Parent => {
                    let g = if rng.random_bool(0.9) { group } else { population.group(rng) };
                    g.name(rng, sex)
                }
                _ => group.full_name(rng, family, sex),
            };
            others.push(NewPerson {
                full_name: name,
                birth_year: rng.random_bool(0.95).then_some(born),
                sex: rng.random_bool(0.9).then_some(sex),
                relation,
                phone: (born <= year - 16 && rng.random_bool(0.45)).then(|| mobile(rng)),
                consent: Some(consent.clone()),
            });
        }
        let (lat, lon) = shape.near;
        let household = NewHousehold {
            village_id: r.village,
            address: r.address.clone(),
            head,
            phone: rng.random_bool(0.3).then(|| mobile(rng)),
            location: rng
                .random_bool(0.5)
                .then(|| CoarseLocation::coarse(lat + rng.random_range(0.0..0.08), lon + rng.random_range(0.0..0.08))),
            indicators: HouseholdIndicators {
                has_smartphone: Some(rng.random_bool(0.7)),
                has_broadband: rng.random_bool(0.8).then(|| rng.random_bool(0.3)),
                has_epayment_adult: rng.random_bool(0.8).then(|| rng.random_bool(0.4)),
                uses_internet: Some(rng.random_bool(0.6)),
            },
        };
        Self { household, others }
    }

    /// Store the household and its members: its id and its people, head first.
    pub fn add(&self, store: &Store) -> CoreResult<(HouseholdId, Vec<PersonId>)> {
        let h = store.add_household(&self.household)?.id;
        let mut people = vec![store.household_detail(h)?.household.head_id];
        for p in &self.others {
            people.push(store.add_person(h, p)?.id);
        }
        Ok((h, people))
    }
}

/// The address of house `number` of a village: "Số nhà 12, tổ 1, Bản Mòng" (30 houses a group).
pub fn address(number: usize, village: &str) -> String {
    format!("Số nhà {number}, tổ {}, {village}", number / 30 + 1)
}

/// A household with a named head and other named members (children), all consenting
/// now (the store's clock): for tests that refer to people by name. Head first.
pub fn named(store: &Store, village: VillageId, address: &str, head: &str, others: &[&str]) -> CoreResult<(HouseholdId, Vec<PersonId>)> {
    let now = store.now();
    let family = Family {
        household: NewHousehold {
            village_id: village,
            address: address.into(),
            head: crate::people::person(head, Relation::Head, 1970, now),
            phone: None,
            location: None,
            indicators: HouseholdIndicators::default(),
        },
        others: others.iter().enumerate().map(|(i, o)| crate::people::person(o, Relation::Child, 1995 + i as i32, now)).collect(),
    };
    family.add(store)
}

fn opposite(sex: Sex) -> Sex {
    match sex {
        Sex::Male => Sex::Female,
        Sex::Female => Sex::Male,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn families_pass_validation_and_repeat_with_their_seed() {
        let at = crate::calendar::at(2, 9);
        let r = Registration { village: VillageId::new(), address: "Số nhà 3, tổ 1, Bản Mòng".into(), at, by: None };
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..200)
                .map(|_| Family::draw(&mut rng, &Population::SON_LA, &Shape { members: 2..=5, ..Shape::default() }, &r))
                .collect::<Vec<_>>()
        };
        let families = draw(5);
        assert_eq!(families, draw(5));
        for f in &families {
            assert!((1..=4).contains(&f.others.len()));
            let (clean, problems) = tungnha_core::validate::household(&f.household, at);
            assert!(clean.is_some() && problems.is_empty(), "{problems:?}");
            for p in &f.others {
                let (clean, problems) = tungnha_core::validate::person(p, at);
                assert!(clean.is_some() && problems.is_empty(), "{p:?}: {problems:?}");
            }
        }
        let spouses = families.iter().filter(|f| f.others.first().is_some_and(|p| p.relation == Relation::Spouse)).count();
        assert!(spouses > 140, "most households have a couple ({spouses} of 200)");
    }
}
