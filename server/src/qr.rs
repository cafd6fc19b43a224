//! Enrolment codes as terminal QR codes, for the operator to show a phone.

use qrcode::render::unicode::Dense1x2;
use qrcode::QrCode;

/// `text` as a QR code drawn with Unicode half blocks (two rows per line), light on
/// dark so it scans from a dark terminal; `None` if it does not fit in a QR code.
pub fn render(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(code.render::<Dense1x2>().dark_color(Dense1x2::Light).light_color(Dense1x2::Dark).quiet_zone(true).build())
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_a_code() {
        let qr = super::render("K7QX3MZP").expect("fits");
        assert!(qr.lines().count() > 10);
        assert!(qr.contains('▀') || qr.contains('▄') || qr.contains('█'));
    }
}
