#!/usr/bin/env python3
"""Independent reference values for IronCondor, computed with Python's `decimal`.

Run from this folder: `python3 condor_reference.py > condor_reference.json`.
The metrics use the closed forms of the options fact sheet §4 (credit, wider wing − credit,
K2 − credit / K3 + credit, a side without break-even when its width ≤ credit; reverse condor:
max loss = debit, max profit = wider width − debit), not the Swift code's kink scan; the P&L at
each settlement is Σ qty × multiplier × (payoff − premium), in USD to the cent (exact).
"""
import json
from decimal import Decimal as D

CASES = [
    # name, kind, strikes K1..K4, premiums per unit (P1, P2, C3, C4), contracts, multiplier
    ("equal-wings-credit", "credit", ("4900", "4950", "5050", "5100"), ("10.20", "18.35", "16.80", "9.45"), 1, 100),
    ("unequal-wings-one-breakeven", "credit", ("4700", "4850", "4950", "4955"), ("5.10", "45.30", "4.40", "2.00"), 2, 100),
    ("reverse-debit", "debit", ("5000", "5050", "5150", "5200"), ("12.15", "20.40", "18.05", "11.30"), 3, 100),
    ("unequal-wings-credit-5", "credit", ("4500", "4600", "4800", "4850"), ("3.35", "9.80", "7.65", "4.05"), 5, 100),
    ("credit-above-both-wings", "credit", ("4990", "4995", "5005", "5010"), ("1.00", "4.00", "4.50", "1.50"), 1, 100),
    ("credit-equals-wings", "credit", ("4900", "4910", "5090", "5100"), ("2", "7", "7", "2"), 4, 100),
    ("mini-multiplier-10", "credit", ("395.5", "400", "410", "415.25"), ("0.85", "2.10", "1.95", "0.40"), 7, 10),
]


def settlements(k):
    k1, k2, k3, k4 = k
    pts = {D(0), k1 - 50, k1, (k1 + k2) / 2, k2, (k2 + k3) / 2, k3, (k3 + k4) / 2, k4, k4 + 100,
           k1 + D("0.01"), k4 - D("0.01"), k2 - D("7.43"), k3 + D("3.17")}
    return sorted(p for p in pts if p >= 0)


def main():
    out = []
    for name, kind, ks, ps, n, mult in CASES:
        k = [D(x) for x in ks]
        p = [D(x) for x in ps]
        s = 1 if kind == "credit" else -1
        legs = [("put", k[0], s * n, p[0]), ("put", k[1], -s * n, p[1]),
                ("call", k[2], -s * n, p[2]), ("call", k[3], s * n, p[3])]
        # Net premium per unit for this position: received (> 0, credit) or paid (< 0, debit).
        credit = sum(-(1 if q > 0 else -1) * prem for _, _, q, prem in legs)
        w_put, w_call = k[1] - k[0], k[3] - k[2]
        scale = n * mult
        if kind == "credit":
            max_profit = credit * scale
            max_loss = -(max(w_put, w_call) - credit) * scale
            c = credit
        else:
            debit = -credit
            max_loss = -debit * scale
            max_profit = (max(w_put, w_call) - debit) * scale
            c = debit
        bes = []
        if c < w_put:
            bes.append(k[1] - c)
        if c < w_call:
            bes.append(k[2] + c)

        def pnl(st):
            total = D(0)
            for typ, strike, q, prem in legs:
                payoff = max(st - strike, D(0)) if typ == "call" else max(strike - st, D(0))
                total += q * mult * (payoff - prem)
            return total.quantize(D("0.01"))

        out.append({
            "name": name, "kind": kind, "multiplier": mult,
            "legs": [{"option_type": t, "strike": str(st), "quantity": q, "premium": str(pr)} for t, st, q, pr in legs],
            "net_credit": str((credit * scale).quantize(D("0.01"))),
            "max_profit": str(max_profit.quantize(D("0.01"))),
            "max_loss": str(max_loss.quantize(D("0.01"))),
            "break_evens": [str(b) for b in bes],
            "pnl": [{"settlement": str(st), "pnl": str(pnl(st))} for st in settlements(k)],
        })
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
