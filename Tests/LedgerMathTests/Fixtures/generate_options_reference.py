#!/usr/bin/env python3
"""Reference values for LedgerMath's Black-Scholes-Merton pricer and implied volatility.

Oracle: QuantLib (AnalyticEuropeanEngine on a BlackScholesMertonProcess with flat continuous
curves and Actual365Fixed everywhere). Cross-check: vollib / py_vollib analytical BSM greeks and
its "Let's Be Rational" implied volatility. Neither shares code with the Swift implementation.

Writes, next to this script:
  options_reference.csv   price and greeks (theta per year and per day, vega/rho per 1.00)
  options_implied_vol.csv implied-volatility round trips and "cannot" cases

Regenerate:  pip install QuantLib py_vollib pyxirr numpy-financial
             python3 Tests/LedgerMathTests/Fixtures/generate_options_reference.py
"""
import csv
import math
import os
import random
import warnings

import mpmath as mp
import QuantLib as ql

warnings.filterwarnings("ignore", category=DeprecationWarning)
from py_vollib.black_scholes_merton import black_scholes_merton as vollib_price  # noqa: E402
from py_vollib.black_scholes_merton.greeks import analytical as vollib_greeks  # noqa: E402
from py_vollib.black_scholes_merton.implied_volatility import implied_volatility as vollib_iv  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TODAY = ql.Date(15, 1, 2024)
ql.Settings.instance().evaluationDate = TODAY
DC = ql.Actual365Fixed()


def quantlib_option(kind, spot, strike, days, vol, rate, div):
    spot_h = ql.QuoteHandle(ql.SimpleQuote(spot))
    r_ts = ql.YieldTermStructureHandle(ql.FlatForward(TODAY, rate, DC, ql.Continuous))
    q_ts = ql.YieldTermStructureHandle(ql.FlatForward(TODAY, div, DC, ql.Continuous))
    v_ts = ql.BlackVolTermStructureHandle(ql.BlackConstantVol(TODAY, ql.NullCalendar(), vol, DC))
    process = ql.BlackScholesMertonProcess(spot_h, q_ts, r_ts, v_ts)
    payoff = ql.PlainVanillaPayoff(ql.Option.Call if kind == "call" else ql.Option.Put, strike)
    option = ql.EuropeanOption(payoff, ql.EuropeanExercise(TODAY + days))
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return option, process


def mpmath_bsm(kind, s, k, t, vol, r, q):
    """40-digit BSM, the arbiter between QuantLib and vollib (spot-fixed theta per year)."""
    mp.mp.dps = 40
    s, k, t, vol, r, q = map(mp.mpf, (s, k, t, vol, r, q))
    sd = vol * mp.sqrt(t)
    d1 = (mp.log(s / k) + (r - q) * t) / sd + sd / 2
    d2 = d1 - sd
    dq, dr = mp.exp(-q * t), mp.exp(-r * t)
    decay = -s * dq * mp.npdf(d1) * vol / (2 * mp.sqrt(t))
    common = dict(gamma=dq * mp.npdf(d1) / (s * sd), vega=s * dq * mp.npdf(d1) * mp.sqrt(t))
    if kind == "call":
        n1, n2 = mp.ncdf(d1), mp.ncdf(d2)
        return dict(price=s * dq * n1 - k * dr * n2, delta=dq * n1, rho=k * t * dr * n2,
                    theta_per_year=decay - r * k * dr * n2 + q * s * dq * n1, **common)
    n1, n2 = mp.ncdf(-d1), mp.ncdf(-d2)
    return dict(price=k * dr * n2 - s * dq * n1, delta=-dq * n1, rho=-k * t * dr * n2,
                theta_per_year=decay + r * k * dr * n2 - q * s * dq * n1, **common)


