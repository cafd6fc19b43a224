//! The settings screen: the app's language and text size (kept in the store, checked by
//! `core::validate`), the privacy notice, and the server this device is enrolled with.

use crate::error::{CoreError, CoreResult};
use crate::forms;
use crate::store::Store;
use crate::sync::Role;
use crate::validate;
use serde::{Deserialize, Serialize};

/// The language the app shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Vietnamese, the default.
    #[default]
    Vi,
    En,
}

/// What a person chose on the settings screen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub language: Language,
    /// Text size as a factor of the platform's default, within
    /// [`validate::MIN_TEXT_SCALE`]..=[`validate::MAX_TEXT_SCALE`].
    pub text_scale: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Self { language: Language::Vi, text_scale: 1.0 }
    }
}

/// The privacy notice, as read to citizens before their data is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrivacyNotice {
    pub text_vi: String,
    pub text_en: String,
    /// What is stored with each consent (names this notice and its version).
    pub consent_purpose: String,
}

/// Everything the settings screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingsScreen {
    pub settings: Settings,
    pub privacy: PrivacyNotice,
    /// The server this device enrolled with; `None` before enrolment.
    pub server_url: Option<String>,
    /// What the device is enrolled as; `None` before enrolment.
    pub role: Option<Role>,
    pub commune_key: Option<String>,
}

const SETTINGS: &str = "app.settings";

/// The privacy notice (the same words as the consent the volunteer reads out).
pub fn privacy_notice() -> PrivacyNotice {
    let (vi, en) = forms::consent_purpose();
    PrivacyNotice { text_vi: vi.to_owned(), text_en: en.to_owned(), consent_purpose: forms::CONSENT_PURPOSE.to_owned() }
}

impl Store {
    /// The settings kept on this device (defaults until someone changes them).
    pub fn settings(&self) -> CoreResult<Settings> {
        let stored = self.read(|c| crate::store::read_setting(c, SETTINGS))?;
        // A value this version cannot read (or an out-of-range one) falls back to the default.
        Ok(stored
            .and_then(|s| serde_json::from_str::<Settings>(&s).ok())
            .filter(|s| validate::settings(s.text_scale).0.is_empty())
            .unwrap_or_default())
    }

    /// Keep new settings; an out-of-range text size is refused with its problem.
    pub fn save_settings(&self, s: &Settings) -> CoreResult<Settings> {
        let problems = validate::settings(s.text_scale);
        if problems.has_errors() {
            return Err(CoreError::Invalid(problems));
        }
        let text = serde_json::to_string(s)?;
        self.write(|w| crate::store::write_setting(&w.tx, SETTINGS, &text))?;
        Ok(*s)
    }

    /// The settings screen.
    pub fn settings_screen(&self) -> CoreResult<SettingsScreen> {
        let enrolment = self.enrolment()?;
        Ok(SettingsScreen {
            settings: self.settings()?,
            privacy: privacy_notice(),
            server_url: enrolment.as_ref().and_then(|e| e.server_url.clone()),
            role: enrolment.as_ref().map(|e| e.role),
            commune_key: enrolment.and_then(|e| e.commune_key),
        })
    }
}
