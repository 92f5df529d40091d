//! Importing countries, the `WORLD` aggregate, groups such as `EU27`, and the
//! derived rest of the world.
//!
//! Codes are ISO 3166-1 alpha-3 (alpha-2 and lower case are accepted on input and
//! normalised), so that a customs extract keyed `de`, `DE` or `DEU` lands on the
//! same series.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::iso3166::COUNTRIES;

/// A country in the ISO 3166-1 table (an index into it, so it is `Copy` and cheap
/// to compare in hot loops).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country(u16);

impl Country {
    /// Looks up an alpha-3 or alpha-2 code, in any case.
    pub fn from_code(code: &str) -> Option<Country> {
        let code = code.trim();
        match code.len() {
            3 => {
                let upper = code.to_ascii_uppercase();
                COUNTRIES
                    .binary_search_by(|row| row.1.cmp(upper.as_str()))
                    .ok()
                    .map(|i| Country(i as u16))
            }
            2 => {
                let upper = code.to_ascii_uppercase();
                COUNTRIES
                    .iter()
                    .position(|row| row.0 == upper)
                    .map(|i| Country(i as u16))
            }
            _ => None,
        }
    }

    /// The alpha-3 code, e.g. `DEU`.
    pub fn alpha3(self) -> &'static str {
        COUNTRIES[self.0 as usize].1
    }

    /// The alpha-2 code, e.g. `DE`.
    pub fn alpha2(self) -> &'static str {
        COUNTRIES[self.0 as usize].0
    }

    /// The ISO 3166-1 numeric code, e.g. 276 (used by UN Comtrade).
    pub fn numeric(self) -> u16 {
        COUNTRIES[self.0 as usize].2
    }

    /// The common English name, e.g. `South Korea`.
    pub fn name(self) -> &'static str {
        COUNTRIES[self.0 as usize].3
    }

    /// Every country in the table, in alpha-3 order.
    pub fn all() -> impl Iterator<Item = Country> {
        (0..COUNTRIES.len() as u16).map(Country)
    }
}

/// A named group of countries whose flows are also reported as one series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// The 27 member states of the European Union (since 2020-02-01).
    Eu27,
}

/// EU member states since the United Kingdom left on 2020-02-01 (alpha-3).
const EU27_MEMBERS: [&str; 27] = [
    "AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC", "HRV",
    "HUN", "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN",
    "SWE",
];

impl Group {
    /// Every group magcast knows.
    pub const ALL: [Group; 1] = [Group::Eu27];

    /// The group's code, e.g. `EU27`.
    pub fn code(self) -> &'static str {
        match self {
            Group::Eu27 => "EU27",
        }
    }

    /// The group's display name.
    pub fn name(self) -> &'static str {
        match self {
            Group::Eu27 => "European Union (27)",
        }
    }

    /// Whether `country` belongs to the group.
    pub fn contains(self, country: Country) -> bool {
        match self {
            Group::Eu27 => EU27_MEMBERS.contains(&country.alpha3()),
        }
    }

    /// The member countries.
    pub fn members(self) -> impl Iterator<Item = Country> {
        let codes: &'static [&'static str] = match self {
            Group::Eu27 => &EU27_MEMBERS,
        };
        codes
            .iter()
            .map(|code| Country::from_code(code).expect("group members are ISO codes"))
    }
}

/// A series of China's exports: to one country, to a group, to the world, or to
/// the rest of the world (`ROW = WORLD − named importers outside any group`).
///
/// Ordering puts `WORLD` first, then groups, countries by code, and `ROW` last,
/// which is the order every output uses.
///
/// ```
/// use magcast::data::Importer;
/// assert_eq!("de".parse::<Importer>()?.to_string(), "DEU");
/// assert_eq!("World".parse::<Importer>()?, Importer::World);
/// # Ok::<(), magcast::data::UnknownImporter>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Importer {
    /// Every destination together.
    World,
    /// A group of countries reported as one series.
    Group(Group),
    /// One country.
    Country(Country),
    /// The rest of the world, derived as WORLD minus the named importers.
    RestOfWorld,
}

