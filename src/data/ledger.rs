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
//!
//! Published ranges ("between 1,800 and 2,500 t") are edges with two bounds.
//! Where levels alone do not determine a span, the shortest path over levels
//! and ranges together gives its bounds by interval arithmetic.

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

/// A figure the observations bound but do not determine: some term of its sum
/// is a published range. `high` is `None` where no upper bound follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    /// The lower bound, at least 0.
    pub low: f64,
    /// The upper bound, if any.
    pub high: Option<f64>,
    /// The observations and ranges it comes from.
    pub basis: Basis,
}

/// What the data say about one total: a point or only bounds.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// Determined exactly.
    Point(Determined),
    /// Known within bounds only.
    Range(Bounds),
}

impl Figure {
    /// The value, if determined exactly.
    pub fn point(&self) -> Option<f64> {
        match self {
            Figure::Point(d) => Some(d.value),
            Figure::Range(_) => None,
        }
    }

    /// The lower bound (the value for a point).
    pub fn low(&self) -> f64 {
        match self {
            Figure::Point(d) => d.value,
            Figure::Range(b) => b.low,
        }
    }

    /// The upper bound (the value for a point), `None` if open.
    pub fn high(&self) -> Option<f64> {
        match self {
            Figure::Point(d) => Some(d.value),
            Figure::Range(b) => b.high,
        }
    }

    /// How it follows from the data.
    pub fn basis(&self) -> &Basis {
        match self {
            Figure::Point(d) => &d.basis,
            Figure::Range(b) => &b.basis,
        }
    }
}

/// One observation or range as an edge between month boundaries.
#[derive(Debug, Clone, Copy)]
struct Edge {
    other: i32,
    low: f64,
    high: f64,
    span: Span,
}

#[derive(Debug, Default)]
struct Graph {
    /// Boundary (month index) → edges, sorted so that the search, and therefore
    /// the chosen basis, is deterministic.
    adjacency: HashMap<i32, Vec<Edge>>,
}

impl Graph {
    fn add(&mut self, span: Span, low: f64, high: f64) {
        let a = span.start().index();
        let b = span.end().index() + 1;
        let edge = |other| Edge {
            other,
            low,
            high,
            span,
        };
        self.adjacency.entry(a).or_default().push(edge(b));
        self.adjacency.entry(b).or_default().push(edge(a));
    }

    fn sort(&mut self) {
        for edges in self.adjacency.values_mut() {
            edges.sort_by_key(|e| (e.other, e.span));
        }
    }

    /// The shortest signed path of edges from the span's start to its end.
    fn path(&self, span: Span) -> Option<Vec<(i8, Edge)>> {
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
            for (i, e) in self.adjacency[&node].iter().enumerate() {
                if let std::collections::hash_map::Entry::Vacant(slot) = parent.entry(e.other) {
                    slot.insert((node, i));
                    queue.push_back(e.other);
                }
            }
        }
        parent.get(&to)?;
        let mut terms = Vec::new();
        let mut node = to;
        while node != from {
            let (prev, edge) = parent[&node];
            let sign: i8 = if node > prev { 1 } else { -1 };
            terms.push((sign, self.adjacency[&prev][edge]));
            node = prev;
        }
        terms.reverse();
        Some(terms)
    }

    fn basis(span: Span, terms: &[(i8, Edge)]) -> Basis {
        if terms.len() == 1 && terms[0].0 == 1 && terms[0].1.span == span {
            Basis::Observed
        } else {
            Basis::Combined(terms.iter().map(|(s, e)| (*s, e.span)).collect())
        }
    }

    /// The exact total over `span` (every edge a point).
    fn determine(&self, span: Span) -> Option<Determined> {
        let terms = self.path(span)?;
        let value: f64 = terms.iter().map(|(s, e)| f64::from(*s) * e.low).sum();
        // A negative total means the observations disagree (e.g. a run smaller
        // than a month inside it): not determined.
        (value >= 0.0).then(|| Determined {
            value,
            basis: Graph::basis(span, &terms),
        })
    }

    /// Interval arithmetic along the path: an added term adds its bounds, a
    /// subtracted one takes `[lo1 - hi2, hi1 - lo2]`; the low end is clipped at 0.
    fn bound(&self, span: Span) -> Option<Bounds> {
        let terms = self.path(span)?;
        let (mut low, mut high) = (0.0, 0.0);
        for (sign, e) in &terms {
            if *sign > 0 {
                low += e.low;
                high += e.high;
            } else {
                low -= e.high;
                high -= e.low;
            }
        }
        let high = high.is_finite().then_some(high);
        // An upper bound below 0 means the data disagree; no bound at all, or
        // only "at least 0", says nothing.
        if high.is_some_and(|h| h < 0.0) || (low <= 0.0 && high.is_none()) {
            return None;
        }
        Some(Bounds {
            low: if low.is_finite() { low.max(0.0) } else { 0.0 },
            high,
            basis: Graph::basis(span, &terms),
        })
    }
}

