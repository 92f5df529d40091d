"""Fitting time: 249 independent series of 120 months, magcast against
statsforecast's AutoETS on the same series, measured in one run.

    eval/.venv/bin/python eval/timing.py [--magcast PATH] [--repeats N]

The series (one per ISO 3166-1 alpha-3 code of magcast's own table, no WORLD,
so magcast fits each importer on its own with its full candidate competition)
come from a seeded generator: a log-linear trend, a sinusoidal seasonal factor
and log-normal noise (see `generate`). magcast is timed as a whole
`magcast fit` process (CSV parsing and JSON output included), on one thread
and on every core (and, as a diagnostic, without the logistic and Gompertz
candidates); the structural model alone (`examples/structural_panel.rs`,
`StructuralConfig::default()`, the model of the `dynamic` baseline's WORLD) is
timed the same way, as a whole process on one thread and on every core; AutoETS (season length 12, automatic model selection) is
timed fitting the same series one after another in this process, after one
warm-up fit that is not timed (the first call of a statsforecast model pays
one-off set-up costs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import statsforecast
from statsforecast.models import AutoETS

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "eval" / "work"
RESULTS = ROOT / "eval" / "results"
MONTHS = 120
SEED = 20261201


def iso_codes() -> list[str]:
    """The alpha-3 codes of magcast's ISO 3166-1 table."""
    text = (ROOT / "src" / "data" / "iso3166.rs").read_text()
    return re.findall(r'\(\s*"[A-Z]{2}",\s*"([A-Z]{3})",\s*\d+,', text)


def generate(n_series: int, seed: int = SEED) -> np.ndarray:
    """n_series × MONTHS positive values: level · e^(g t) · (1 + a sin(2π(m + φ)/12)) · e^ε,
    with level log-uniform in [10, 10⁴] t, g ~ N(5 %, 5 %) a year, a ~ U(0, 0.3),
    φ ~ U(0, 12), ε ~ N(0, 0.1²) independent by month."""
    rng = np.random.default_rng(seed)
    t = np.arange(MONTHS) / 12.0
    level = 10 ** rng.uniform(1, 4, (n_series, 1))
    growth = rng.normal(0.05, 0.05, (n_series, 1))
    amp = rng.uniform(0, 0.3, (n_series, 1))
    phase = rng.uniform(0, 12, (n_series, 1))
    season = 1 + amp * np.sin(2 * np.pi * (np.arange(MONTHS) + phase) / 12)
    noise = np.exp(rng.normal(0, 0.1, (n_series, MONTHS)))
    return level * np.exp(growth * t) * season * noise


def write_panel(codes: list[str], values: np.ndarray, path: Path) -> None:
    months = pd.period_range("2015-01", periods=MONTHS, freq="M").astype(str)
    with open(path, "w") as f:
        f.write("period,importer,tonnes\n")
        for code, row in zip(codes, values):
            for m, v in zip(months, row):
                f.write(f"{m},{code},{float(v)!r}\n")


def time_magcast(cmd: list[str], data: Path, threads: str | None, expected: int,
                 config: Path | None = None) -> float:
    """Seconds of one `magcast fit` process; checks it fitted every series."""
    env = dict(os.environ)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = threads
    extra = ["--config", str(config)] if config else []
    t0 = time.perf_counter()
    out = subprocess.run(cmd + ["fit", "--data", str(data), "--format", "json"] + extra,
                         env=env, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    fitted = json.loads(out.stdout)["panel"]["series"]
    if len(fitted) != expected:
        raise SystemExit(f"magcast fitted {len(fitted)} series, not {expected}")
    return seconds


def time_structural(binary: Path, data: Path, threads: str | None, expected: int,
                    report: dict) -> float:
    """Seconds of one `structural_panel` example process; checks it fitted every
    series and keeps its summary line (fits, converged, threads) in `report`."""
    env = dict(os.environ)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = threads
    t0 = time.perf_counter()
    out = subprocess.run([str(binary), str(data)], env=env, check=True, capture_output=True,
                         text=True)
    seconds = time.perf_counter() - t0
    summary = json.loads(out.stdout)
    report[summary["threads"]] = summary
    fitted = summary["fitted"]
    if fitted != expected:
        raise SystemExit(f"structural_panel fitted {fitted} series, not {expected}: {out.stderr}")
    return seconds


def structural_command() -> Path:
    """Builds examples/structural_panel.rs in release; returns the binary."""
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "structural_panel"],
                   cwd=ROOT, check=True)
    return ROOT / "target" / "release" / "examples" / "structural_panel"


