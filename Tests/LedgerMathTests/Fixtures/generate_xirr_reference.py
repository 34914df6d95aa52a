#!/usr/bin/env python3
"""Reference values for LedgerMath's XIRR.

Oracle: pyxirr (Rust; Act/365F, t0 = earliest date). Each pyxirr root is then polished to
40 digits with mpmath on the same equation, Σ P_i·(1+r)^(−(d_i−d_0)/365) = 0, because pyxirr's
absolute tolerance (|XNPV| < 1e-9 currency units) leaves ~1e-8 errors for tiny amounts. The NPV
profile is also scanned (in u = ln(1+r), u ∈ [−40, 12]) to list every root, so multiple-root
and no-root cases are known independently of any solver's choice. Equally spaced cases are
cross-checked with numpy-financial's irr (annualised as (1+irr)^(365/Δdays) − 1).
`spreadsheet_rate` is what a spreadsheet's Newton iteration from 0.1 (LibreOffice's getXirr
loop: 50 steps, stop on |Δr| ≤ 1e-10 and |f| ≤ 1e-10 relative) converges to, or null.

Writes xirr_reference.json next to this script. Regenerate:
  pip install pyxirr numpy-financial mpmath numpy
  python3 Tests/LedgerMathTests/Fixtures/generate_xirr_reference.py
"""
import datetime as dt
import json
import math
import os
import random

import mpmath as mp
import numpy as np
import numpy_financial as npf
import pyxirr

HERE = os.path.dirname(os.path.abspath(__file__))
mp.mp.dps = 40
D0 = dt.date(2020, 1, 1)


def day(offset):
    return D0 + dt.timedelta(days=offset)


def years(dates):
    first = min(dates)
    return [mp.mpf((d - first).days) / 365 for d in dates]


def f_u(u, t, a):
    """XNPV at r = e^u − 1 (40 digits)."""
    return mp.fsum(ai * mp.exp(-ti * u) for ti, ai in zip(t, a))


def all_roots(dates, amounts):
    """Every sign change of XNPV on a fine u-grid, polished; rates sorted ascending."""
    t = [float(x) for x in years(dates)]
    tmax = max(t)
    a = np.array(amounts, dtype=float)
    us = np.arange(-40.0, 12.0, 0.0005)
    tt = np.array(t)
    # Same rescaling as the Swift code (sign-preserving, overflow-free).
    shift = np.where(us < 0, tmax, 0.0)
    vals = np.array([np.sum(a * np.exp((s - tt) * u)) for u, s in zip(us, shift)]) if len(t) < 200 else None
    if vals is None:  # large cases: evaluate in chunks on a coarser grid (single-sign-change anyway)
        us = np.arange(-40.0, 12.0, 0.01)
        shift = np.where(us < 0, tmax, 0.0)
        vals = np.array([np.sum(a * np.exp((s - tt) * u)) for u, s in zip(us, shift)])
    roots = []
    tm = years(dates)
    am = [mp.mpf(x) for x in amounts]
    for i in range(len(us) - 1):
        if vals[i] == 0 or (vals[i] > 0) != (vals[i + 1] > 0):
            u = mp.findroot(lambda x: f_u(x, tm, am), (mp.mpf(us[i]), mp.mpf(us[i + 1])), solver="anderson")
            roots.append(float(mp.expm1(u)))
    return sorted(set(roots))


def polish(rate, dates, amounts):
    t = years(dates)
    a = [mp.mpf(x) for x in amounts]
    u = mp.findroot(lambda x: f_u(x, t, a), mp.log1p(mp.mpf(rate)))
    return float(mp.expm1(u))


