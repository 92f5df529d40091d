"""OLS fits per second in numpy and statsmodels on the data of `benches/fit.rs`.

The 10,000 series of 120 points of the `linear` case of `cargo bench --bench fit`
are regenerated bit for bit: x = i/12 (i = 0..119), y = 100 + (s mod 17) - 3x + 2u,
u the SplitMix64 uniforms in [-1, 1) seeded with 7, series-major. Each series gets
an intercept-and-slope least-squares fit, as magcast's `linear` family does.

    pip install numpy statsmodels   # for this measurement only
    python3 benches/ols_numpy.py

Not part of the build or of CI; see BENCHMARKS.md.
"""

import os
import platform
import time

import numpy as np

SERIES, POINTS = 10_000, 120
M64 = (1 << 64) - 1


def splitmix_uniforms(seed, n):
    """The first n outputs of fit.rs's `Noise`, vectorised (state = seed + k*gamma)."""
    with np.errstate(over="ignore"):
        k = np.arange(1, n + 1, dtype=np.uint64)
        z = np.uint64(seed) + k * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 52) - 1.0


def splitmix_scalar(seed, n):
    """The same in plain Python integers, to check the vectorised version."""
    state, out = seed, []
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        z ^= z >> 31
        out.append((z >> 11) / float(1 << 52) - 1.0)
    return np.array(out)


def data():
    x = np.arange(POINTS) / 12.0
    u = splitmix_uniforms(7, SERIES * POINTS).reshape(SERIES, POINTS)
    assert np.array_equal(u[0, :50], splitmix_scalar(7, 50))
    s = (np.arange(SERIES) % 17).astype(np.float64)[:, None]
    y = 100.0 + s - 3.0 * x[None, :] + 2.0 * u
    return x, y


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), sorted(times)[len(times) // 2], out


def main():
    x, y = data()
    design = np.column_stack([np.ones(POINTS), x])
    print(f"python {platform.python_version()}, numpy {np.__version__}", end="")
    try:
        import statsmodels
        import statsmodels.api as sm

        print(f", statsmodels {statsmodels.__version__}", end="")
    except ImportError:
        sm = None
    print(f"; threads: OMP/OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print(f"data check: y[0][:3] = {y[0, :3].tolist()}")

    def numpy_loop():
        return [np.linalg.lstsq(design, y[i], rcond=None)[0] for i in range(SERIES)]

    def numpy_batched():
        return np.linalg.lstsq(design, y.T, rcond=None)[0]

    results = [("numpy lstsq, one call per series", numpy_loop, 5)]
    results.append(("numpy lstsq, all series in one call (shared x)", numpy_batched, 20))
    if sm is not None:

        def statsmodels_loop():
            out = []
            for i in range(SERIES):
                fit = sm.OLS(y[i], design).fit()
                out.append((fit.params, fit.bse, fit.rsquared, fit.aic))
            return out

        results.append(("statsmodels OLS(...).fit() + params, bse, R2, AIC", statsmodels_loop, 3))
    for name, fn, repeats in results:
        best, median, out = best_of(fn, repeats)
        slopes = np.array([o[0][1] if isinstance(o, tuple) else o[1] for o in out]) \
            if not isinstance(out, np.ndarray) else out[1]
        print(f"{name}: median {median * 1e3:.1f} ms (best {best * 1e3:.1f} ms) "
              f"= {SERIES / median:,.0f} fits/s; mean slope {slopes.mean():.6f}")


if __name__ == "__main__":
    main()
