//! The fit configuration (`fit.yaml`): which trend families compete, whether
//! seasonality is tried, the known shocks, and pinned models. The file is read
//! into an unchecked [`FitConfigSpec`]; [`FitConfigSpec::check`] turns it into a
//! [`FitConfig`], collecting every problem with its line, column and key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::ForecastError;
use crate::data::{Importer, Span};
use crate::model::Family;
use crate::yaml::{ConfigProblem, KeyPath, YamlSource};

/// The bundled fit configuration, relative to the repository root: the file
/// [`FitConfig::bundled`] was compiled from.
pub const BUNDLED_FIT_CONFIG: &str = "data/fit.yaml";

/// The fit configuration as written in the file; every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitConfigSpec {
    /// Trend families that compete for every standalone series (default:
    /// exponential, linear, logistic, gompertz).
    pub candidates: Option<Vec<String>>,
    /// `auto` (try seasonal variants where every calendar month is observed at
    /// least twice on its own), `on` (try them wherever identifiable) or `off`.
    pub seasonality: Option<Seasonality>,
    /// Known shocks: windows of months whose level is fitted freely so that they
    /// do not bend the trend.
    pub interventions: Option<Vec<InterventionSpec>>,
    /// Importer code → family name, or `share` (the default for importers when a
    /// WORLD series exists), or a family name to fit it on its own.
    pub pin: Option<BTreeMap<String, String>>,
    /// Prior standard deviation of a share's annual logit trend (default 0.1):
    /// smaller pulls sparse importers' shares towards constant.
    pub share_trend_prior_sd: Option<f64>,
    /// Years over which a share's trend fades after the series' last observation
    /// (default 2; 0 holds the share flat): a damped trend, so that a few old
    /// points are not extrapolated for ever.
    pub share_trend_damping_years: Option<f64>,
    /// `trend` (the default: deterministic trends and trending shares) or
    /// `dynamic` (WORLD's level and every share follow the latest data).
    pub baseline: Option<BaselineKind>,
    /// `aicc` (the default: WORLD's family by AICc, the baseline as
    /// configured) or `cv` (WORLD's model, a trend family or the dynamic
    /// baseline, by rolling-origin cross-validation on its own months).
    pub selection: Option<ModelSelection>,
}

/// How WORLD's model is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelSelection {
    /// The lowest AICc among the candidate families (and `baseline` as given).
    #[default]
    Aicc,
    /// The lowest rolling-origin MASE among the families and the dynamic
    /// baseline (`magcast::backtest::select_config`).
    Cv,
}

/// Which model the baseline's sample paths come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineKind {
    /// A structural model for WORLD and local-level shares (docs/model.md §2.12).
    #[default]
    Dynamic,
    /// The trend families for WORLD and trending shares (§2.5-§2.8).
    Trend,
}

/// Whether seasonal variants compete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seasonality {
    /// Where every calendar month is observed on its own at least twice.
    #[default]
    Auto,
    /// Wherever the eleven factors are identifiable at all.
    On,
    /// Never.
    Off,
}

/// A known shock as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterventionSpec {
    /// A short name, e.g. `export-controls-2025`.
    pub name: String,
    /// First month, e.g. `2025-04`.
    pub from: String,
    /// Last month, e.g. `2025-06`.
    pub to: String,
}

/// A checked known shock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intervention {
    /// Its name.
    pub name: String,
    /// Its months.
    pub span: Span,
}

/// How one importer is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// As a share of WORLD.
    Share,
    /// On its own, with this family.
    Family(Family),
}

/// The checked fit configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct FitConfig {
    /// Competing trend families.
    pub candidates: Vec<Family>,
    /// Seasonal variants.
    pub seasonality: Seasonality,
    /// Known shocks.
    pub interventions: Vec<Intervention>,
    /// Pinned models.
    pub pins: BTreeMap<Importer, Pin>,
    /// Prior sd of a share's logit trend per year.
    pub share_trend_prior_sd: f64,
    /// Damping time of a share's trend after its data, years.
    pub share_trend_damping_years: f64,
    /// Which model the sample paths come from.
    pub baseline: BaselineKind,
    /// How WORLD's model is chosen.
    pub selection: ModelSelection,
}

