//! Edits of mutable records: only the fields that change travel (an update op carries
//! exactly these, serialised).

use crate::model::{CoarseLocation, HouseholdIndicators, Relation, Sex};
use serde::{Deserialize, Serialize};

/// Changes to a household; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HouseholdPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `Some(None)` clears the phone.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "some")]
    pub phone: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "some")]
    pub location: Option<Option<CoarseLocation>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators: Option<HouseholdIndicators>,
}

/// Changes to a person; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "some")]
    pub birth_year: Option<Option<i32>>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "some")]
    pub sex: Option<Option<Sex>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "some")]
    pub phone: Option<Option<String>>,
}

/// A present field (even `null`) deserialises to `Some`: `{"phone": null}` clears the
/// phone, a missing `phone` leaves it alone.
fn some<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}
