//! What the observations determine exactly, without any model.
//!
//! Each observation of an importer over a span `[a, b]` is an edge between the
//! month boundaries `a` and `b + 1` carrying its value. The total over any span
//! `[s, e]` is then determined by the data exactly when `s` and `e + 1` are
//! connected: walking an edge forwards adds its value, backwards subtracts it. A
//! year is a single observation or the sum of its months; the second half of a
//! year is the year minus a January-June run; a quarter can be a run minus a
//! month. The shortest such path uses the fewest observations, so a direct
//! observation always wins. Nothing is estimated: a span that no path reaches is
//! reported as undetermined.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use super::importer::Importer;
use super::observation::Observations;
use super::period::{Month, Span};

/// How a determined figure follows from the observations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// One observation of exactly this span.
    Observed,
    /// A signed sum of observations (`+1` added, `-1` subtracted), in path order.
    Combined(Vec<(i8, Span)>),
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Basis::Observed => f.write_str("observed"),
            Basis::Combined(terms) => {
                // Added terms first, so it reads "2025 - 2025-01..06".
                let ordered = terms
                    .iter()
                    .filter(|t| t.0 > 0)
                    .chain(terms.iter().filter(|t| t.0 < 0));
                for (i, (sign, span)) in ordered.enumerate() {
                    match (i, *sign) {
                        (0, s) if s > 0 => write!(f, "{span}")?,
                        (0, _) => write!(f, "-{span}")?,
                        (_, s) if s > 0 => write!(f, " + {span}")?,
                        _ => write!(f, " - {span}")?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// A figure the observations determine, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Determined {
    /// The value (tonnes or US$).
    pub value: f64,
    /// The observations it comes from.
    pub basis: Basis,
}

#[derive(Debug, Default)]
struct Graph {
    /// Boundary (month index) → edges `(other boundary, value, span)`, sorted so
    /// that the search, and therefore the chosen basis, is deterministic.
    adjacency: HashMap<i32, Vec<(i32, f64, Span)>>,
}

impl Graph {
    fn add(&mut self, span: Span, value: f64) {
        let a = span.start().index();
        let b = span.end().index() + 1;
        self.adjacency.entry(a).or_default().push((b, value, span));
        self.adjacency.entry(b).or_default().push((a, value, span));
    }

    fn sort(&mut self) {
        for edges in self.adjacency.values_mut() {
            edges.sort_by_key(|&(other, _, span)| (other, span));
        }
    }

    fn determine(&self, span: Span) -> Option<Determined> {
        let from = span.start().index();
        let to = span.end().index() + 1;
        if !self.adjacency.contains_key(&from) || !self.adjacency.contains_key(&to) {
            return None;
        }
        // Breadth-first: the first path found uses the fewest observations.
        let mut parent: HashMap<i32, (i32, usize)> = HashMap::new();
        let mut queue = VecDeque::from([from]);
        parent.insert(from, (from, usize::MAX));
        while let Some(node) = queue.pop_front() {
            if node == to {
                break;
            }
            for (i, &(next, _, _)) in self.adjacency[&node].iter().enumerate() {
                if let std::collections::hash_map::Entry::Vacant(slot) = parent.entry(next) {
                    slot.insert((node, i));
                    queue.push_back(next);
                }
            }
        }
        parent.get(&to)?;
        let mut terms = Vec::new();
        let mut value = 0.0;
        let mut node = to;
        while node != from {
            let (prev, edge) = parent[&node];
            let (_, v, s) = self.adjacency[&prev][edge];
            let sign: i8 = if node > prev { 1 } else { -1 };
            value += f64::from(sign) * v;
            terms.push((sign, s));
            node = prev;
        }
        terms.reverse();
        // A negative total means the observations disagree (e.g. a run smaller
        // than a month inside it): not determined.
        if value < 0.0 {
            return None;
        }
        let basis = if terms.len() == 1 && terms[0] == (1, span) {
            Basis::Observed
        } else {
            Basis::Combined(terms)
        };
        Some(Determined { value, basis })
    }
}

/// The observations arranged to answer "what do the data say about importer `i`
/// over span `s`?" exactly, for tonnes and for US$.
#[derive(Debug, Default)]
pub struct Ledger {
    tonnes: HashMap<Importer, Graph>,
    usd: HashMap<Importer, Graph>,
}

impl Ledger {
    /// Arranges `observations` for queries.
    pub fn new(observations: &Observations) -> Ledger {
        let mut ledger = Ledger::default();
        for o in observations.rows() {
            ledger
                .tonnes
                .entry(o.importer)
                .or_default()
                .add(o.span, o.tonnes);
            if let Some(usd) = o.usd {
                ledger.usd.entry(o.importer).or_default().add(o.span, usd);
            }
        }
        for g in ledger.tonnes.values_mut().chain(ledger.usd.values_mut()) {
            g.sort();
        }
        ledger
    }

    /// Tonnes shipped to `importer` over `span`, if the observations determine it.
    pub fn tonnes(&self, importer: Importer, span: Span) -> Option<Determined> {
        self.tonnes.get(&importer)?.determine(span)
    }

    /// US$ value of the shipments, if the observations determine it.
    pub fn usd(&self, importer: Importer, span: Span) -> Option<Determined> {
        self.usd.get(&importer)?.determine(span)
    }

    /// Tonnes in calendar month `month`.
    pub fn month_tonnes(&self, importer: Importer, month: Month) -> Option<Determined> {
        self.tonnes(importer, Span::month(month))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{LoadOptions, load_from_bytes};
    use std::path::Path;

    fn ledger(csv: &str) -> Ledger {
        let obs = load_from_bytes(
            Path::new("t.csv"),
            format!("period,importer,tonnes\n{csv}").into_bytes(),
            LoadOptions::default(),
        )
        .unwrap();
        Ledger::new(&obs)
    }

    fn world(l: &Ledger, span: &str) -> Option<(f64, String)> {
        l.tonnes(Importer::World, span.parse().unwrap())
            .map(|d| (d.value, d.basis.to_string()))
    }

    #[test]
    fn direct_sum_and_difference() {
        let l = ledger(
            "2024,WORLD,100\n2024-01..07,WORLD,60\n2024-07,WORLD,10\n\
             2024-08,WORLD,8\n2024-09,WORLD,9\n2024-10,WORLD,7\n",
        );
        assert_eq!(world(&l, "2024"), Some((100.0, "observed".into())));
        // H1 = Jan..Jul − Jul
        assert_eq!(
            world(&l, "2024-H1"),
            Some((50.0, "2024-01..07 - 2024-07".into()))
        );
        // H2 = year − Jan..Jul + Jul
        assert_eq!(world(&l, "2024-H2").map(|d| d.0), Some(50.0));
        assert_eq!(
            world(&l, "2024-Q3"),
            Some((27.0, "2024-07 + 2024-08 + 2024-09".into()))
        );
        // Q4 = year − Jan..Jul − Aug − Sep: determined by difference.
        assert_eq!(world(&l, "2024-Q4").map(|d| d.0), Some(23.0));
        // November alone is not determined.
        assert_eq!(world(&l, "2024-11"), None);
        assert_eq!(world(&l, "2023"), None);
        assert!(
            l.tonnes(Importer::RestOfWorld, "2024".parse().unwrap())
                .is_none()
        );
    }

    #[test]
    fn inconsistent_data_is_not_a_figure() {
        let l = ledger("2024-01..02,WORLD,5\n2024-01,WORLD,9\n");
        assert_eq!(world(&l, "2024-02"), None);
    }
}