impl Default for FitConfig {
    /// The bundled defaults (`data/fit.yaml` states the same values).
    fn default() -> FitConfig {
        FitConfig {
            candidates: vec![
                Family::Exponential,
                Family::Linear,
                Family::Logistic,
                Family::Gompertz,
            ],
            seasonality: Seasonality::Auto,
            interventions: vec![Intervention {
                name: "export-controls-2025".into(),
                span: Span::new(
                    crate::data::Month::new(2025, 4).expect("valid month"),
                    crate::data::Month::new(2025, 6).expect("valid month"),
                )
                .expect("ordered"),
            }],
            pins: BTreeMap::new(),
            share_trend_prior_sd: 0.1,
            share_trend_damping_years: 2.0,
            baseline: BaselineKind::Dynamic,
            selection: ModelSelection::Aicc,
        }
    }
}

/// Families a time trend can use (the others need several regressors or x > 0).
const TREND_FAMILIES: &str = "exponential, linear, poly:N, logistic, gompertz, richards";

impl FitConfigSpec {
    /// Reads `path`.
    ///
    /// # Errors
    /// [`ForecastError::Config`] for unreadable files and every problem found.
    pub fn read(path: &Path) -> Result<(FitConfigSpec, YamlSource), ForecastError> {
        let text = std::fs::read_to_string(path).map_err(|source| ForecastError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        FitConfigSpec::from_source(YamlSource::new(path, text))
    }

    /// Parses configuration text already read; an empty text is all defaults.
    fn from_source(source: YamlSource) -> Result<(FitConfigSpec, YamlSource), ForecastError> {
        if source.text().trim().is_empty() {
            return Ok((FitConfigSpec::default(), source));
        }
        let spec = source
            .deserialize()
            .map_err(|p| ForecastError::Config(vec![p]))?;
        Ok((spec, source))
    }

    /// Checks every value, collecting all problems.
    ///
    /// # Errors
    /// [`ForecastError::Config`] listing each problem with line, column and key.
    pub fn check(self, source: &YamlSource) -> Result<FitConfig, ForecastError> {
        let mut problems: Vec<ConfigProblem> = Vec::new();
        let root = KeyPath::default();
        let defaults = FitConfig::default();
        let candidates = match self.candidates {
            None => defaults.candidates,
            Some(names) => {
                let mut out = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    match parse_trend_family(name) {
                        Ok(f) => out.push(f),
                        Err(why) => {
                            problems.push(source.problem(&root.key("candidates").index(i), why))
                        }
                    }
                }
                if names.is_empty() {
                    problems
                        .push(source.problem(&root.key("candidates"), "list at least one family"));
                }
                out
            }
        };
        let mut interventions = Vec::new();
        for (i, spec) in self
            .interventions
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let key = root.key("interventions").index(i);
            let from = spec.from.parse::<crate::data::Month>();
            let to = spec.to.parse::<crate::data::Month>();
            if let Err(e) = &from {
                problems.push(source.problem(&key.key("from"), e.to_string()));
            }
            if let Err(e) = &to {
                problems.push(source.problem(&key.key("to"), e.to_string()));
            }
            if let (Ok(from), Ok(to)) = (from, to) {
                match Span::new(from, to) {
                    Some(span) => interventions.push(Intervention {
                        name: spec.name,
                        span,
                    }),
                    None => problems.push(source.problem(
                        &key.key("to"),
                        format!("`to` ({to}) is before `from` ({from})"),
                    )),
                }
            }
        }
        let mut pins = BTreeMap::new();
        for (code, model) in self.pin.unwrap_or_default() {
            let key = root.key("pin").key(&code);
            let importer = match code.parse::<Importer>() {
                Ok(Importer::RestOfWorld) => {
                    problems.push(source.problem(&key, "ROW is derived and cannot be pinned"));
                    continue;
                }
                Ok(i) => i,
                Err(e) => {
                    problems.push(source.problem(&key, e.to_string()));
                    continue;
                }
            };
            let pin = if model == "share" {
                if importer == Importer::World {
                    problems.push(source.problem(&key, "WORLD cannot be a share of itself"));
                    continue;
                }
                Pin::Share
            } else {
                match parse_trend_family(&model) {
                    Ok(f) => Pin::Family(f),
                    Err(why) => {
                        problems.push(source.problem(&key, why));
                        continue;
                    }
                }
            };
            pins.insert(importer, pin);
        }
        let sd = self
            .share_trend_prior_sd
            .unwrap_or(defaults.share_trend_prior_sd);
        if !(sd.is_finite() && sd > 0.0) {
            problems.push(source.problem(
                &root.key("share_trend_prior_sd"),
                format!("must be a positive number, not {sd}"),
            ));
        }
        let damping = self
            .share_trend_damping_years
            .unwrap_or(defaults.share_trend_damping_years);
        if !(damping.is_finite() && damping >= 0.0) {
            problems.push(source.problem(
                &root.key("share_trend_damping_years"),
                format!("must be zero or a positive number, not {damping}"),
            ));
        }
        if !problems.is_empty() {
            return Err(ForecastError::Config(problems));
        }
        Ok(FitConfig {
            candidates,
            seasonality: self.seasonality.unwrap_or_default(),
            interventions,
            pins,
            share_trend_prior_sd: sd,
            share_trend_damping_years: damping,
            baseline: self.baseline.unwrap_or_default(),
            selection: self.selection.unwrap_or_default(),
        })
    }
}