def cases():
    """Named textbook cases, then a seeded spread over the domain."""
    out = [
        ("atm-1y-hull", "call", 100.0, 100.0, 365, 0.20, 0.05, 0.0),      # theta ≈ −6.414/yr
        ("hull-49-50", "call", 49.0, 50.0, 140, 0.20, 0.05, 0.0),         # Hull's 20-week example
        ("atm-1y-put", "put", 100.0, 100.0, 365, 0.20, 0.05, 0.0),
        ("spx-1dte-call", "call", 5000.0, 5000.0, 1, 0.15, 0.05, 0.015),
        ("spx-1dte-put", "put", 5000.0, 4950.0, 1, 0.18, 0.05, 0.015),
        ("deep-itm-put-2y", "put", 100.0, 150.0, 730, 0.20, 0.05, 0.0),    # positive long theta
        ("deep-itm-call-q>r", "call", 100.0, 50.0, 730, 0.20, 0.01, 0.08),  # positive long theta
        ("deep-otm-call", "call", 100.0, 250.0, 30, 0.20, 0.05, 0.0),
        ("deep-otm-put", "put", 100.0, 40.0, 30, 0.25, 0.05, 0.0),
        ("high-vol-2y", "call", 100.0, 100.0, 730, 1.50, 0.05, 0.02),
        ("low-vol-1d", "put", 100.0, 100.5, 1, 0.05, 0.05, 0.0),
        ("negative-rate", "call", 100.0, 95.0, 180, 0.30, -0.005, 0.0),
    ]
    rng = random.Random(20240115)
    moneyness = [0.4, 0.6, 0.8, 0.9, 0.95, 0.99, 1.0, 1.01, 1.05, 1.1, 1.25, 1.5, 2.0, 2.5]
    days = [1, 2, 7, 14, 30, 45, 91, 182, 365, 547, 730]
    vols = [0.05, 0.08, 0.12, 0.2, 0.3, 0.45, 0.7, 1.0, 1.5]
    rates = [0.0, 0.01, 0.03, 0.05, 0.07, -0.005]
    divs = [0.0, 0.0, 0.013, 0.02, 0.05, 0.09]
    spots = [100.0, 100.0, 5000.0, 4321.5, 49.0]
    for i in range(200):
        s = rng.choice(spots)
        out.append((f"grid-{i:03d}", rng.choice(["call", "put"]), s,
                    round(s * rng.choice(moneyness), 2), rng.choice(days), rng.choice(vols),
                    rng.choice(rates), rng.choice(divs)))
    return out


def fmt(x):
    return repr(float(x))


