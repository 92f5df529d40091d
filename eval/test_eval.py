"""Hand-worked checks of the harness's metrics and series rules.

    eval/.venv/bin/python eval/test_eval.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import metrics  # noqa: E402
import series  # noqa: E402


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * (1 + abs(b))


def test_smape_and_interval_scores():
    y, f = np.array([100.0, 200.0, 0.0]), np.array([110.0, 180.0, 0.0])
    s = metrics.smape(y, f)
    assert close(s[0], 200 * 10 / 210) and close(s[1], 200 * 20 / 380) and s[2] == 0.0
    # inside: width only; below an 80 % interval by 1: width + 2/0.2 * 1
    assert close(metrics.interval_score(5.0, 4.0, 6.0, 0.2), 2.0)
    assert close(metrics.interval_score(0.0, 1.0, 3.0, 0.2), 12.0)
    # WIS: (0.5|y-m| + 0.1 IS80 + 0.025 IS95) / 2.5 with y=5, m=4, [4,6], [3,7]
    w = metrics.wis(5.0, 4.0, 4.0, 6.0, 3.0, 7.0)
    assert close(w, (0.5 * 1 + 0.1 * 2 + 0.025 * 4) / 2.5)


def test_crps_normal():
    # N(0, 1) at 0: 2 phi(0) - 1/sqrt(pi)
    ref = 2 / math.sqrt(2 * math.pi) - 1 / math.sqrt(math.pi)
    assert close(float(metrics.crps_normal(0.0, 0.0, 1.0)), ref)
    # far from the mean it tends to |y - mu| - sd/sqrt(pi)
    assert close(float(metrics.crps_normal(10.0, 0.0, 1.0)), 10 - 1 / math.sqrt(math.pi), 1e-9)
    # against the sample (energy) form on many quantile draws of N(3, 2)
    from statistics import NormalDist

    xs = np.array([NormalDist(3, 2).inv_cdf((i + 0.5) / 4000) for i in range(4000)])
    energy = np.abs(xs - 4.0).mean() - 0.5 * np.abs(xs[:, None] - xs[None, :]).mean()
    assert close(float(metrics.crps_normal(4.0, 3.0, 2.0)), energy, 1e-3)
    assert close(float(metrics.sd_from_95(-1.959963984540054, 1.959963984540054)), 1.0)


def months(pairs):
    return pd.Series({pd.Period(p, freq="M"): v for p, v in pairs}).sort_index()


def test_naive_scale_as_magcast():
    # the hand case of src/backtest/metrics.rs: 12-month pairs |16-10|, |14-20| -> 6
    h = months([("2020-01", 10), ("2020-02", 20), ("2021-01", 16), ("2021-02", 14)])
    assert close(metrics.naive_scale(h), 6.0)
    # no 12-month pair: one-month differences 10 and 2 -> 6
    h = months([("2020-01", 10), ("2020-02", 20), ("2020-06", 1), ("2020-07", 3)])
    assert close(metrics.naive_scale(h), 6.0)
    assert metrics.naive_scale(months([("2020-01", 1), ("2020-04", 2)])) is None


def test_regular_run():
    s = months([("2020-01", 1), ("2020-02", 2), ("2020-03", 3),
                ("2020-06", 6), ("2020-07", 7), ("2020-08", 8), ("2020-10", 10)])
    run = series.regular_run(s, pd.Period("2020-12", freq="M"))
    # two runs of three: the latest wins
    assert [str(p) for p in run.index] == ["2020-06", "2020-07", "2020-08"]
    run = series.regular_run(s, pd.Period("2020-07", freq="M"))
    assert [str(p) for p in run.index] == ["2020-01", "2020-02", "2020-03"]
    assert series.regular_run(s, pd.Period("2019-12", freq="M")) is None


def test_summary_geometric_mean():
    rows = []
    for name, err, scale in [("a", 2.0, 1.0), ("b", 8.0, 1.0)]:
        rows.append(dict(group="g", tool="t", model="m", series=name, origin="o",
                         actual=10.0 + err, forecast=10.0, lower_80=9.0, upper_80=11.0,
                         lower_95=8.0, upper_95=12.5, scale=scale, crps=1.0))
    points = pd.DataFrame(rows)
    s = metrics.by_series(points)
    out = metrics.summary(s, points)
    assert close(out["gmean_mase"].iloc[0], 4.0)  # sqrt(2 * 8)
    assert close(out["mean_mase"].iloc[0], 5.0)
    assert close(out["coverage_95"].iloc[0], 0.5)  # 12 inside, 18 outside


def test_bundled_single_months_keeps_levels_only(tmp=Path(__file__).resolve().parent / "work"):
    tmp.mkdir(exist_ok=True)
    f = tmp / "test_singles.csv"
    f.write_text("period,importer,tonnes,growth\n2025-01,WORLD,10,\n2025-02,WORLD,,1.1\n"
                 "2025,WORLD,100,\n2025-03,USA,2.5,\n")
    got = series.bundled_single_months(f)
    assert sorted(got) == ["USA", "WORLD"]
    assert [str(p) for p in got["WORLD"].index] == ["2025-01"] and got["WORLD"].iloc[0] == 10.0
    assert got["USA"].iloc[0] == 2.5
    f.unlink()


def test_hindsight_best_is_per_series_minimum():
    scores = pd.DataFrame([
        dict(group="g", tool="magcast", model="auto", series="a", mase=1.0),
        dict(group="g", tool="magcast", model="dynamic", series="a", mase=0.5),
        dict(group="g", tool="magcast", model="auto", series="b", mase=2.0),
        dict(group="g", tool="magcast", model="dynamic", series="b", mase=3.0),
        dict(group="g", tool="magcast", model="naive", series="b", mase=0.1),  # not a candidate
        dict(group="g", tool="statsforecast", model="auto", series="b", mase=0.2),
    ])
    best = metrics.hindsight_best(scores, "g", ["auto", "dynamic"])
    assert list(best["series"]) == ["a", "b"] and list(best["model"]) == ["dynamic", "auto"]
    assert list(best["mase"]) == [0.5, 2.0]


if __name__ == "__main__":
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    for t in tests:
        t()
    print(f"{len(tests)} passed, 0 failed")
