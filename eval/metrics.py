"""Every metric of the evaluation, for magcast and the peers alike.

The input is one table of forecast points, one row per (tool, model, series,
origin, month) with columns `actual`, `forecast`, `lower_80`, `upper_80`,
`lower_95`, `upper_95`, `scale` (the MASE scale of the series at the origin)
and `crps`. Conventions follow magcast's own leaderboard (src/backtest):

* MASE of a series is the mean over its points of |y - f| / scale, the scale
  being the mean absolute 12-month difference of the training data at the
  origin (one-month differences where no 12-month pair exists); over series,
  the geometric mean.
* sMAPE on the 0-200 scale: 200 |y - f| / (|y| + |f|).
* Coverage: share of actuals inside the closed interval.
* WIS: the weighted interval score of the point forecast and the 80 % and
  95 % intervals (Bracher et al., 2021), computed identically for every tool;
  it approximates the CRPS from the quantiles both tools give.
* CRPS: of each tool's own predictive distribution. For the peers (normal
  predictive distributions in statsforecast) the closed form of the normal
  with sd from the 95 % interval; for magcast, the value magcast computed
  from its sample draws (the draws are not exported). Reported divided by the
  MASE scale, so series can be averaged.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z95 = 1.959963984540054


def smape(y: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Pointwise sMAPE, 0-200 (a pair with y = f = 0 counts 0)."""
    d = np.abs(y) + np.abs(f)
    return np.where(d > 0, 200.0 * np.abs(y - f) / np.where(d > 0, d, 1.0), 0.0)


def interval_score(y, lower, upper, alpha: float) -> np.ndarray:
    """Winkler score of a central (1 - alpha) interval."""
    below = np.maximum(lower - y, 0.0)
    above = np.maximum(y - upper, 0.0)
    return (upper - lower) + 2.0 / alpha * (below + above)


def wis(y, point, lo80, hi80, lo95, hi95) -> np.ndarray:
    """Weighted interval score with K = 2 intervals and the point as centre."""
    total = 0.5 * np.abs(y - point)
    total = total + 0.2 / 2 * interval_score(y, lo80, hi80, 0.2)
    total = total + 0.05 / 2 * interval_score(y, lo95, hi95, 0.05)
    return total / 2.5


def crps_normal(y, mu, sd) -> np.ndarray:
    """CRPS of N(mu, sd^2) at y (closed form of Gneiting & Raftery, 2007)."""
    y, mu, sd = (np.asarray(a, dtype=float) for a in (y, mu, sd))
    z = (y - mu) / sd
    pdf = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2)))
    return sd * (z * (2 * cdf - 1) + 2 * pdf - 1 / math.sqrt(math.pi))


def sd_from_95(lo95, hi95) -> np.ndarray:
    """The sd of a normal whose central 95 % interval is [lo95, hi95]."""
    return (np.asarray(hi95) - np.asarray(lo95)) / (2 * Z95)


def naive_scale(history: pd.Series, m: int = 12) -> float | None:
    """MASE scale of a monthly history (Period index, gaps allowed): mean
    absolute m-month difference over the pairs observed, else one-month."""
    values = {p.ordinal: v for p, v in history.items()}
    for lag in (m, 1):
        diffs = [abs(v - values[t - lag]) for t, v in values.items() if t - lag in values]
        if diffs:
            scale = float(np.mean(diffs))
            return scale if scale > 0 and math.isfinite(scale) else None
    return None


def pointwise(points: pd.DataFrame) -> pd.DataFrame:
    """Adds the pointwise scores to a copy of the points table."""
    p = points.copy()
    y, f = p["actual"].to_numpy(), p["forecast"].to_numpy()
    p["scaled_error"] = np.abs(y - f) / p["scale"]
    p["smape"] = smape(y, f)
    p["in_80"] = (p["lower_80"] <= y) & (y <= p["upper_80"])
    p["in_95"] = (p["lower_95"] <= y) & (y <= p["upper_95"])
    p["wis_scaled"] = (
        wis(y, f, p["lower_80"], p["upper_80"], p["lower_95"], p["upper_95"]) / p["scale"]
    )
    p["crps_scaled"] = p["crps"] / p["scale"]
    return p


def by_series(points: pd.DataFrame) -> pd.DataFrame:
    """One row per (group, tool, model, series)."""
    p = pointwise(points)
    g = p.groupby(["group", "tool", "model", "series"], sort=False)
    return g.agg(
        mase=("scaled_error", "mean"),
        smape=("smape", "mean"),
        coverage_80=("in_80", "mean"),
        coverage_95=("in_95", "mean"),
        crps_scaled=("crps_scaled", "mean"),
        wis_scaled=("wis_scaled", "mean"),
        points=("actual", "size"),
        origins=("origin", "nunique"),
    ).reset_index()


def summary(series_scores: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """One row per (group, tool, model): geometric-mean MASE over series, the
    other scores averaged over series, coverage pooled over points."""
    p = pointwise(points)
    pooled = p.groupby(["group", "tool", "model"], sort=False).agg(
        coverage_80=("in_80", "mean"), coverage_95=("in_95", "mean"), points=("actual", "size")
    )
    s = series_scores.groupby(["group", "tool", "model"], sort=False)
    out = pd.DataFrame(
        {
            "gmean_mase": s["mase"].apply(lambda v: float(np.exp(np.log(v).mean()))),
            "mean_mase": s["mase"].mean(),
            "smape": s["smape"].mean(),
            "crps_scaled": s["crps_scaled"].mean(),
            "wis_scaled": s["wis_scaled"].mean(),
            "series": s["series"].nunique(),
        }
    ).join(pooled)
    return out.reset_index()


def hindsight_best(series_scores: pd.DataFrame, group: str, models: list[str]) -> pd.DataFrame:
    """Diagnostic only: for each series of `group`, the magcast variant among
    `models` with the lowest MASE, chosen after seeing the scores. Not a
    forecasting method (it needs the answers); it bounds what choosing between
    the variants per series could gain. Columns: series, model, mase."""
    s = series_scores[(series_scores["group"] == group) & (series_scores["tool"] == "magcast")
                      & series_scores["model"].isin(models)]
    best = s.loc[s.groupby("series", sort=False)["mase"].idxmin()]
    return best[["series", "model", "mase"]].reset_index(drop=True)
