"""Independent check of the hand-checked replay's condor premiums (ReplayHandCheckTests).

Black-Scholes-Merton with continuous dividend yield, scipy's normal CDF, then the SPX tick
(0.05 below 3.00, 0.10 from 3.00). Inputs are the real rows the replay reads:
SPX close 2021-01-13 = 3809.84 (market/spx_daily_close_fred.csv), VIX close 2021-01-13 = 22.21
(market/vix_daily_cboe.csv); expiry 2021-02-10 16:00 New York = 28 days later; r = 0.001, q = 0.015.

Rerun: python3 Tests/PortfolioLedgerTests/Fixtures/replay_condor_premiums.py
Measured with Python 3, scipy 1.17.1: 21.8 26.8 28.4 23.7 (put 3595, put 3620, call 4000, call 4025).
"""
from math import exp, log, sqrt

from scipy.stats import norm

S, sigma, r, q, T = 3809.84, 0.2221, 0.001, 0.015, 28 / 365


def bsm(kind, K):
    d1 = (log(S / K) + (r - q + sigma * sigma / 2) * T) / (sigma * sqrt(T))
    d2 = d1 - sigma * sqrt(T)
    if kind == "call":
        return S * exp(-q * T) * norm.cdf(d1) - K * exp(-r * T) * norm.cdf(d2)
    return K * exp(-r * T) * norm.cdf(-d2) - S * exp(-q * T) * norm.cdf(-d1)


def tick(price):
    step = 0.05 if price < 3 else 0.10
    return round(round(price / step) * step, 2)


for kind, K in [("put", 3595), ("put", 3620), ("call", 4000), ("call", 4025)]:
    p = bsm(kind, K)
    print(kind, K, f"{p:.6f}", tick(p))


# Short strikes by delta (hedge.shortDelta = 0.16): walking out from the strike nearest spot on the
# 5-point grid, the first put with delta >= -0.16 and the first call with delta <= 0.16.
# Measured: put 3585 (delta −0.1580), call 4055 (delta 0.1584).
def delta(kind, K):
    d1 = (log(S / K) + (r - q + sigma * sigma / 2) * T) / (sigma * sqrt(T))
    return exp(-q * T) * (norm.cdf(d1) if kind == "call" else norm.cdf(d1) - 1)


put = call = round(S / 5) * 5
while delta("put", put) < -0.16:
    put -= 5
while delta("call", call) > 0.16:
    call += 5
print("delta 0.16 strikes:", put, call, f"{delta('put', put):.4f}", f"{delta('call', call):.4f}")
