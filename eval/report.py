"""Markdown tables of the accuracy results (eval/results/accuracy.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from metrics import hindsight_best

# The magcast variants declared in advance as automatic models (see run.py).
AUTOMATIC = ["auto", "dynamic"]


def _label(tool: str, model: str) -> str:
    return f"magcast {model}" if tool == "magcast" else model


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def summary_table(summ: pd.DataFrame, group: str) -> str:
    s = summ[summ["group"] == group].sort_values("gmean_mase")
    rows = [
        [
            _label(r.tool, r.model),
            f"{r.gmean_mase:.3f}",
            f"{r.smape:.2f}",
            f"{r.coverage_80:.2f}",
            f"{r.coverage_95:.2f}",
            f"{r.crps_scaled:.3f}",
            f"{r.wis_scaled:.3f}",
            f"{r.series}",
            f"{r.points}",
        ]
        for r in s.itertuples()
    ]
    header = ["model", "gmean MASE", "sMAPE %", "cov 80", "cov 95", "CRPS/scale",
              "WIS/scale", "series", "points"]
    return _table(header, rows)


def mase_by_series(scores: pd.DataFrame, group: str) -> str:
    s = scores[scores["group"] == group].copy()
    s["label"] = [_label(t, m) for t, m in zip(s["tool"], s["model"])]
    wide = s.pivot(index="series", columns="label", values="mase")
    order = list(dict.fromkeys(s["label"]))
    rows = [[name] + [f"{wide.loc[name, c]:.3f}" if pd.notna(wide.loc[name, c]) else "–"
                      for c in order] for name in dict.fromkeys(s["series"])]
    return _table(["series"] + order, rows)


def hindsight_note(scores: pd.DataFrame, group: str) -> str:
    """The per-series best of the automatic variants, labelled as hindsight."""
    best = hindsight_best(scores, group, AUTOMATIC)
    if best.empty:
        return ""
    picks = ", ".join(f"{r.series} {r.model} {r.mase:.3f}" for r in best.itertuples())
    gmean = float(np.exp(np.log(best["mase"]).mean()))
    return (f"\nDiagnostic, not a model: the better of magcast {' and '.join(AUTOMATIC)} on each "
            f"series, chosen after seeing the scores, has geometric-mean MASE {gmean:.3f} "
            f"({picks}).\n")


def markdown(summ: pd.DataFrame, scores: pd.DataFrame, failures: list) -> str:
    parts = ["## Standard monthly series\n", summary_table(summ, "standard"), "\nMASE by series:\n\n",
             mase_by_series(scores, "standard"), hindsight_note(scores, "standard"),
             "\n## Bundled data (WORLD and importers)\n",
             summary_table(summ, "bundled"), "\nMASE by series:\n\n",
             mase_by_series(scores, "bundled"), hindsight_note(scores, "bundled")]
    if failures:
        fell = sum(1 for f in failures if str(f[4]).startswith("Naive instead"))
        parts.append(
            f"\n{len(failures)} peer fits (series × origin × model) could not be made; "
            f"{fell} of them fell back to Naive, the others were not scored "
            "(eval/results/failures.csv).\n"
        )
    return "".join(parts)


def main() -> None:
    """Rewrites eval/results/accuracy.md from the CSVs of the last run."""
    results = Path(__file__).resolve().parent / "results"
    summ = pd.read_csv(results / "summary.csv")
    scores = pd.read_csv(results / "by_series.csv")
    failures = list(pd.read_csv(results / "failures.csv").itertuples(index=False, name=None))
    (results / "accuracy.md").write_text(markdown(summ, scores, failures))
    print((results / "accuracy.md").read_text(), end="")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