def main():
    rows = []
    worst_vollib = 0.0
    worst_mpmath = 0.0
    for cid, kind, s, k, d, vol, r, q in cases():
        option, _ = quantlib_option(kind, s, k, d, vol, r, q)
        t = d / 365.0
        row = dict(id=cid, type=kind, spot=s, strike=k, days=d, volatility=vol, rate=r,
                   dividend_yield=q, price=option.NPV(), delta=option.delta(), gamma=option.gamma(),
                   vega=option.vega(), theta_per_year=option.theta(),
                   theta_per_day=option.thetaPerDay(), rho=option.rho())
        # Cross-check with vollib (theta per day, vega and rho per 1 %), where the price is not tiny.
        flag = "c" if kind == "call" else "p"
        if row["price"] >= 1e-4:
            checks = [
                (row["price"], vollib_price(flag, s, k, t, r, vol, q)),
                (row["delta"], vollib_greeks.delta(flag, s, k, t, r, vol, q)),
                (row["gamma"], vollib_greeks.gamma(flag, s, k, t, r, vol, q)),
                (row["vega"], 100 * vollib_greeks.vega(flag, s, k, t, r, vol, q)),
                (row["theta_per_day"], vollib_greeks.theta(flag, s, k, t, r, vol, q)),
                (row["rho"], 100 * vollib_greeks.rho(flag, s, k, t, r, vol, q)),
            ]
            for ql_value, vl_value in checks:
                err = abs(ql_value - vl_value) / max(abs(ql_value), 1e-6)
                worst_vollib = max(worst_vollib, err)
        exact = mpmath_bsm(kind, s, k, t, vol, r, q)
        for name, value in exact.items():
            gap = abs(row[name] - float(value))
            assert gap <= max(1e-9 * abs(float(value)), 1e-10), (cid, name, row[name], float(value))
            worst_mpmath = max(worst_mpmath, gap / max(abs(float(value)), 1e-300) if gap > 1e-10 else 0)
        rows.append(row)
    with open(os.path.join(HERE, "options_reference.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: (fmt(v) if isinstance(v, float) else v) for k, v in row.items()})
    print(f"options_reference.csv: {len(rows)} cases; worst QuantLib/vollib relative gap {worst_vollib:.2e}; "
          f"worst QuantLib/mpmath relative gap (beyond 1e-10 absolute) {worst_mpmath:.2e}")

    # Implied-volatility round trips: price with QuantLib at a known vol, solve back with QuantLib
    # and with vollib's Let's Be Rational.
    iv_rows = []
    rng = random.Random(7)
    iv_specs = [
        ("iv-atm", "call", 100.0, 100.0, 365, 0.2, 0.05, 0.0),
        ("iv-deep-otm-call", "call", 100.0, 180.0, 91, 0.35, 0.03, 0.0),
        ("iv-deep-itm-call", "call", 100.0, 60.0, 182, 0.30, 0.03, 0.01),
        ("iv-deep-otm-put", "put", 5000.0, 3500.0, 30, 0.40, 0.05, 0.015),
        ("iv-deep-itm-put", "put", 5000.0, 6000.0, 91, 0.25, 0.05, 0.015),
        ("iv-1dte", "put", 5000.0, 4975.0, 1, 0.12, 0.05, 0.015),
        ("iv-high-vol", "call", 100.0, 120.0, 365, 1.5, 0.02, 0.0),
        ("iv-low-vol", "call", 100.0, 101.0, 30, 0.05, 0.02, 0.0),
    ]
    for i in range(40):
        s = rng.choice([100.0, 5000.0])
        iv_specs.append((f"iv-grid-{i:02d}", rng.choice(["call", "put"]), s,
                         round(s * rng.choice([0.7, 0.85, 0.95, 1.0, 1.05, 1.2, 1.4]), 2),
                         rng.choice([2, 7, 30, 91, 365, 730]), rng.choice([0.08, 0.15, 0.25, 0.5, 0.9]),
                         rng.choice([0.0, 0.02, 0.05]), rng.choice([0.0, 0.015, 0.06])))
    for cid, kind, s, k, d, vol, r, q in iv_specs:
        option, process = quantlib_option(kind, s, k, d, vol, r, q)
        price = option.NPV()
        # Keep only well-conditioned cases: a price rounding of 1 ulp must move the vol by < 1e-10
        # relative (deep ITM at 2 days, e.g., has a time value below the price's rounding).
        if price < 1e-6 or 2.3e-16 * price / (option.vega() * vol) > 1e-10:
            continue
        ql_iv = option.impliedVolatility(price, process, 1e-12, 10000, 1e-4, 5.0)
        flag = "c" if kind == "call" else "p"
        try:
            vl_iv = vollib_iv(price, s, k, d / 365.0, r, q, flag)
        except Exception:  # vollib raises for prices it considers out of range
            vl_iv = float("nan")
        iv_rows.append(dict(id=cid, type=kind, spot=s, strike=k, days=d, rate=r, dividend_yield=q,
                            price=price, outcome="ok", volatility=vol, quantlib_iv=ql_iv, vollib_iv=vl_iv))
    # "Cannot" cases: below the discounted forward intrinsic, at/above the upper bound, no time value.
    def bound_case(cid, kind, s, k, d, r, q, price, outcome):
        iv_rows.append(dict(id=cid, type=kind, spot=s, strike=k, days=d, rate=r, dividend_yield=q,
                            price=price, outcome=outcome, volatility=float("nan"),
                            quantlib_iv=float("nan"), vollib_iv=float("nan")))
    t = 91 / 365.0
    fwd = 100.0 * math.exp((0.05 - 0.0) * t)
    lower = math.exp(-0.05 * t) * (fwd - 80.0)
    bound_case("iv-below-intrinsic", "call", 100.0, 80.0, 91, 0.05, 0.0, lower - 0.01, "belowLowerBound")
    bound_case("iv-above-call-bound", "call", 100.0, 80.0, 91, 0.05, 0.0, 100.0, "aboveUpperBound")
    bound_case("iv-above-put-bound", "put", 100.0, 120.0, 91, 0.05, 0.0,
               120.0 * math.exp(-0.05 * t) + 0.01, "aboveUpperBound")
    bound_case("iv-zero-otm", "put", 100.0, 80.0, 91, 0.05, 0.0, 0.0, "noTimeValue")
    bound_case("iv-expiry", "call", 100.0, 90.0, 0, 0.05, 0.0, 10.0, "noTimeValue")
    with open(os.path.join(HERE, "options_implied_vol.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(iv_rows[0].keys()), lineterminator="\n")
        w.writeheader()
        for row in iv_rows:
            w.writerow({k: (fmt(v) if isinstance(v, float) else v) for k, v in row.items()})
    worst_ql = max(abs(r["quantlib_iv"] - r["volatility"]) / r["volatility"] for r in iv_rows if r["outcome"] == "ok")
    worst_vl = max(abs(r["vollib_iv"] - r["volatility"]) / r["volatility"] for r in iv_rows
                   if r["outcome"] == "ok" and not math.isnan(r["vollib_iv"]))
    print(f"options_implied_vol.csv: {len(iv_rows)} cases; worst relative vol error "
          f"QuantLib {worst_ql:.2e}, vollib {worst_vl:.2e}")
    print("QuantLib", ql.__version__)


if __name__ == "__main__":
    main()