impl Importer {
    /// The code used in files and outputs: alpha-3, `WORLD`, `EU27` or `ROW`.
    pub fn code(self) -> &'static str {
        match self {
            Importer::World => "WORLD",
            Importer::Group(g) => g.code(),
            Importer::Country(c) => c.alpha3(),
            Importer::RestOfWorld => "ROW",
        }
    }

    /// A display name for people.
    pub fn name(self) -> &'static str {
        match self {
            Importer::World => "World",
            Importer::Group(g) => g.name(),
            Importer::Country(c) => c.name(),
            Importer::RestOfWorld => "Rest of world",
        }
    }

    /// The country, if this is one.
    pub fn country(self) -> Option<Country> {
        match self {
            Importer::Country(c) => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for Importer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An importer code that is neither an ISO 3166-1 country nor a known aggregate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-3 or alpha-2 country code, nor WORLD, EU27 or ROW")]
pub struct UnknownImporter(pub String);

/// The codes, other than a country's, that name an importer (upper case; any
/// case is read): the parser and the scenario schema's code list both use them.
pub const IMPORTER_ALIASES: &[(&str, Importer)] = &[
    ("WORLD", Importer::World),
    ("WLD", Importer::World),
    ("ROW", Importer::RestOfWorld),
    ("EU27", Importer::Group(Group::Eu27)),
    ("EU", Importer::Group(Group::Eu27)),
    ("EU-27", Importer::Group(Group::Eu27)),
    ("EU27_2020", Importer::Group(Group::Eu27)),
];

impl FromStr for Importer {
    type Err = UnknownImporter;

    fn from_str(s: &str) -> Result<Importer, UnknownImporter> {
        let trimmed = s.trim();
        let upper = trimmed.to_ascii_uppercase();
        if let Some(&(_, i)) = IMPORTER_ALIASES.iter().find(|(a, _)| *a == upper) {
            return Ok(i);
        }
        Country::from_code(trimmed)
            .map(Importer::Country)
            .ok_or_else(|| UnknownImporter(s.to_string()))
    }
}

impl Serialize for Importer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Importer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Importer, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_sorted() {
        assert_eq!(Country::all().count(), 249);
        let codes: Vec<_> = Country::all().map(Country::alpha3).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        for c in Country::all() {
            assert_eq!(Country::from_code(c.alpha2()), Some(c), "{}", c.alpha3());
        }
    }

    #[test]
    fn normalises_codes() {
        for (text, code) in [
            ("DEU", "DEU"),
            ("deu", "DEU"),
            ("de", "DEU"),
            (" US ", "USA"),
        ] {
            assert_eq!(text.parse::<Importer>().unwrap().code(), code);
        }
        assert_eq!("kor".parse::<Importer>().unwrap().name(), "South Korea");
        assert_eq!(Country::from_code("DEU").unwrap().numeric(), 276);
        assert_eq!("world".parse::<Importer>().unwrap(), Importer::World);
        assert_eq!(
            "EU27".parse::<Importer>().unwrap(),
            Importer::Group(Group::Eu27)
        );
        assert_eq!("row".parse::<Importer>().unwrap(), Importer::RestOfWorld);
    }

    #[test]
    fn refuses_unknown_codes() {
        for text in ["XYZ", "", "GERMANY", "EU28", "QQ"] {
            let err = text.parse::<Importer>().unwrap_err();
            assert!(err.to_string().contains("not an ISO 3166-1"), "{err}");
        }
    }

    #[test]
    fn eu27_has_27_members() {
        assert_eq!(Group::Eu27.members().count(), 27);
        assert!(Group::Eu27.contains(Country::from_code("DEU").unwrap()));
        assert!(!Group::Eu27.contains(Country::from_code("GBR").unwrap()));
    }

    #[test]
    fn output_order_is_world_groups_countries_row() {
        let mut v: Vec<Importer> = ["ROW", "USA", "WORLD", "DEU", "EU27"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        v.sort();
        let codes: Vec<_> = v.iter().map(|i| i.code()).collect();
        assert_eq!(codes, ["WORLD", "EU27", "DEU", "USA", "ROW"]);
    }
}
