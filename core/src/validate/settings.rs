//! The app's own settings (language, text size): bounded, with problems like any field.

use crate::problem::{Problem, ProblemCode, Problems};

/// The smallest text size the apps offer, as a factor of the platform's default.
pub const MIN_TEXT_SCALE: f32 = 0.85;
/// The largest text size (older volunteers outdoors in sunlight).
pub const MAX_TEXT_SCALE: f32 = 2.0;

/// A text size factor: a finite number within [`MIN_TEXT_SCALE`]..=[`MAX_TEXT_SCALE`].
pub fn text_scale(field: &str, scale: f32) -> Result<f32, Problem> {
    if scale.is_finite() && (MIN_TEXT_SCALE..=MAX_TEXT_SCALE).contains(&scale) {
        Ok(scale)
    } else {
        Err(Problem::error(
            field,
            ProblemCode::ValueOutOfRange,
            format!("Cỡ chữ phải từ {MIN_TEXT_SCALE} đến {MAX_TEXT_SCALE} lần cỡ thường"),
            format!("The text size must be between {MIN_TEXT_SCALE} and {MAX_TEXT_SCALE} times the normal size"),
        ))
    }
}

/// Every problem with a settings change (today only the text size can be wrong).
pub fn settings(text_scale_value: f32) -> Problems {
    let mut ps = Problems::new();
    if let Err(p) = text_scale("text_scale", text_scale_value) {
        ps.push(p);
    }
    ps
}
