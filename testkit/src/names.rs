//! Vietnamese names as people in the field carry them, by region and ethnicity.
//!
//! A name is *family* + *middle* + *given* ("Lò Văn Pánh", "Giàng A Páo", "Thạch Thị
//! Sa Ri"). Each [`Group`] has its own lists: the Kinh of the north and of the south
//! (Nguyễn, Trần, Lê everywhere; Huỳnh, Võ in the south), the Thái of the north-west
//! (Lò, Quàng, Cầm, Lường), the Mông (Giàng, Sùng, Thào; men's middle name "A"), the
//! Tày and Nùng (Hoàng, Nông, Bế), the Mường (Bùi, Đinh, Quách) and the Khmer of the
//! Mekong delta (Thạch, Sơn, Danh; often no middle name). A [`Population`] mixes groups
//! with weights, the way a commune of Sơn La or Trà Vinh does.
//!
//! Every pick takes the caller's random generator, so the same seed gives the same names.

use rand::seq::IndexedRandom;
use rand::Rng;
use tungnha_core::model::Sex;

/// The lists of one group. Middle names may be empty (no middle name).
#[derive(Debug)]
pub struct NameBook {
    pub family: &'static [&'static str],
    pub middle_male: &'static [&'static str],
    pub middle_female: &'static [&'static str],
    pub given_male: &'static [&'static str],
    pub given_female: &'static [&'static str],
}

/// A region or ethnic group with names of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Kinh of the Red River delta and the north.
    KinhNorth,
    /// Kinh of the south and the Mekong delta.
    KinhSouth,
    /// Thái of Sơn La, Điện Biên, Lai Châu, western Nghệ An and Thanh Hóa.
    Thai,
    /// Mông of the northern highlands.
    Mong,
    /// Tày and Nùng of Cao Bằng, Lạng Sơn, Tuyên Quang, Thái Nguyên.
    TayNung,
    /// Mường of Phú Thọ (Hòa Bình) and Thanh Hóa.
    Muong,
    /// Khmer of Trà Vinh, Sóc Trăng, An Giang.
    Khmer,
}

const KINH_NORTH: NameBook = NameBook {
    family: &[
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Đào", "Phùng", "Nguyễn", "Trần", "Nguyễn",
    ],
    middle_male: &["Văn", "Văn", "Đức", "Minh", "Quang", "Xuân", "Hữu"],
    middle_female: &["Thị", "Thị", "Thị Thu", "Thị Ngọc", "Thu", "Thanh"],
    given_male: &[
        "Thắng", "Hùng", "Dũng", "Tuấn", "Minh", "Khánh", "Phong", "Sơn", "Hải", "Quân", "Thành", "Chiến", "Tiến", "Lâm", "Duy", "Đức",
        "Cường", "Long", "Nghĩa", "Toản", "Bình", "Lợi",
    ],
    given_female: &[
        "Lan",
        "Hoa",
        "Hương",
        "Mai",
        "Thu",
        "Ngọc",
        "Hằng",
        "Phượng",
        "Nguyệt",
        "Thủy",
        "Hiền",
        "Ánh",
        "Liên",
        "Bích",
        "Loan",
        "Yến",
        "Vân",
        "Hạnh",
        "Nga",
        "Dung",
        "Tươi",
        "Lụa",
    ],
};

const KINH_SOUTH: NameBook = NameBook {
    family: &[
        "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi", "Lý", "Châu", "Lâm", "Dương", "Nguyễn", "Nguyễn",
    ],
    middle_male: &["Văn", "Văn", "Thành", "Hoàng", "Minh", "Tấn", "Hữu"],
    middle_female: &["Thị", "Thị", "Thị Kim", "Ngọc", "Thị Mỹ", "Thị Bích"],
    given_male: &[
        "Tài", "Phước", "Lộc", "Hiếu", "Sang", "Tâm", "Nhân", "Vinh", "Khoa", "Tùng", "Trí", "Hậu", "Thiện", "Út", "Phúc", "Nghĩa",
    ],
    given_female: &[
        "Nhung", "Diễm", "Trinh", "Thảo", "Loan", "Tuyết", "Hồng", "Phương", "Kiều", "Xuân", "Ngân", "Trâm", "Út", "Lệ", "Hạnh", "Mai",
    ],
};