def spreadsheet_newton(dates, amounts, guess=0.1):
    """LibreOffice getXirr's Newton loop (without its rescan), in floating point, t0 = earliest."""
    t = [float(x) for x in years(dates)]
    r = guess
    for _ in range(50):
        try:
            f = sum(a * (1 + r) ** -ti for a, ti in zip(amounts, t))
            fp = sum(-ti * a * (1 + r) ** (-ti - 1) for a, ti in zip(amounts, t))
            nr = r - f / fp
        except (ZeroDivisionError, OverflowError, ValueError):
            return None
        if isinstance(nr, complex) or not math.isfinite(nr) or nr <= -1:
            return None
        scale = sum(abs(a) for a in amounts)
        if abs(nr - r) <= 1e-10 * max(1, abs(nr)) and abs(f) <= 1e-10 * scale:
            return nr
        r = nr
    return None


def sign_changes(dates, amounts):
    net = {}
    for d, a in zip(dates, amounts):
        net[d] = net.get(d, 0.0) + a
    seq = [net[d] for d in sorted(net) if net[d] != 0]
    return sum(1 for x, y in zip(seq, seq[1:]) if (x > 0) != (y > 0))


CASES = []


def case(cid, description, dates, amounts, periodic_days=None):
    CASES.append((cid, description, dates, amounts, periodic_days))