/// The observations arranged to answer "what do the data say about importer `i`
/// over span `s`?": exactly where levels determine it, within bounds where
/// published ranges enter, for tonnes and for US$.
#[derive(Debug, Default)]
pub struct Ledger {
    tonnes: HashMap<Importer, Graph>,
    /// Levels and ranges together.
    bounded: HashMap<Importer, Graph>,
    usd: HashMap<Importer, Graph>,
}

impl Ledger {
    /// Arranges `observations` for queries.
    pub fn new(observations: &Observations) -> Ledger {
        let mut ledger = Ledger::default();
        for o in observations.rows() {
            for graphs in [&mut ledger.tonnes, &mut ledger.bounded] {
                graphs
                    .entry(o.importer)
                    .or_default()
                    .add(o.span, o.tonnes, o.tonnes);
            }
            if let Some(usd) = o.usd {
                ledger
                    .usd
                    .entry(o.importer)
                    .or_default()
                    .add(o.span, usd, usd);
            }
        }
        for r in observations.ranges().items() {
            ledger.bounded.entry(r.importer).or_default().add(
                r.span,
                r.low.unwrap_or(0.0),
                r.high.unwrap_or(f64::INFINITY),
            );
        }
        for u in observations.usd_levels().items() {
            ledger
                .usd
                .entry(u.importer)
                .or_default()
                .add(u.span, u.usd, u.usd);
        }
        for g in ledger
            .tonnes
            .values_mut()
            .chain(ledger.bounded.values_mut())
            .chain(ledger.usd.values_mut())
        {
            g.sort();
        }
        ledger
    }

    /// Tonnes shipped to `importer` over `span`, if the observations determine it.
    pub fn tonnes(&self, importer: Importer, span: Span) -> Option<Determined> {
        self.tonnes.get(&importer)?.determine(span)
    }

    /// Tonnes exactly where levels determine them, else within the bounds that
    /// levels and published ranges give.
    pub fn tonnes_figure(&self, importer: Importer, span: Span) -> Option<Figure> {
        if let Some(d) = self.tonnes(importer, span) {
            return Some(Figure::Point(d));
        }
        self.bounded.get(&importer)?.bound(span).map(Figure::Range)
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

    fn bounds(l: &Ledger, importer: &str, span: &str) -> Option<(f64, Option<f64>, String)> {
        match l.tonnes_figure(importer.parse().unwrap(), span.parse().unwrap())? {
            Figure::Range(b) => Some((b.low, b.high, b.basis.to_string())),
            Figure::Point(d) => panic!("{importer} {span} is a point: {d:?}"),
        }
    }

    #[test]
    fn ranges_give_bounds_through_sums_and_differences() {
        let obs = load_from_bytes(
            Path::new("t.csv"),
            b"period,importer,tonnes,tonnes_low,tonnes_high,status\n\
              2025,KOR,,100,150,approximate\n2025-01..06,KOR,,40,60,approximate\n\
              2025,DEU,,300,400,approximate\n2025-01..06,DEU,120,,,confirmed\n\
              2025-Q3,WORLD,300,,,confirmed\n2025-07,WORLD,,90,,confirmed\n\
              2025,JPN,10,,,confirmed\n2025-01..06,JPN,,20,30,approximate\n"
                .to_vec(),
            LoadOptions::default(),
        )
        .unwrap();
        let l = Ledger::new(&obs);
        // A difference of two ranges: [100 - 60, 150 - 40].
        assert_eq!(
            bounds(&l, "KOR", "2025-H2"),
            Some((40.0, Some(110.0), "2025 - 2025-01..06".into()))
        );
        // A range less a point: [300 - 120, 400 - 120].
        assert_eq!(
            bounds(&l, "DEU", "2025-H2").map(|b| (b.0, b.1)),
            Some((180.0, Some(280.0)))
        );
        assert_eq!(
            bounds(&l, "DEU", "2025"),
            Some((300.0, Some(400.0), "observed".into()))
        );
        // "More than 90" is open above; Q3 less it is [300 - inf, 300 - 90], clipped at 0.
        assert_eq!(
            bounds(&l, "WORLD", "2025-07").map(|b| (b.0, b.1)),
            Some((90.0, None))
        );
        assert_eq!(
            bounds(&l, "WORLD", "2025-08..09").map(|b| (b.0, b.1)),
            Some((0.0, Some(210.0)))
        );
        // A year of 10 t with a half of 20-30 t: the data disagree, no figure.
        assert_eq!(
            l.tonnes_figure(
                Importer::Country(crate::data::Country::from_code("JPN").unwrap()),
                "2025-H2".parse().unwrap()
            ),
            None
        );
        // Points stay points.
        assert_eq!(
            l.tonnes_figure(Importer::World, "2025-Q3".parse().unwrap())
                .and_then(|f| f.point()),
            Some(300.0)
        );
    }
}
