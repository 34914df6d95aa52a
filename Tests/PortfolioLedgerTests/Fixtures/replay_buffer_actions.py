"""Independent check of the buffer-actions hand check (ReplayBufferActionsHandCheckTests).

Black-Scholes-Merton with continuous dividend yield (scipy's normal CDF), the SPX tick (0.05 below
3.00, 0.10 from 3.00), and the sell_hedge arithmetic, on the real rows the replay reads:
  2021-01-05 SPX close 3726.86 (market/spx_daily_close_fred.csv), VIX close 25.34 (market/vix_daily_cboe.csv):
      the condor is sold, expiry 2021-02-02 16:00 New York = 28 days later;
  2021-01-14 SPX close 3795.54, VIX close 23.25: the condor is closed, 19 days before expiry;
  ETH/USD 1132.0155910164729 at the 2021-01-14 00:00 UTC snapshot (market/eth_usd_daily_coingecko.csv).
r = 0.001, q = 0.015; 2 contracts, fees 0.66 USD per leg per contract.

Rerun: python3 Tests/PortfolioLedgerTests/Fixtures/replay_buffer_actions.py
Measured with Python 3, scipy 1.17.1:
  open  2021-01-05: 29.5 35.3 37.2 31.9 (put 3515, put 3540, call 3915, call 3940)
  close 2021-01-14: 6.6 8.8 34.6 28.4
  opening cash 2214.72 USD, closing cash -1685.28 USD, proceeds 529.44 USD = 0.467696 ETH (rounded down to 1e-6)
"""
from decimal import ROUND_DOWN, Decimal
from math import exp, log, sqrt

from scipy.stats import norm

r, q = 0.001, 0.015


def bsm(kind, S, K, sigma, T):
    d1 = (log(S / K) + (r - q + sigma * sigma / 2) * T) / (sigma * sqrt(T))
    d2 = d1 - sigma * sqrt(T)
    if kind == "call":
        return S * exp(-q * T) * norm.cdf(d1) - K * exp(-r * T) * norm.cdf(d2)
    return K * exp(-r * T) * norm.cdf(-d2) - S * exp(-q * T) * norm.cdf(-d1)


def tick(price):
    step = 0.05 if price < 3 else 0.10
    return Decimal(str(round(round(price / step) * step, 2)))


legs = [("put", 3515, 2), ("put", 3540, -2), ("call", 3915, -2), ("call", 3940, 2)]
fees = Decimal("0.66") * 2 * 4
opening = [tick(bsm(k, 3726.86, K, 0.2534, 28 / 365)) for k, K, _ in legs]
closing = [tick(bsm(k, 3795.54, K, 0.2325, 19 / 365)) for k, K, _ in legs]
opening_cash = -sum(q_ * p * 100 for (_, _, q_), p in zip(legs, opening)) - fees
closing_cash = sum(q_ * p * 100 for (_, _, q_), p in zip(legs, closing)) - fees
proceeds = opening_cash + closing_cash
eth = (proceeds / Decimal("1132.0155910164729")).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
print("open ", *opening)
print("close", *closing)
print("opening cash", opening_cash, "closing cash", closing_cash, "proceeds", proceeds, "ETH", eth)