def build_cases():
    # Excel's documentation example (XIRR = 0.373362535).
    case("excel-doc", "Excel XIRR help example",
         [dt.date(2008, 1, 1), dt.date(2008, 3, 1), dt.date(2008, 10, 30), dt.date(2009, 2, 15), dt.date(2009, 4, 1)],
         [-10000, 2750, 4250, 3250, 2750])
    case("pp-excel", "Portfolio Performance IRRTest: -200 -> 210 over 2010",
         [dt.date(2010, 1, 1), dt.date(2010, 12, 31)], [-200, 210])
    case("two-double", "doubling in 365 days", [day(0), day(365)], [-100, 200])
    case("two-loss", "half lost in two years", [day(0), day(730)], [-100, 50])
    case("two-reversed", "receive first, pay later (loan view)", [day(0), day(400)], [1000, -1100])
    rng = random.Random(42)
    for i in range(14):
        n = rng.randint(3, 30)
        offsets = sorted(rng.sample(range(1, 3650), n - 1))
        amounts = [-rng.uniform(500, 50000)] + [rng.uniform(-0.3, 1.0) * rng.uniform(10, 5000) for _ in offsets]
        amounts[-1] = abs(amounts[-1]) + rng.uniform(0, 60000)
        case(f"random-{i:02d}", "seeded conventional portfolio", [day(0)] + [day(o) for o in offsets],
             [round(x, 2) for x in amounts])
    # Near −100 %.
    case("near-minus-100-a", "almost everything lost in a year", [day(0), day(365)], [-1000, 0.001])
    case("near-minus-100-b", "several flows, nearly total loss",
         [day(0), day(30), day(200), day(700)], [-1000, -500, 0.5, 0.02])
    case("near-minus-100-c", "-99.99 % over 3 years", [day(0), day(100), day(1095)], [-100, -100, 0.0001])
    case("near-minus-100-d", "deep loss with a small interim payout",
         [day(0), day(10), day(20), day(365 * 2)], [-5000, 1, 1, 0.5])
    # Far above +1000 %.
    case("huge-a", "x50 in 30 days", [day(0), day(30)], [-100, 5000])
    case("huge-b", "fast double flip", [day(0), day(10), day(60)], [-100, 50, 2000])
    case("huge-c", "x10 in a quarter, several flows", [day(0), day(20), day(45), day(91)], [-1000, -500, 200, 15000])
    case("huge-d", "x3 in a week", [day(0), day(3), day(7)], [-100, 10, 300])
    # Unsorted input (first listed date is not the earliest).
    base_d = [day(0), day(90), day(180), day(400), day(800)]
    base_a = [-1000, 100, -200, 300, 1100]
    order = [3, 0, 4, 2, 1]
    case("unsorted-a", "shuffled dates", [base_d[i] for i in order], [base_a[i] for i in order])
    case("unsorted-b", "latest date listed first",
         [day(900), day(0), day(300), day(600)], [1500, -1000, -100, 50])
    # Same-day flows.
    case("same-day-a", "two buys on the first day", [day(0), day(0), day(200), day(500)], [-600, -400, 100, 1050])
    case("same-day-b", "buy and partial sale on one day", [day(0), day(100), day(100), day(365)],
         [-1000, -200, 150, 1200])
    case("same-day-c", "same-day flows netting to zero, earliest day",
         [day(0), day(0), day(10), day(375)], [-50, 50, -1000, 1100])
    case("same-day-none", "everything on one day", [day(5), day(5)], [-100, 110])
    # Scale: tiny and huge amounts (the rate must not depend on the unit).
    case("tiny-amounts", "amounts around 1e-3", [day(0), day(100), day(365), day(800)], [-1e-3, 2e-4, 3e-4, 8e-4])
    case("very-tiny-amounts", "amounts around 1e-12", [day(0), day(100), day(365), day(800)],
         [-1e-12, 2e-13, 3e-13, 8e-13])
    case("huge-amounts", "amounts around 1e12", [day(0), day(100), day(365), day(800)], [-1e12, 2e11, 3e11, 8e11])
    case("wei-amounts", "amounts in wei (1e18 scale)", [day(0), day(200), day(420)], [-3e18, 1e17, 3.3e18])
    # Equally spaced (cross-checked with numpy-financial).
    case("periodic-annual", "annual flows, 365-day spacing", [day(365 * i) for i in range(6)],
         [-1000, 100, 200, 300, 400, 500], periodic_days=365)
    case("periodic-monthly", "30-day spacing", [day(30 * i) for i in range(13)],
         [-1200] + [105] * 12, periodic_days=30)
    case("periodic-quarterly-loss", "91-day spacing, loss", [day(91 * i) for i in range(9)],
         [-10000] + [900] * 8, periodic_days=91)
    case("periodic-weekly", "7-day spacing", [day(7 * i) for i in range(53)],
         [-5000] + [100] * 52, periodic_days=7)
    # Multiple sign changes with one root, and with several roots.
    case("multi-sign-one-root", "deposits and withdrawals, one root",
         [day(0), day(100), day(200), day(300), day(500)], [-1000, 200, -300, 150, 1200])
    case("two-roots-10-20", "-100, +230, -132 annually: roots near 10 % and 20 %",
         [day(0), day(365), day(730)], [-100, 230, -132], periodic_days=365)
    case("two-roots-mine", "mine-closing cash flow: roots near 6 % and 26 %",
         [day(0), day(365), day(730)], [-1600, 10000, -10000], periodic_days=365)
    case("three-roots", "roots near 0 %, 50 % and 100 % (x=1,1.5,2 of a cubic)",
         [day(0), day(365), day(730), day(1095)], [-1, 4.5, -6.5, 3], periodic_days=365)
    case("two-roots-negative", "both roots negative",
         [day(0), day(365), day(730)], [-100, 170, -72.24], periodic_days=365)
    # No solution.
    case("no-sign-positive", "all positive", [day(0), day(100), day(200)], [100, 200, 300])
    case("no-sign-negative", "all negative", [day(0), day(100), day(200)], [-100, -200, -300])
    case("no-root-sign-changes", "-100, +250, -160: changes sign but XNPV < 0 everywhere",
         [day(0), day(365), day(730)], [-100, 250, -160], periodic_days=365)
    case("no-root-2", "+100, -250, +170: XNPV > 0 everywhere", [day(0), day(365), day(730)], [100, -250, 170])
    case("zeros-and-one-sign", "zeros do not count as a sign", [day(0), day(50), day(90)], [0, 0, 100])
    case("netted-to-one-sign", "same-day netting leaves one sign", [day(0), day(0), day(100)], [-100, 150, 20])
    # Long histories (pseudo-random with a fixed seed; flows stored in the fixture).
    rng = random.Random(2024)
    offsets = sorted(rng.sample(range(1, 3650), 1199))
    amounts = [-50000.0] + [round(rng.uniform(-100, 160), 2) for _ in offsets]
    amounts[-1] = 60000.0
    case("long-1200", "1,200 flows over 10 years", [day(0)] + [day(o) for o in offsets], amounts)
    offs = list(range(0, 3000))
    amts = [-100000.0] + [round(rng.uniform(-40, 80), 2) for _ in range(2998)] + [120000.0]
    perm = list(range(3000))
    rng.shuffle(perm)
    case("long-3000-unsorted", "3,000 daily flows, shuffled",
         [day(offs[i]) for i in perm], [amts[i] for i in perm])
    offs = sorted(rng.choices(range(0, 2000), k=2500))
    amts = [round(rng.uniform(-500, 400), 2) for _ in offs]
    amts[0] = -20000.0
    amts[-1] = 30000.0
    case("long-2500-same-days", "2,500 flows on ~1,400 distinct days", [day(o) for o in offs], amts)


