//! The skill catalog and the guidance topics: two separate, versioned lists.
//!
//! Skills are what a person can do (the "05 kỹ năng số cơ bản" of the 2024 plans);
//! topics are what a session covers (VNeID and Internet search are topics, not skills).
//! Codes are stable ASCII and never reused. A later framework (such as the 2025
//! national digital-skills framework) is added as a new catalog version with a mapping
//! from its codes onto these, so figures stay comparable without rewriting history.

use serde::{Deserialize, Serialize};

/// The catalog version that defines the 5 basic skills (MIC guidance, Hậu Giang plan 2024).
pub const CATALOG_5_BASIC_2024: &str = "5kns-2024";

/// One entry of a list: a stable code and its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
}

/// The 5 basic digital skills, in the order of the source plan.
pub const SKILLS: [Entry; 5] = [
    Entry { code: "public_services", name_vi: "Sử dụng dịch vụ công trực tuyến", name_en: "Use online public services" },
    Entry { code: "online_shopping", name_vi: "Mua sắm trực tuyến", name_en: "Shop online" },
    Entry { code: "online_payment", name_vi: "Thanh toán trực tuyến", name_en: "Pay online" },
    Entry { code: "online_safety", name_vi: "Tự bảo vệ mình trên không gian mạng", name_en: "Protect oneself in cyberspace" },
    Entry { code: "digital_platforms", name_vi: "Sử dụng nền tảng số", name_en: "Use digital platforms" },
];

/// Each of the 5 skills in plain words, as a citizen reads it on the self-report form
/// (same order as [`SKILLS`]): what being able to do it means.
pub const SKILL_PLAIN_WORDS: [(&str, &str, &str); 5] = [
    (
        "public_services",
        "Tự nộp hồ sơ, tra cứu, thanh toán phí trên Cổng dịch vụ công hoặc ứng dụng VNeID",
        "File an application, look it up and pay its fee on the public services portal or in VNeID",
    ),
    (
        "online_shopping",
        "Tự tìm, đặt mua và nhận hàng trên sàn thương mại điện tử",
        "Find, order and receive goods on an e-commerce platform",
    ),
    (
        "online_payment",
        "Chuyển tiền, trả tiền điện, nước, học phí bằng ứng dụng ngân hàng hoặc ví điện tử, quét mã QR",
        "Transfer money and pay bills or school fees with a bank app or e-wallet, scan a QR code",
    ),
    (
        "online_safety",
        "Nhận ra tin nhắn, cuộc gọi lừa đảo; không đưa mã OTP, mật khẩu cho ai; đặt mật khẩu mạnh",
        "Recognise scam messages and calls; never give anyone an OTP or password; use strong passwords",
    ),
    (
        "digital_platforms",
        "Dùng Zalo, tìm kiếm thông tin trên Internet, dùng ứng dụng của địa phương",
        "Use Zalo, search the Internet for information, use local apps",
    ),
];

/// Where a citizen or a team member can learn the 5 skills: the free national course
/// named in the plans (onetouch, Ministry of Information and Communications).
pub const LEARN_MORE: Course = Course {
    label_vi: "Khoá học \"Phổ cập kỹ năng số cộng đồng năm 2023 - 2024\" (miễn phí)",
    label_en: "The course \"Community digital skills for everyone 2023 - 2024\" (free)",
    url: "https://onetouch.mic.gov.vn/khoa-hoc/pho-cap-ky-nang-so-cong-dong-nam-2023-2024",
};

/// A course to point people to: its title in both languages, and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Course {
    pub label_vi: &'static str,
    pub label_en: &'static str,
    pub url: &'static str,
}

