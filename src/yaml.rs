//! Reading YAML configuration files with errors that point into the file.
//!
//! Files are deserialized into typed structs by `yaml_serde` (the YAML
//! organisation's maintained continuation of `serde_yaml`), whose errors carry a
//! line and column. Problems found afterwards, when values are checked against
//! each other, are located by walking the same text parsed by `saphyr`, which
//! keeps the position of every node. Both are pure Rust.

use std::fmt;
use std::path::{Path, PathBuf};

use saphyr::{LoadableYamlNode, MarkedYaml};

/// One step of a key path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStep {
    /// A mapping key.
    Key(String),
    /// A sequence index (0-based).
    Index(usize),
}

/// A key path such as `tariffs.changes[1].rate`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<KeyStep>);

impl KeyPath {
    /// The path one key deeper.
    pub fn key(&self, key: &str) -> KeyPath {
        let mut steps = self.0.clone();
        steps.push(KeyStep::Key(key.to_string()));
        KeyPath(steps)
    }

    /// The path one index deeper.
    pub fn index(&self, index: usize) -> KeyPath {
        let mut steps = self.0.clone();
        steps.push(KeyStep::Index(index));
        KeyPath(steps)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                KeyStep::Key(k) if i == 0 => write!(f, "{k}")?,
                KeyStep::Key(k) => write!(f, ".{k}")?,
                KeyStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A problem in a configuration file, located by line, column and key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0 if unknown).
    pub line: usize,
    /// 1-based column (0 if unknown).
    pub column: usize,
    /// The key path, e.g. `interventions[0].to` (empty for the whole file).
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, ": `{}`", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Renders problems one per line, after a count.
pub fn render_problems(problems: &[ConfigProblem]) -> String {
    let mut out = match problems.len() {
        1 => "1 problem in the configuration:".to_string(),
        n => format!("{n} problems in the configuration:"),
    };
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    out
}

/// The text of a YAML file with the positions of its nodes.
pub struct YamlSource {
    path: PathBuf,
    text: String,
}

impl YamlSource {
    /// Wraps the text of `path`.
    pub fn new(path: &Path, text: String) -> YamlSource {
        YamlSource {
            path: path.to_path_buf(),
            text,
        }
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Deserializes the whole file, turning a serde error into a located problem.
    pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, ConfigProblem> {
        yaml_serde::from_str(&self.text).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            let message = e.to_string();
            // yaml_serde prefixes the key path ("a.b[0]: …") and appends the position.
            let (key, rest) = match message.split_once(": ") {
                Some((k, rest)) if !k.contains(' ') => (k.to_string(), rest.to_string()),
                _ => (String::new(), message.clone()),
            };
            let rest = rest.split(" at line ").next().unwrap_or(&rest).to_string();
            let rest = match suggest_field(&rest) {
                Some(near) => format!("{rest}; did you mean `{near}`?"),
                None => rest,
            };
            ConfigProblem {
                path: self.path.clone(),
                line,
                column,
                key,
                message: rest,
            }
        })
    }

