//! Checking `tariffs`: reference rates, plain step changes (with an optional
//! `to`) and named duty layers whose steps may not overlap.

use super::Checker;
use crate::data::Importer;
use crate::scenario::checked::{TariffChange, TariffLayer, TariffStep};
use crate::scenario::keys;
use crate::scenario::param::Param;
use crate::scenario::spec::{TariffStepSpec, TariffsSpec};
use crate::yaml::KeyPath;

/// The checked `tariffs` of a scenario.
pub(super) struct Tariffs {
    pub(super) reference: Vec<(Importer, Param)>,
    pub(super) changes: Vec<TariffChange>,
    pub(super) layers: Vec<TariffLayer>,
}

impl Checker<'_> {
    /// Checks `tariffs`, collecting every problem.
    pub(super) fn tariffs(&mut self, root: &KeyPath, spec: &TariffsSpec) -> Tariffs {
        let tk = root.key("tariffs");
        let mut reference = Vec::new();
        let mut spelled = Vec::new();
        for (code, rate) in spec.reference.clone().unwrap_or_default() {
            let k = tk.key("reference").key(&code);
            let p = self.required(&k, &rate, &keys::TARIFF_REFERENCE);
            if let Some(i) = self.importer(&k, &code)
                && self.once(&k, &code, i, &mut spelled)
            {
                reference.push((i, p));
            }
        }
        let mut changes = Vec::new();
        for (n, ch) in spec.changes.clone().unwrap_or_default().iter().enumerate() {
            let k = tk.key("changes").index(n);
            let rate = self.required(&k.key("rate"), &ch.rate, &keys::CHANGE_RATE);
            let importer = self.importer(&k.key("importer"), &ch.importer);
            let from = self.month(&k.key("from"), &ch.from);
            let to = ch.to.as_deref().and_then(|t| self.month(&k.key("to"), t));
            self.ordered(&k.key("to"), from, to);
            self.after_horizon(&k.key("from"), from);
            if let (Some(importer), Some(from)) = (importer, from) {
                changes.push(TariffChange {
                    importer,
                    rate,
                    from,
                    to,
                });
            }
        }
        // Stable: of two steps from the same month, the later one in the file wins.
        changes.sort_by_key(|t| t.from);
        let mut layers = Vec::new();
        let mut seen: Vec<(Importer, String)> = Vec::new();
        for (n, l) in spec.layers.clone().unwrap_or_default().iter().enumerate() {
            let k = tk.key("layers").index(n);
            let importer = self.importer(&k.key("importer"), &l.importer);
            if l.authority.trim().is_empty() {
                self.problem(&k.key("authority"), "name the layer's legal authority");
            }
            if l.source.trim().is_empty() {
                self.problem(&k.key("source"), "say where the layer's rates come from");
            }
            if let Some(i) = importer {
                if seen.contains(&(i, l.authority.clone())) {
                    self.problem(
                        &k.key("authority"),
                        format!(
                            "{i} has two layers called `{}`; give its steps in one layer",
                            l.authority
                        ),
                    );
                }
                seen.push((i, l.authority.clone()));
            }
            let steps = self.layer_steps(&k.key("steps"), &l.steps);
            if let Some(importer) = importer {
                layers.push(TariffLayer {
                    authority: l.authority.clone(),
                    importer,
                    source: l.source.clone(),
                    steps,
                });
            }
        }
        Tariffs {
            reference,
            changes,
            layers,
        }
    }

    /// A layer's steps in order of `from`: each must end before the next starts;
    /// a step without `to` runs to the month before the next.
    fn layer_steps(&mut self, key: &KeyPath, specs: &[TariffStepSpec]) -> Vec<TariffStep> {
        if specs.is_empty() {
            self.problem(key, "list at least one step");
        }
        let mut steps: Vec<(usize, TariffStep)> = Vec::new();
        for (n, s) in specs.iter().enumerate() {
            let k = key.index(n);
            let rate = self.required(&k.key("rate"), &s.rate, &keys::STEP_RATE);
            let from = self.month(&k.key("from"), &s.from);
            let to = s.to.as_deref().and_then(|t| self.month(&k.key("to"), t));
            self.ordered(&k.key("to"), from, to);
            self.after_horizon(&k.key("from"), from);
            if let Some(from) = from {
                steps.push((n, TariffStep { rate, from, to }));
            }
        }
        steps.sort_by_key(|(_, s)| s.from);
        for j in 1..steps.len() {
            let (prev_n, next_n) = (steps[j - 1].0, steps[j].0);
            let next_from = steps[j].1.from;
            let prev = &mut steps[j - 1].1;
            match prev.to {
                Some(to) if to >= next_from => {
                    let (from, shown) = (prev.from, to);
                    self.problem(
                        &key.index(next_n).key("from"),
                        format!(
                            "this step ({next_from}) overlaps step [{prev_n}] of the same layer ({from} to {shown}); layers add up, a layer's own steps may not"
                        ),
                    );
                }
                Some(_) => {}
                None if prev.from == next_from => self.problem(
                    &key.index(next_n).key("from"),
                    format!("step [{prev_n}] of this layer also starts in {next_from}"),
                ),
                None => prev.to = Some(next_from.plus(-1)),
            }
        }
        steps.into_iter().map(|(_, s)| s).collect()
    }
}
