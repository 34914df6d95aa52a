#!/usr/bin/env python3
"""Expected time-weighted returns, money multiples, holding-period returns and borrowing-cost splits
of the returns scenario in Tests/PortfolioLedgerTests/Analytics/ReturnsFixtureTests.swift, computed
independently (pandas as-of lookups, plain Python arithmetic) from the scenario's own definition,
not from the Swift code. Writes ReturnsFixture.swift next to the test.

Rerun:   pip install pandas==3.1.1 numpy==2.4.6 && python3 Tests/PortfolioLedgerTests/Fixtures/gen_returns_fixture.py
Versions used: Python 3, pandas 3.1.1, numpy 2.4.6.

Scenario (day d = 2024-01-01T00:00Z + d days; observations daily at 00:00 for d = -2 … 90):
  floor(d)   = 50 + 0.25 d (d <= 45), 61.25 - 0.2 (d - 45) after      ETH
  ETHUSD(d)  = 2000 + 10 d                                           USD per ETH
  day 0 - 1 h   buy NFT 0 and NFT 1: 45 ETH + 0.5 ETH fees each
  day 0         loan 1 (fixed repayment, NFT 0): principal 20, received 19.8, repayment 20.328767
  day 10        loan 2 (simple pro-rata 30 %/yr on seconds / 31,536,000, NFT 1): principal 10, received 9.9
  day 20        loan 2 fee 0.05
  day 30        loan 1 repaid (interest 0.328767 + principal 20) and closed
  day 60.5      NFT 0 sold for 60 ETH, fees 0.6
  period        t0 = day -1, t1 = day 90 (loan 2 still open)
Definitions (docs/analytics.md §7): a layer's value V(t) = NFTs held x floor - debt of open loans
(x ETHUSD in USD); sub-periods split at each flow instant of the layer; capital at a sub-period's start
= V(flow instant - 1 s) - sum of the layer's flows at that instant; end = V(next flow instant - 1 s)
or V(t1), where "V(t - 1 s)" is what was held and owed one second before the flows, priced and
accrued at t (so a price observed exactly at the flow instant moves the sub-period that ends there,
and a repayment in full leaves exactly no capital); r = (end - start) / |start|; TWR = prod(1 + r) - 1; annualized over Act/365F years from
the first to the last sub-period with capital (a loan repaid on day 30 is annualized over its life). Money multiple = (distributions + max(V1, 0) + max(-V0, 0)) /
(contributions + max(V0, 0) + max(-V1, 0)), flows gross per journal entry.
Tolerance in the test: 1e-9 relative (the same arithmetic in doubles; loan 2's debt is rounded to
18 decimals by the library, ~1e-18 ETH).
"""
from pathlib import Path
import pandas as pd

DAY, YEAR = 86_400, 31_536_000
START = 1_704_067_200


def day(d):
    return START + int(round(d * DAY))


days = list(range(-2, 91))
floor = pd.DataFrame({"t": [day(d) for d in days],
                      "v": [50 + 0.25 * d if d <= 45 else 61.25 - 0.2 * (d - 45) for d in days]})
ethusd = pd.DataFrame({"t": [day(d) for d in days], "v": [2000.0 + 10 * d for d in days]})


def asof(series, t):
    """Latest observation at or before t (pandas merge_asof, backward)."""
    hit = pd.merge_asof(pd.DataFrame({"t": [t]}), series, on="t", direction="backward")
    value = hit["v"].iloc[0]
    assert pd.notna(value), f"no observation at or before {t}"
    return float(value)


def rate(t, numeraire):
    return asof(ethusd, t) if numeraire == "USD" else 1.0


BUY, SALE = day(0) - 3_600, day(60.5)
L1_START, L1_END, L1_M = day(0), day(30), 20.328767
L2_START = day(10)
T0, T1 = day(-1), day(90)

# Journal entries: (instant, layer, loan, ETH amount from the investor's side)
entries = [
    (BUY, "nft", None, -45.0), (BUY, "nft", None, -0.5), (BUY, "nft", None, -45.0), (BUY, "nft", None, -0.5),
    (L1_START, "loan", 1, 19.8),
    (L2_START, "loan", 2, 9.9),
    (day(20), "loan", 2, -0.05),
    (L1_END, "loan", 1, -0.328767), (L1_END, "loan", 1, -20.0),
    (SALE, "nft", None, 60.0), (SALE, "nft", None, -0.6),
]


def debt(loan, t, accrued_to=None):
    """Debt of a loan open at t, with interest accrued to accrued_to (default t)."""
    a = t if accrued_to is None else accrued_to
    if loan == 1:
        return L1_M if L1_START <= t < L1_END else 0.0
    return 10 + 10 * 0.30 * (a - L2_START) / YEAR if t >= L2_START else 0.0


