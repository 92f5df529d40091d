//! One collection of facts of one kind, each with the line it came from and its
//! metadata cells, and a read-only view that resolves the cells to text.

use super::kinds::Fact;

/// Facts of one kind in file order. Metadata cells are indices into the
/// owning `Observations`' interned values, `width` cells per fact.
#[derive(Debug, Clone)]
pub(crate) struct Facts<T> {
    pub(crate) items: Vec<T>,
    pub(crate) lines: Vec<u64>,
    pub(crate) cells: Vec<u32>,
}

impl<T> Default for Facts<T> {
    fn default() -> Facts<T> {
        Facts {
            items: Vec::new(),
            lines: Vec::new(),
            cells: Vec::new(),
        }
    }
}

impl<T: Fact> Facts<T> {
    /// The facts for which `wanted` holds, with their lines and cells.
    pub(crate) fn keep(&self, width: usize, wanted: impl Fn(&T) -> bool) -> Facts<T> {
        let mut out = Facts::default();
        for (i, item) in self.items.iter().enumerate() {
            if wanted(item) {
                out.items.push(*item);
                out.lines.push(self.lines[i]);
                out.cells
                    .extend_from_slice(&self.cells[i * width..(i + 1) * width]);
            }
        }
        out
    }
}

/// Facts of one kind with their provenance: `items()[i]` came from line
/// `line(i)` and carries `metadata(i, column)`.
#[derive(Debug, Clone, Copy)]
pub struct FactsView<'a, T> {
    pub(crate) facts: &'a Facts<T>,
    pub(crate) columns: &'a [String],
    pub(crate) values: &'a [Box<str>],
}

impl<'a, T> FactsView<'a, T> {
    /// The facts in file order.
    pub fn items(&self) -> &'a [T] {
        &self.facts.items
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.facts.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.facts.items.is_empty()
    }

    /// The 1-based line of the file fact `index` came from.
    pub fn line(&self, index: usize) -> u64 {
        self.facts.lines[index]
    }

    /// The metadata of fact `index` in column `name` (empty if blank).
    pub fn metadata(&self, index: usize, name: &str) -> Option<&'a str> {
        let col = self.columns.iter().position(|c| c == name)?;
        let id = *self.facts.cells.get(index * self.columns.len() + col)?;
        self.values.get(id as usize).map(|s| &**s)
    }

    /// A metadata column read as a number (e.g. `usd_per_t`), if it is one.
    pub fn number(&self, index: usize, name: &str) -> Option<f64> {
        self.metadata(index, name)?.parse().ok()
    }
}