/// The campaign's guidance topics (plan 000 numbers them (1)–(7)). Localities may add
/// their own topics (stored in the local store with a `local.` prefix).
pub const TOPICS: [Entry; 7] = [
    Entry { code: "online_public_services", name_vi: "Sử dụng dịch vụ công trực tuyến", name_en: "Online public services" },
    Entry {
        code: "vneid", name_vi: "Kích hoạt và sử dụng tài khoản định danh điện tử VNeID", name_en: "Activate and use the VNeID e-ID"
    },
    Entry { code: "cashless_payment", name_vi: "Thanh toán không dùng tiền mặt", name_en: "Cashless payment" },
    Entry {
        code: "ecommerce", name_vi: "Mua bán trên sàn thương mại điện tử", name_en: "Buying and selling on e-commerce platforms"
    },
    Entry {
        code: "online_safety",
        name_vi: "Bảo vệ bản thân và gia đình trên môi trường mạng",
        name_en: "Protecting yourself and your family online",
    },
    Entry {
        code: "internet_search", name_vi: "Tìm kiếm thông tin trên Internet hiệu quả", name_en: "Searching the Internet effectively"
    },
    Entry { code: "other", name_vi: "Nội dung khác", name_en: "Other topics" },
];

/// Per-person actions a visit can record (from plans 000, 002, 003).
pub const ACTIONS: [Entry; 6] = [
    Entry { code: "vneid_activated", name_vi: "Đã kích hoạt VNeID", name_en: "VNeID activated" },
    Entry { code: "app_installed", name_vi: "Đã cài đặt ứng dụng", name_en: "App installed" },
    Entry {
        code: "online_account_registered",
        name_vi: "Đã đăng ký tài khoản dịch vụ trực tuyến",
        name_en: "Online service account registered",
    },
    Entry {
        code: "epayment_account_opened", name_vi: "Đã mở tài khoản thanh toán điện tử", name_en: "E-payment account opened"
    },
    Entry {
        code: "smartphone_obtained", name_vi: "Đã có điện thoại thông minh / đổi SIM", name_en: "Smartphone or SIM obtained"
    },
    Entry {
        code: "digital_signature_issued", name_vi: "Đã được cấp chữ ký số công cộng", name_en: "Public digital signature issued"
    },
];

/// Prefix of topics a commune or district adds itself.
pub const LOCAL_TOPIC_PREFIX: &str = "local.";

pub fn skill(code: &str) -> Option<&'static Entry> {
    SKILLS.iter().find(|e| e.code == code)
}

pub fn topic(code: &str) -> Option<&'static Entry> {
    TOPICS.iter().find(|e| e.code == code)
}

pub fn action(code: &str) -> Option<&'static Entry> {
    ACTIONS.iter().find(|e| e.code == code)
}

/// Index of a skill in [`SKILLS`] (used for per-person bit sets).
pub fn skill_index(code: &str) -> Option<usize> {
    SKILLS.iter().position(|e| e.code == code)
}

/// A mapping of another framework's competence code onto a skill of this catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkMapping {
    pub framework: String,
    pub code: String,
    pub maps_to: String,
}

/// Translate codes of another framework into this catalog's skill codes, dropping the
/// ones without a mapping (they are reported under the other framework only).
pub fn map_codes<'a>(mappings: &'a [FrameworkMapping], framework: &str, codes: &[&str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = codes
        .iter()
        .filter_map(|c| mappings.iter().find(|m| m.framework == framework && m.code == *c))
        .map(|m| m.maps_to.as_str())
        .filter(|s| skill(s).is_some())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_ascii() {
        for list in [&SKILLS[..], &TOPICS[..], &ACTIONS[..]] {
            let mut codes: Vec<_> = list.iter().map(|e| e.code).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), list.len());
            assert!(codes.iter().all(|c| c.is_ascii() && !c.starts_with(LOCAL_TOPIC_PREFIX)));
        }
        assert_eq!(skill_index("online_payment"), Some(2));
        assert!(skill("vneid").is_none(), "VNeID is a topic, not a skill");
    }

    #[test]
    fn mapping_from_another_framework() {
        let m = vec![
            FrameworkMapping { framework: "f2025".into(), code: "4.1".into(), maps_to: "online_safety".into() },
            FrameworkMapping { framework: "f2025".into(), code: "4.2".into(), maps_to: "online_safety".into() },
            FrameworkMapping { framework: "f2025".into(), code: "9.9".into(), maps_to: "not_a_skill".into() },
        ];
        assert_eq!(map_codes(&m, "f2025", &["4.1", "4.2", "9.9", "1.1"]), vec!["online_safety"]);
    }
}