def value(slice_, t, numeraire, prices_at=None):
    """Holdings and debts as they stood at t, priced at prices_at (default t)."""
    p = t if prices_at is None else prices_at
    nfts = (2 if BUY <= t < SALE else 1 if t >= SALE else 0) * asof(floor, p) if "nft" in slice_ else 0.0
    loans = [l for l in (1, 2) if ("loan" in slice_ or l in slice_)]
    return (nfts - sum(debt(l, t, p) for l in loans)) * rate(p, numeraire)


def member(slice_, entry):
    _, layer, loan, _ = entry
    return layer in slice_ or (loan is not None and loan in slice_)


def returns(slice_, numeraire):
    own = [(t, a * rate(t, numeraire)) for (t, layer, loan, a) in entries if member(slice_, (t, layer, loan, a)) and T0 < t <= T1]
    v0, v1 = value(slice_, T0, numeraire), value(slice_, T1, numeraire)
    # Money multiple, gross.
    contributions = max(v0, 0) + max(-v1, 0) + sum(-a for _, a in own if a < 0)
    distributions = max(v1, 0) + max(-v0, 0) + sum(a for _, a in own if a > 0)
    # TWR.
    net = pd.DataFrame(own, columns=["t", "a"]).groupby("t")["a"].sum().sort_index()
    periods = []
    open_ = (T0, v0) if v0 != 0 else None
    for t, a in net.items():
        before = value(slice_, t - 1, numeraire, prices_at=t)
        if open_ and open_[0] < t:
            periods.append((open_[0], t, open_[1], before))
        open_ = (t, before - a)
    if open_ and open_[0] < T1:
        periods.append((open_[0], T1, open_[1], v1))
    scale = max(max(abs(p[2]), abs(p[3])) for p in periods)
    growth, first, last = 1.0, None, None
    for s, e, cap, end in periods:
        if abs(cap) <= 1e-9 * scale and abs(end) <= 1e-9 * scale:
            continue
        first = s if first is None else first
        last = e
        growth *= 1 + (end - cap) / abs(cap)
    years = (last - first) / YEAR
    return {"twr": growth - 1, "twr_annualized": growth ** (1 / years) - 1, "years": years,
            "multiple": distributions / contributions, "hpr": distributions / contributions - 1,
            "contributions": contributions, "distributions": distributions, "gain": sum(a for _, a in own) + v1 - v0}


def cost_split(loan, numeraire):
    if loan == 1:
        start, end, received, origination = L1_START, L1_END, 19.8, 0.2
        interest = 0.328767 * rate(L1_END, numeraire)
        fees = origination * rate(start, numeraire)
        cost = 20.328767 * rate(L1_END, numeraire) - received * rate(start, numeraire)
    else:
        start, end, received, origination = L2_START, T1, 9.9, 0.1
        accrued = debt(2, T1) - 10
        interest = accrued * rate(T1, numeraire)
        fees = origination * rate(start, numeraire) + 0.05 * rate(day(20), numeraire)
        cost = 0.05 * rate(day(20), numeraire) + debt(2, T1) * rate(T1, numeraire) - received * rate(start, numeraire)
    received_n = received * rate(start, numeraire)
    apr = lambda part: part / received_n * YEAR / (end - start)
    currency = cost - interest - fees
    return {"cost": cost, "interest": interest, "fees": fees, "currency": currency,
            "apr": apr(cost), "interest_apr": apr(interest), "fees_apr": apr(fees), "currency_apr": apr(currency)}


slices = {"total": ("nft", "loan"), "nftAlone": ("nft",), "loan1": (1,), "loan2": (2,)}
lines = []
for numeraire in ("USD", "ETH"):
    for name, s in slices.items():
        r = returns(s, numeraire)
        lines.append(f'        "{numeraire} {name}": .init(' + ", ".join(f"{k}: {v!r}" for k, v in r.items() if k != "gain") + f", gain: {r['gain']!r}),")
cost_lines = []
for loan in (1, 2):
    c = cost_split(loan, "USD")
    cost_lines.append(f"        {loan}: .init(" + ", ".join(f"{k}: {v!r}" for k, v in c.items()) + "),")

out = Path(__file__).resolve().parent.parent / "Analytics/ReturnsFixture.swift"
out.write_text(f"""// Generated by Tests/PortfolioLedgerTests/Fixtures/gen_returns_fixture.py (pandas {pd.__version__}) — do not edit.
enum ReturnsFixture {{
    struct Layer {{
        var twr, twr_annualized, years, multiple, hpr, contributions, distributions, gain: Double
    }}
    struct Cost {{
        var cost, interest, fees, currency, apr, interest_apr, fees_apr, currency_apr: Double
    }}
    /// "<numeraire> <layer>" → expected figures over day -1 … day 90.
    static let layers: [String: Layer] = [
{chr(10).join(lines)}
    ]
    /// Loan number (1, 2) → expected USD cost split at day 90.
    static let costs: [Int: Cost] = [
{chr(10).join(cost_lines)}
    ]
}}
""")
print(out.read_text())