def time_autoets(values: np.ndarray) -> float:
    """Seconds to fit AutoETS to every series, one after another."""
    t0 = time.perf_counter()
    for y in values:
        AutoETS(season_length=12).fit(y)
    return time.perf_counter() - t0


def magcast_command(binary: Path | None) -> list[str]:
    if binary is not None:
        return [str(binary)]
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return [str(ROOT / "target" / "release" / "magcast")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--magcast", type=Path, help="magcast binary (default: cargo build --release)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(run_timing(magcast_command(args.magcast), args.repeats), end="")


def run_timing(cmd: list[str], repeats: int) -> str:
    """Times both tools; writes eval/results/timing.txt and returns its text."""
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    codes = iso_codes()
    if len(codes) != 249:
        raise SystemExit(f"expected 249 ISO codes, found {len(codes)}")
    values = generate(len(codes))
    data = WORK / "timing_panel.csv"
    write_panel(codes, values, data)
    # Diagnostic: the same fit without the saturating curves (logistic and
    # Gompertz, fitted by Levenberg-Marquardt with restarts), to show where the time goes.
    no_curves = WORK / "timing_no_curves.yaml"
    no_curves.write_text("candidates: [exponential, linear]\n")
    structural = structural_command()
    t0 = time.perf_counter()
    AutoETS(season_length=12).fit(values[0])
    warm = time.perf_counter() - t0
    names = [
        "magcast fit, 1 thread (RAYON_NUM_THREADS=1)",
        f"magcast fit, all cores ({os.cpu_count()})",
        "magcast fit, 1 thread, candidates exponential and linear only (diagnostic)",
        "statsforecast AutoETS(season_length=12).fit, one series after another",
        "structural model alone (examples/structural_panel), 1 thread",
        f"structural model alone (examples/structural_panel), all cores ({os.cpu_count()})",
    ]
    runs: list[list[float]] = [[] for _ in names]
    reports: dict = {}
    for _ in range(repeats):  # interleaved, so a change in machine load hits every tool
        runs[0].append(time_magcast(cmd, data, "1", len(codes)))
        runs[1].append(time_magcast(cmd, data, None, len(codes)))
        runs[2].append(time_magcast(cmd, data, "1", len(codes), no_curves))
        runs[3].append(time_autoets(values))
        runs[4].append(time_structural(structural, data, "1", len(codes), reports))
        runs[5].append(time_structural(structural, data, None, len(codes), reports))
    rows = list(zip(names, runs))
    ets = runs[3]
    lines = [
        f"249 series × {MONTHS} months, seed {SEED}; best of {repeats} runs; "
        f"statsforecast {statsforecast.__version__}, Python {platform.python_version()}",
        f"AutoETS warm-up fit (excluded): {warm:.3f} s",
    ]
    best_ets = min(ets)
    for name, times in rows:
        lines.append(f"{name}: best {min(times):.3f} s, runs "
                     + ", ".join(f"{t:.3f}" for t in times)
                     + f"; {best_ets / min(times):.2f}× AutoETS speed")
    for threads, r in sorted(reports.items()):
        lines.append(f"structural_panel on {threads} thread(s), last run: {r['fitted']} of "
                     f"{r['series']} fitted, {r['converged']} converged, "
                     f"{r['fit_seconds']:.3f} s inside the process")
    text = "\n".join(lines) + "\n"
    (RESULTS / "timing.txt").write_text(text)
    return text


if __name__ == "__main__":
    main()