const THAI: NameBook = NameBook {
    family: &[
        "Lò", "Quàng", "Cầm", "Lường", "Vì", "Điêu", "Hà", "Tòng", "Mè", "Bạc", "Lự", "Lù", "Sồng", "Khằm", "Lò", "Lò", "Quàng", "Cầm",
    ],
    middle_male: &["Văn", "Văn", "Văn", "Minh"],
    middle_female: &["Thị", "Thị", "Thị", "Thị Thu"],
    given_male: &[
        "Pánh", "Thắng", "Xuân", "Khánh", "Tú", "Chung", "Pằng", "Ón", "Xiêng", "Hặc", "Tơi", "Sơn", "Hùng", "Tiến", "An", "Hải", "Long",
        "Thành",
    ],
    given_female: &[
        "Ơn", "Hoa", "Xuân", "Ngọc", "Tiên", "Ánh", "Xay", "Chiến", "Ngân", "Hồng", "Duyên", "Ín", "Mai", "Lả", "Hương", "Thảo", "Nga",
        "Lan",
    ],
};

const MONG: NameBook = NameBook {
    family: &["Giàng", "Sùng", "Thào", "Lầu", "Mùa", "Vàng", "Hầu", "Lý", "Hờ", "Cứ", "Tráng", "Giàng", "Sùng", "Thào"],
    middle_male: &["A", "A", "A", "Văn", "Seo"],
    middle_female: &["Thị", "Thị", "Y", "Thị"],
    given_male: &["Páo", "Sếnh", "Chứ", "Dế", "Tủa", "Vàng", "Lử", "Chồng", "Pó", "Sình", "Dình", "Nhè", "Lâu", "Của", "Chá", "Vư"],
    given_female: &["Dợ", "Súa", "Mỷ", "Pàng", "Chơ", "Xay", "Mai", "Sua", "Dua", "Mỉ", "Chá", "Ly", "Dính", "Chu", "Say", "Sinh"],
};

const TAY_NUNG: NameBook = NameBook {
    family: &["Hoàng", "Nông", "Lương", "Bế", "Hà", "Ma", "Lục", "Ngôn", "Đinh", "Triệu", "Hứa", "Chu", "Lý", "Mông", "Nông", "Hoàng"],
    middle_male: &["Văn", "Văn", "Đức", "Hữu"],
    middle_female: &["Thị", "Thị", "Thị Thu", "Thị Kim"],
    given_male: &["Dền", "Hải", "Thạch", "Sáng", "Khuông", "Quyết", "Thìn", "Tuấn", "Pảo", "Sỉnh", "Thương", "Khoa", "Tòng", "Cường"],
    given_female: &["Mây", "Nhàn", "Thuận", "Lìu", "Dung", "Nguyệt", "Hoa", "Quyên", "Mến", "Thơ", "Hiền", "Ngần", "Phấn", "Lan"],
};

const MUONG: NameBook = NameBook {
    family: &["Bùi", "Đinh", "Quách", "Hà", "Xa", "Bạch", "Cao", "Trương", "Bùi", "Bùi", "Đinh"],
    middle_male: &["Văn", "Văn", "Công", "Văn"],
    middle_female: &["Thị", "Thị", "Thị", "Thị Thu"],
    given_male: &["Lực", "Thức", "Chăm", "Khen", "Dấu", "Lạng", "Hòa", "Khương", "Mừng", "Hiệp", "Thường", "Sinh"],
    given_female: &["Mến", "Ươm", "Nhung", "Dìu", "Thiết", "Lành", "Hoa", "Cúc", "Hiên", "Xuyến", "Thơm", "Nhài"],
};

const KHMER: NameBook = NameBook {
    family: &["Thạch", "Sơn", "Danh", "Kim", "Lâm", "Kiên", "Lý", "Huỳnh", "Thạch", "Thạch", "Sơn", "Danh"],
    middle_male: &["", "", "Văn", "Minh"],
    middle_female: &["Thị", "Thị", "", "Thị Kim"],
    given_male: &["Sóc", "Phol", "Sang", "Chanh", "Thi", "Ny", "Sa Rây", "Sô Phal", "Sơ Rinh", "Mau", "Út", "Ra", "Tha", "Sà Rết"],
    given_female: &[
        "Sa Ri",
        "Sa Phon",
        "Sà Rươne",
        "Sô Phia",
        "Thi Đa",
        "Chanh Thu",
        "Mây",
        "Sóc Thia",
        "Ly Na",
        "Đa Ni",
        "Sa Vênh",
        "Phiếu",
    ],
};

impl Group {
    pub const ALL: [Group; 7] = [Group::KinhNorth, Group::KinhSouth, Group::Thai, Group::Mong, Group::TayNung, Group::Muong, Group::Khmer];