/// The bundled configuration's text, compiled in so every command works from
/// any folder.
const BUNDLED_FIT_CONFIG_TEXT: &str = include_str!("../../data/fit.yaml");

/// The name the bundled configuration carries in messages.
pub const BUNDLED_FIT_CONFIG_NAME: &str = "magcast:data/fit.yaml";

impl FitConfig {
    /// The configuration bundled into magcast: `data/fit.yaml` of the
    /// repository as it was when the program was built.
    ///
    /// # Errors
    /// [`ForecastError::Config`] only if the build bundled a file that does not
    /// check (the tests check it, so a release never does).
    pub fn bundled() -> Result<FitConfig, ForecastError> {
        FitConfig::from_text(
            Path::new(BUNDLED_FIT_CONFIG_NAME),
            BUNDLED_FIT_CONFIG_TEXT.to_string(),
        )
    }

    /// Parses and checks configuration text already in memory (the fuzz
    /// target's way in, with no file per input); `path` names it in messages.
    ///
    /// # Errors
    /// As [`FitConfigSpec::check`], and for text that is not YAML of this form.
    pub fn from_text(path: &Path, text: String) -> Result<FitConfig, ForecastError> {
        let (spec, source) = FitConfigSpec::from_source(YamlSource::new(path, text))?;
        spec.check(&source)
    }

    /// Reads and checks a configuration file.
    ///
    /// # Errors
    /// As [`FitConfigSpec::read`] and [`FitConfigSpec::check`].
    pub fn from_file(path: &Path) -> Result<FitConfig, ForecastError> {
        let (spec, source) = FitConfigSpec::read(path)?;
        spec.check(&source)
    }
}

fn parse_trend_family(name: &str) -> Result<Family, String> {
    match name.parse::<Family>() {
        Ok(Family::Power | Family::Monomolecular) => Err(format!(
            "`{name}` needs x > 0 or a zero level at the origin, which a time trend lacks (time trends: {TREND_FAMILIES})"
        )),
        Ok(f) => Ok(f),
        Err(e) => Err(format!("{e} (time trends: {TREND_FAMILIES})")),
    }
}
