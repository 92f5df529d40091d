"""The series of the evaluation: five standard monthly series from offline
packages, the bundled customs data, and the regular series the peers get from
the bundled data.

Every series is a pandas Series of floats indexed by monthly pandas Periods.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

SINGLE_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _monthly(values, start: str) -> pd.Series:
    index = pd.period_range(start=start, periods=len(values), freq="M")
    return pd.Series(np.asarray(values, dtype=float), index=index)


def air_passengers() -> pd.Series:
    """Box & Jenkins' airline passengers, 1949-01..1960-12 (pmdarima's copy)."""
    from pmdarima.datasets import load_airpassengers

    return _monthly(load_airpassengers(as_series=True).to_numpy(), "1949-01")


def co2() -> pd.Series:
    """Mauna Loa CO2 (statsmodels, weekly), averaged by calendar month.

    Five months have no weekly reading at all (the last is 1964-04), so the
    series starts at 1964-05, the first month after the last gap; nothing is
    imputed.
    """
    import statsmodels.api as sm

    weekly = sm.datasets.co2.load_pandas().data["co2"]
    monthly = weekly.resample("MS").mean()
    monthly.index = monthly.index.to_period("M")
    last_gap = monthly[monthly.isna()].index.max()
    return monthly[monthly.index > last_gap].astype(float)


def elnino() -> pd.Series:
    """Niño 1+2 sea surface temperature, 1950-01..2010-12 (statsmodels)."""
    import statsmodels.api as sm

    wide = sm.datasets.elnino.load_pandas().data
    first = int(wide["YEAR"].iloc[0])
    values = wide.drop(columns="YEAR").to_numpy().ravel()
    return _monthly(values, f"{first}-01")


def wineind() -> pd.Series:
    """Australian wine sales by winemakers, 1980-01..1994-08 (pmdarima)."""
    from pmdarima.datasets import load_wineind

    return _monthly(load_wineind(as_series=False), "1980-01")


def sunspots() -> pd.Series:
    """Monthly mean sunspot numbers (pmdarima's copy of R's `sunspots`).

    The full series runs 1749-01..1983-12 with 67 months of zero; magcast fits
    on the log scale, so the series starts at 1913-07, the month after the last
    zero (846 months, real calendar dates, no remapping needed).
    """
    from pmdarima.datasets import load_sunspots

    full = _monthly(load_sunspots(as_series=False), "1749-01")
    last_zero = full[full <= 0].index.max()
    return full[full.index > last_zero]


STANDARD = {
    "AirPassengers": air_passengers,
    "co2": co2,
    "elnino": elnino,
    "wineind": wineind,
    "sunspots": sunspots,
}


def write_tidy(series: pd.Series, path: Path, importer: str = "WORLD") -> None:
    """Writes one series as magcast's tidy CSV (period,importer,tonnes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["period", "importer", "tonnes"])
        for period, value in series.items():
            w.writerow([str(period), importer, repr(float(value))])


def bundled_single_months(path: Path) -> dict[str, pd.Series]:
    """Each importer's months observed on their own: single-month rows that
    report a level in tonnes (no spans; growth rates, shares, ranks and ranges
    of the same month, whose `tonnes` is empty, are not turned into levels)."""
    rows: dict[str, dict[pd.Period, float]] = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if SINGLE_MONTH.match(r["period"]) and r["tonnes"].strip():
                month = pd.Period(r["period"], freq="M")
                rows.setdefault(r["importer"], {})[month] = float(r["tonnes"])
    return {k: pd.Series(v).sort_index() for k, v in rows.items()}


def regular_run(singles: pd.Series, origin: pd.Period) -> pd.Series | None:
    """The peers' training series at `origin`: the longest run of consecutive
    single months observed up to the origin (the latest of equally long runs).
    """
    known = singles[singles.index <= origin]
    if known.empty:
        return None
    best: tuple[int, int, int] | None = None  # (length, end position, start position)
    start = 0
    ordinals = [p.ordinal for p in known.index]
    for i in range(1, len(ordinals) + 1):
        if i == len(ordinals) or ordinals[i] != ordinals[i - 1] + 1:
            length = i - start
            if best is None or length >= best[0]:
                best = (length, i, start)
            start = i
    assert best is not None
    return known.iloc[best[2] : best[1]]