    /// The group's lists.
    pub fn book(self) -> &'static NameBook {
        match self {
            Group::KinhNorth => &KINH_NORTH,
            Group::KinhSouth => &KINH_SOUTH,
            Group::Thai => &THAI,
            Group::Mong => &MONG,
            Group::TayNung => &TAY_NUNG,
            Group::Muong => &MUONG,
            Group::Khmer => &KHMER,
        }
    }

    /// A family name of this group.
    pub fn family<R: Rng + ?Sized>(self, rng: &mut R) -> &'static str {
        pick(rng, self.book().family)
    }

    /// A full name with the given family name: "{family} {middle} {given}".
    pub fn full_name<R: Rng + ?Sized>(self, rng: &mut R, family: &str, sex: Sex) -> String {
        let book = self.book();
        let (middle, given) = match sex {
            Sex::Male => (pick(rng, book.middle_male), pick(rng, book.given_male)),
            Sex::Female => (pick(rng, book.middle_female), pick(rng, book.given_female)),
        };
        if middle.is_empty() {
            format!("{family} {given}")
        } else {
            format!("{family} {middle} {given}")
        }
    }

    /// A full name with a family name of this group.
    pub fn name<R: Rng + ?Sized>(self, rng: &mut R, sex: Sex) -> String {
        let family = self.family(rng);
        self.full_name(rng, family, sex)
    }
}

/// The people of a place: groups and their weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Population(pub &'static [(Group, u32)]);

impl Population {
    /// A commune of Sơn La: mostly Thái, with Mông, Kinh and some Mường.
    pub const SON_LA: Population = Population(&[(Group::Thai, 55), (Group::Mong, 20), (Group::KinhNorth, 20), (Group::Muong, 5)]);
    /// A ward of Hà Nội.
    pub const HA_NOI: Population = Population(&[(Group::KinhNorth, 95), (Group::Muong, 3), (Group::TayNung, 2)]);
    /// A commune of Cao Bằng or Lạng Sơn.
    pub const VIET_BAC: Population = Population(&[(Group::TayNung, 65), (Group::Mong, 15), (Group::KinhNorth, 20)]);
    /// A commune of the Mekong delta (Trà Vinh, Sóc Trăng): Kinh and Khmer.
    pub const MEKONG: Population = Population(&[(Group::KinhSouth, 60), (Group::Khmer, 40)]);

    /// One group, by weight.
    pub fn group<R: Rng + ?Sized>(&self, rng: &mut R) -> Group {
        let total: u32 = self.0.iter().map(|(_, w)| w).sum();
        let mut n = rng.random_range(0..total.max(1));
        for (g, w) in self.0 {
            if n < *w {
                return *g;
            }
            n -= w;
        }
        Group::KinhNorth
    }

    /// A full name of someone from this population.
    pub fn name<R: Rng + ?Sized>(&self, rng: &mut R, sex: Sex) -> String {
        self.group(rng).name(rng, sex)
    }
}

impl Default for Population {
    fn default() -> Self {
        Self::SON_LA
    }
}

/// A man or a woman, even odds.
pub fn sex<R: Rng + ?Sized>(rng: &mut R) -> Sex {
    if rng.random_bool(0.5) {
        Sex::Female
    } else {
        Sex::Male
    }
}

fn pick<R: Rng + ?Sized>(rng: &mut R, list: &'static [&'static str]) -> &'static str {
    list.choose(rng).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    /// Precomposed Vietnamese letters only (no combining marks), as keyboards type them.
    fn precomposed(s: &str) -> bool {
        !s.chars().any(|c| ('\u{300}'..='\u{36f}').contains(&c))
    }

    #[test]
    fn every_list_is_non_empty_and_precomposed() {
        for g in Group::ALL {
            let b = g.book();
            for list in [b.family, b.middle_male, b.middle_female, b.given_male, b.given_female] {
                assert!(!list.is_empty(), "{g:?}");
                assert!(list.iter().all(|s| precomposed(s) && s.trim() == *s), "{g:?}: {list:?}");
            }
            assert!(b.family.iter().chain(b.given_male).chain(b.given_female).all(|s| !s.is_empty()), "{g:?}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_names() {
        let names = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..50).map(|i| Population::SON_LA.name(&mut rng, if i % 2 == 0 { Sex::Male } else { Sex::Female })).collect::<Vec<_>>()
        };
        assert_eq!(names(7), names(7));
        assert_ne!(names(7), names(8));
    }

    #[test]
    fn names_have_family_and_given_parts() {
        let mut rng = StdRng::seed_from_u64(1);
        for g in Group::ALL {
            for sex in [Sex::Male, Sex::Female] {
                let n = g.name(&mut rng, sex);
                assert!(n.split(' ').count() >= 2, "{n}");
                assert!(!n.contains("  "), "{n}");
            }
        }
        let mong = Group::Mong.full_name(&mut rng, "Giàng", Sex::Male);
        assert!(mong.starts_with("Giàng "), "{mong}");
    }

    #[test]
    fn a_population_picks_only_its_groups() {
        let mut rng = StdRng::seed_from_u64(3);
        let groups: std::collections::BTreeSet<Group> = (0..500).map(|_| Population::MEKONG.group(&mut rng)).collect();
        assert_eq!(groups, [Group::KinhSouth, Group::Khmer].into_iter().collect());
    }
}