    /// A problem at `key`, located at its value (or the nearest enclosing node
    /// that exists).
    pub fn problem(&self, key: &KeyPath, message: impl Into<String>) -> ConfigProblem {
        let (line, column) = self.locate(key).unwrap_or((0, 0));
        ConfigProblem {
            path: self.path.clone(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
        }
    }

    /// A problem with the key itself (unknown, misplaced) at the end of `key`,
    /// located at the key rather than its value.
    pub fn key_problem(&self, key: &KeyPath, message: impl Into<String>) -> ConfigProblem {
        let mut p = self.problem(key, message);
        if let Some((line, column)) = self.locate_key(key) {
            (p.line, p.column) = (line, column);
        }
        p
    }

    fn locate_key(&self, key: &KeyPath) -> Option<(usize, usize)> {
        let (last, parents) = key.0.split_last()?;
        let KeyStep::Key(last) = last else {
            return None;
        };
        let docs = MarkedYaml::load_from_str(&self.text).ok()?;
        let mut node = docs.first()?;
        for step in parents {
            node = match step {
                KeyStep::Key(k) => node.data.as_mapping_get(k)?,
                KeyStep::Index(i) => node.data.as_sequence_get(*i)?,
            };
        }
        let (k, _) = node
            .data
            .as_mapping()?
            .iter()
            .find(|(k, _)| k.data.as_str() == Some(last.as_str()))?;
        Some((k.span.start.line(), k.span.start.col() + 1))
    }

    /// The 1-based line and column of the node at `key`, or of the nearest
    /// enclosing node that exists.
    pub fn locate(&self, key: &KeyPath) -> Option<(usize, usize)> {
        self.walk(key).map(|(line, col, _)| (line, col))
    }

    /// Whether the file itself sets `key` (as opposed to inheriting it).
    pub fn has(&self, key: &KeyPath) -> bool {
        self.walk(key).is_some_and(|(_, _, exact)| exact)
    }

    fn walk(&self, key: &KeyPath) -> Option<(usize, usize, bool)> {
        let docs = MarkedYaml::load_from_str(&self.text).ok()?;
        let mut node = docs.first()?;
        let mut best = (node.span.start.line(), node.span.start.col() + 1);
        for step in &key.0 {
            let next = match step {
                KeyStep::Key(k) => node.data.as_mapping_get(k),
                KeyStep::Index(i) => node.data.as_sequence_get(*i),
            };
            match next {
                Some(n) => {
                    node = n;
                    best = (node.span.start.line(), node.span.start.col() + 1);
                }
                None => return Some((best.0, best.1, false)),
            }
        }
        Some((best.0, best.1, true))
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" message, the
/// expected field nearest to `x` if it is close enough to be a typo (at most a
/// third of its letters, and at least one, edited).
fn suggest_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once("`, expected ")?;
    let limit = (unknown.chars().count() / 3).max(1);
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|k| (edit_distance(unknown, k), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k.to_string())
}

/// Edit distance with adjacent transpositions (optimal string alignment):
/// insertions, deletions, substitutions and swaps of two neighbouring
/// characters each count 1, so `form` is one edit from `from`. Words longer
/// than [`MAX_SUGGESTED`] characters are near nothing (no quadratic work on a
/// pasted paragraph).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > MAX_SUGGESTED || b.len() > MAX_SUGGESTED {
        return usize::MAX / 2;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The longest word [`edit_distance`] compares.
pub(crate) const MAX_SUGGESTED: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_near_field_only() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("horizn", "horizon"), 1);
        assert_eq!(edit_distance("form", "from"), 1);
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert!(edit_distance(&"x".repeat(100), "x") > 1000);
        let m = "unknown field `elastcity`, expected one of `elasticity`, `pass_through`";
        assert_eq!(suggest_field(m).as_deref(), Some("elasticity"));
        let far = "unknown field `colour`, expected one of `name`, `country`";
        assert_eq!(suggest_field(far), None);
        assert_eq!(suggest_field("invalid type: string"), None);
    }

    #[test]
    fn locates_block_and_flow_keys() {
        let text = "a: 1\nlist:\n  - {x: 1, y: 2}\n  - x: 3\n    y: 4\n";
        let src = YamlSource::new(Path::new("c.yaml"), text.to_string());
        let root = KeyPath::default();
        assert_eq!(src.locate(&root.key("a")), Some((1, 4)));
        assert_eq!(
            src.locate(&root.key("list").index(0).key("y")),
            Some((3, 15))
        );
        assert_eq!(
            src.locate(&root.key("list").index(1).key("y")),
            Some((5, 8))
        );
        // A missing key falls back to its parent.
        assert_eq!(
            src.locate(&root.key("list").index(1).key("z")),
            Some((4, 5))
        );
        let p = src.problem(&root.key("list").index(1).key("y"), "too big");
        assert_eq!(p.to_string(), "c.yaml:5:8: `list[1].y`: too big");
    }
}
