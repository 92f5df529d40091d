"""statsforecast's models on the origins magcast used.

Each peer is refitted at each origin on its training series (a regular
monthly series ending at or before the origin) and asked for as many steps as
reach the last target month; only the target months are kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, Naive, SeasonalNaive

from metrics import crps_normal, sd_from_95

PEERS = ["AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive", "Naive"]


def make_model(name: str, season: int):
    """A fresh peer; `season` is 12, or 1 where the training series is shorter
    than two years (statsforecast cannot estimate a seasonal model then)."""
    if name == "AutoETS":
        return AutoETS(season_length=season)
    if name == "AutoARIMA":
        return AutoARIMA(season_length=season)
    if name == "AutoTheta":
        return AutoTheta(season_length=season)
    if name == "SeasonalNaive":
        return SeasonalNaive(season_length=season)
    return Naive()


def season_for(n: int) -> int:
    """Season length for a training series of n months."""
    return 12 if n >= 24 else 1


def forecast_origin(name: str, train: pd.Series, targets: pd.DataFrame) -> pd.DataFrame:
    """One peer's forecasts of `targets` (rows with `period`) from `train`.

    Where statsforecast cannot fit the model (a run of two or three months is
    "tiny" for AutoETS and AutoTheta; AutoARIMA gives infinite intervals), the
    peer falls back to Naive and the rows say so in `fallback`.
    """
    end = train.index[-1]
    steps = np.array([(p - end).n for p in targets["period"]])
    h = int(steps.max())
    y = train.to_numpy(dtype=float)
    fallback = ""
    try:
        out = make_model(name, season_for(len(train))).forecast(y=y, h=h, level=[80, 95])
        if not all(np.isfinite(np.asarray(v, dtype=float)).all() for v in out.values()):
            raise ValueError("non-finite forecast or interval")
    except Exception as e:  # statsforecast raises plain exceptions (e.g. "tiny datasets")
        if name == "Naive":
            raise
        fallback = f"Naive instead: {e!r}"
        out = Naive().forecast(y=y, h=h, level=[80, 95])
    k = steps - 1
    rows = targets.copy()
    # Some models return pandas Series: take positions, not labels.
    for col, key in [("forecast", "mean"), ("lower_80", "lo-80"), ("upper_80", "hi-80"),
                     ("lower_95", "lo-95"), ("upper_95", "hi-95")]:
        rows[col] = np.asarray(out[key], dtype=float)[k]
    sd = sd_from_95(rows["lower_95"], rows["upper_95"])
    rows["crps"] = crps_normal(rows["actual"], rows["forecast"], np.maximum(sd, 1e-12))
    rows["train_start"] = str(train.index[0])
    rows["train_end"] = str(end)
    rows["fallback"] = fallback
    return rows