def main():
    build_cases()
    out = []
    for cid, description, dates, amounts, periodic in CASES:
        amounts = [float(a) for a in amounts]
        try:
            py = pyxirr.xirr(dates, amounts, silent=True)
            if py is not None and not math.isfinite(py):
                print(cid, "pyxirr returned", py)
                py = None
        except Exception as e:  # noqa: BLE001
            py = None
            print(cid, "pyxirr raised", type(e).__name__)
        roots = all_roots(dates, amounts)
        sc = sign_changes(dates, amounts)
        entry = dict(id=cid, description=description,
                     dates=[d.isoformat() for d in dates], amounts=amounts,
                     sign_changes=sc, pyxirr=py, roots=roots)
        if py is not None:
            entry["rate"] = polish(py, dates, amounts)
            assert any(abs(entry["rate"] - r) <= 1e-9 * max(1, abs(r)) for r in roots) or not roots or \
                len(set(dates)) == 2, (cid, entry["rate"], roots)
            entry["expected"] = "ok"
        elif roots:
            # pyxirr found none but a root exists: keep the one nearest 10 %.
            entry["rate"] = min(roots, key=lambda r: abs(math.log1p(r) - math.log1p(0.1)))
            entry["expected"] = "ok"
            print(cid, "pyxirr gave no root; scan found", roots)
        else:
            entry["rate"] = None
            entry["expected"] = "noSolution"
        entry["spreadsheet_rate"] = spreadsheet_newton(dates, amounts) if sc > 0 else None
        if periodic:
            irr = npf.irr(amounts)
            entry["numpy_financial"] = None if math.isnan(irr) else (1 + irr) ** (365 / periodic) - 1
            if entry["numpy_financial"] is not None and sc == 1:
                assert abs(entry["numpy_financial"] - entry["rate"]) < 1e-9, (cid, entry)
        out.append(entry)
    with open(os.path.join(HERE, "xirr_reference.json"), "w") as fh:
        json.dump(dict(generator="generate_xirr_reference.py", pyxirr=pyxirr.__version__ if hasattr(pyxirr, "__version__") else "0.10.8",
                       numpy_financial=npf.__version__, mpmath=mp.__version__, cases=out), fh, indent=1)
        fh.write("\n")
    n_ok = sum(1 for e in out if e["expected"] == "ok")
    gaps = [abs(e["pyxirr"] - e["rate"]) / max(1, abs(e["rate"])) for e in out
            if e.get("pyxirr") is not None and e["rate"] is not None and e["id"] != "very-tiny-amounts"]
    print(f"xirr_reference.json: {len(out)} cases ({n_ok} with a root, {len(out) - n_ok} without); "
          f"max |pyxirr − polished|/max(1,|rate|) = {max(gaps):.2e} (very-tiny-amounts excluded: pyxirr "
          f"returns its 0.1 start there, its absolute tolerance being met at once)")


if __name__ == "__main__":
    main()
