#!/usr/bin/env python3
"""Writes the input of the "realistic book" golden test from the real data in ../shared/data/real.

Output, beside this script:
  book.jsonl     the book, imported first through the CLI as a JSON Lines journal (docs/import.md);
  prices/*.csv   the real ETH/USD, SPX, VIX and CryptoPunks daily files, cut to 2020-12-01 … 2021-04-30
                 (header and rows verbatim), imported next through the CLI with the import presets
                 into the series the journal declares.

The book (a CryptoPunks holder who borrows and hedges, Jan–Apr 2021; reports run at 2021-04-05T23:59:59Z):
  * four real CryptoPunks purchases of 2021-01-08 (punksmarket sales, exact wei prices) and the real
    resale of punk 1640 on 2021-02-09 by the same buyer wallet (0x0dc533…), a 25 ETH deposit and a
    balance assertion;
  * four loans of four interest models: NFTfi fixed repayment (repaid and closed: a settled loan, with
    an origination fee), BendDAO-style Aave index with a rate change and a partial repayment (open),
    Blend continuous compounding (open), Arcade v4 simple pro-rata capped at maturity (open);
  * corrected entries: a loan fee typed as 0.05 superseded by 0.005, a withdrawal voided;
  * two SPX iron condors: March 2021 (AM-settled, settled at the expiry day's SPX close, as the demo
    does: the special opening quotation is not in the data) and SPXW 2021-04-30 (open at report time);
    premiums are Black–Scholes values at VIX/100 (r = 0.1 %, q = 1.5 %, the demo's stated assumptions)
    rounded to the SPX tick, and each SPX close until expiry (or the report date) adds one model quote
    per leg (implied vol = that day's VIX close, underlying = that day's SPX close);
  * buffer targets (portfolio and the BendDAO loan) and the daily CryptoPunks sales summaries.

The BendDAO loan's repayment is split with the interest the contract arithmetic accrues
(Tests/LedgerMathTests/Fixtures/interest_contract_port.py), so the ledger's own replay must agree.

Python 3.8+, standard library only; deterministic. Rerun from the package root:

    python3 Tests/CLITests/GoldenInputs/realistic-book/make_realistic_book.py [OUTPUT_DIR]

OUTPUT_DIR defaults to this script's folder (GoldenInputTests writes elsewhere and compares).
"""
import csv
import json
import math
import os
import sys
from datetime import datetime, timedelta, timezone

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.abspath(os.path.join(SCRIPT_DIR, "..", "..", "..", ".."))
HERE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else SCRIPT_DIR
REAL = os.path.join(PACKAGE, "..", "shared", "data", "real")
sys.path.insert(0, os.path.join(PACKAGE, "Tests", "LedgerMathTests", "Fixtures"))
import interest_contract_port as port  # noqa: E402

PUNKS = "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb"
FIRST_DAY, LAST_DAY = "2020-12-01", "2021-04-30"
REPORT_DAY = "2021-04-05"
RATE, DIVIDEND_YIELD = 0.001, 0.015


def read_rows(relative):
    path = os.path.join(REAL, relative)
    if not os.path.exists(path):
        sys.exit(f"missing real data file {path} (the shared folder must be at ../shared from the package root)")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_slice(relative, name):
    """Copies the header and the rows dated FIRST_DAY … LAST_DAY verbatim."""
    path = os.path.join(REAL, relative)
    with open(path) as f:
        lines = f.read().splitlines()
    kept = [line for line in lines[1:] if FIRST_DAY <= line[:10] <= LAST_DAY]
    os.makedirs(os.path.join(HERE, "prices"), exist_ok=True)
    with open(os.path.join(HERE, "prices", name), "w") as f:
        f.write("\n".join([lines[0]] + kept) + "\n")


def new_york_close(day):
    """16:00 America/New_York as UTC: EDT from the second Sunday of March 2021 (03-14), EST before."""
    hour = 20 if day >= "2021-03-14" else 21
    return f"{day}T{hour}:00:00Z"


def norm_cdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def black_scholes(kind, spot, strike, vol, years):
    d1 = (math.log(spot / strike) + (RATE - DIVIDEND_YIELD + vol * vol / 2) * years) / (vol * math.sqrt(years))
    d2 = d1 - vol * math.sqrt(years)
    if kind == "call":
        return spot * math.exp(-DIVIDEND_YIELD * years) * norm_cdf(d1) - strike * math.exp(-RATE * years) * norm_cdf(d2)
    return strike * math.exp(-RATE * years) * norm_cdf(-d2) - spot * math.exp(-DIVIDEND_YIELD * years) * norm_cdf(-d1)


def tick(price):
    """SPX tick: 0.05 below 3.00, 0.10 from 3.00; canonical decimal text."""
    step = 0.05 if price < 3 else 0.10
    return decimal_text(f"{round(price / step) * step:.2f}")


def decimal_text(text):
    return text.rstrip("0").rstrip(".") if "." in text else text


def instant(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def seconds_between(a, b):
    return int((instant(b) - instant(a)).total_seconds())


def nft(token):
    return {"chain": "ethereum", "contract_address": PUNKS, "token_id": token}


def loan_ref(protocol, ref):
    return {"protocol": protocol, "external_ref": ref}


def condor(lines, name, root, expiry_day, expiry_instant, entry_day, strikes, protects, spx, vix, settle):
    entry = new_york_close(entry_day)
    years = seconds_between(entry, expiry_instant) / (365 * 86_400)
    spot, vol = spx[entry_day], vix[entry_day] / 100
    lines.append({"type": "hedge", "name": name, "strategy": "iron_condor", "opened_at": entry, "protects": protects})
    legs = [("put", strikes[0], 1), ("put", strikes[1], -1), ("call", strikes[2], -1), ("call", strikes[3], 1)]
    for kind, strike, quantity in legs:
        premium = tick(black_scholes(kind, spot, float(strike), vol, years))
        lines.append({"type": "option_trade", "hedge": name, "root": root, "option_type": kind, "strike": strike,
                      "expires_at": expiry_day, "traded_at": entry, "quantity": quantity, "price": premium, "fees": "1.32"})
    last_quote_day = min(REPORT_DAY, (instant(expiry_instant) - timedelta(days=1)).strftime("%Y-%m-%d"))
    for day in sorted(d for d in spx if entry_day <= d <= last_quote_day):
        for kind, strike, _ in legs:
            lines.append({"type": "quote", "root": root, "option_type": kind, "strike": strike, "expires_at": expiry_day,
                          "quoted_at": new_york_close(day), "implied_vol": vix[day] / 100, "underlying": spx[day]})
    if settle:
        for kind, strike, _ in legs:
            lines.append({"type": "settlement", "root": root, "option_type": kind, "strike": strike, "expires_at": expiry_day,
                          "settlement_value": decimal_text(f"{spx[expiry_day]:.2f}"), "settled_at": new_york_close(expiry_day)})


def main():
    write_slice("market/eth_usd_daily_coingecko.csv", "eth_usd_daily_coingecko.csv")
    write_slice("market/spx_daily_close_fred.csv", "spx_daily_close_fred.csv")
    write_slice("market/vix_daily_cboe.csv", "vix_daily_cboe.csv")
    write_slice("nft/cryptopunks_daily_punksmarket.csv", "cryptopunks_daily_punksmarket.csv")
    spx = {r["date"]: float(r["close_index_points"]) for r in read_rows("market/spx_daily_close_fred.csv")}
    vix = {r["date"]: float(r["close_vol_pct"]) for r in read_rows("market/vix_daily_cboe.csv")}
    sales = read_rows("nft/cryptopunks_sales_punksmarket.csv")

    def sale(punk, at):
        row = next(r for r in sales if r["punk_id"] == punk and r["timestamp_utc"] == at)
        return port.decimal_text(int(row["price_wei"])), row["tx_hash"]

    # The series the price files fill are declared here, so every entity is booked by this one import
    # (one recorded_at) and the price imports after it only add observations: the export's order
    # cannot depend on how many wall-clock seconds the imports took.
    lines = [{"type": "collection", "chain": "ethereum", "contract_address": PUNKS, "name": "CryptoPunks"},
             {"type": "price_series", "name": "ETH/USD", "kind": "fx", "base": "ETH", "quote": "USD"},
             {"type": "price_series", "name": "SPX", "kind": "index"},
             {"type": "price_series", "name": "VIX", "kind": "index"},
             {"type": "price_series", "name": "CryptoPunks floor (median sale)", "kind": "floor", "quote": "ETH",
              "collection": {"chain": "ethereum", "contract_address": PUNKS}},
             {"type": "external_flow", "kind": "deposit", "flowed_at": "2021-01-07T12:00:00Z", "currency": "ETH", "amount": "25",
              "note": "funds for the purchases"},
             {"type": "external_flow", "ref": "wrong-withdrawal", "kind": "withdrawal", "flowed_at": "2021-01-08T12:00:00Z",
              "currency": "ETH", "amount": "1", "note": "booked from another wallet's statement"}]
    purchases = [("1640", "2021-01-08T18:13:18Z"), ("6129", "2021-01-08T04:45:13Z"),
                 ("8743", "2021-01-08T05:34:31Z"), ("4998", "2021-01-08T00:21:28Z")]
    for punk, at in purchases:
        price, tx = sale(punk, at)
        lines.append({"type": "nft", **nft(punk)})
        lines.append({"type": "nft_trade", **nft(punk), "side": "acquire", "traded_at": at, "currency": "ETH", "price": price,
                      "fees": "0", "note": f"real sale, tx {tx}"})
    lines.append({"type": "correction", "action": "void", "entry": {"ref": "wrong-withdrawal"}, "reason": "not this wallet"})
    # 25 deposited − 22.27 paid for the four punks (the voided withdrawal does not count).
    lines.append({"type": "balance_assertion", "asserted_at": "2021-01-09T00:00:00Z", "currency": "ETH", "amount": "2.73"})

    # NFTfi fixed repayment: 3 ETH for 30 days at 30 % (M truncated to the wei), 1 % origination fee; repaid early.
    p, term = port.units("3"), 30 * 86_400
    repayment = p + p * 3000 * term // (port.BPS * port.YEAR)
    lines.append({"type": "loan", "protocol": "nftfi", "external_ref": "nftfi-1640", "currency": "ETH", "principal": "3",
                  "amount_received": "2.97", "started_at": "2021-01-10T00:00:00Z", "maturity_at": "2021-02-09T00:00:00Z",
                  "terms": {"model": "fixed_repayment", "repayment": port.decimal_text(repayment)}, "collateral": [nft("1640")]})
    lines.append({"type": "loan_event", "ref": "fee-typo", "loan": loan_ref("nftfi", "nftfi-1640"), "event_kind": "fee",
                  "occurred_at": "2021-01-10T00:00:00Z", "fee": "0.05", "note": "gas"})
    lines.append({"type": "loan_event", "ref": "fee", "loan": loan_ref("nftfi", "nftfi-1640"), "event_kind": "fee",
                  "occurred_at": "2021-01-10T00:00:00Z", "fee": "0.005", "note": "gas"})
    lines.append({"type": "correction", "action": "supersede", "entry": {"ref": "fee-typo"}, "replacement": {"ref": "fee"},
                  "reason": "gas fee typed with an extra zero"})
    lines.append({"type": "loan_event", "loan": loan_ref("nftfi", "nftfi-1640"), "event_kind": "repay",
                  "occurred_at": "2021-02-05T12:00:00Z", "interest_part": port.decimal_text(repayment - p), "principal_part": "3"})
    lines.append({"type": "loan_event", "loan": loan_ref("nftfi", "nftfi-1640"), "event_kind": "close", "occurred_at": "2021-02-05T12:00:00Z"})
    price, tx = sale("1640", "2021-02-09T05:25:51Z")
    lines.append({"type": "nft_trade", **nft("1640"), "side": "dispose", "traded_at": "2021-02-09T05:25:51Z", "currency": "ETH",
                  "price": price, "fees": "0", "note": f"real sale, tx {tx}"})

    # BendDAO-style pool loan: 2 WETH at 18 %, 26 % from 02-15, 0.5 WETH repaid on 03-01 (interest first).
    start, change, repaid = "2021-01-12T00:00:00Z", "2021-02-15T00:00:00Z", "2021-03-01T00:00:00Z"
    rate0, rate1 = 1800 * port.RAY // port.BPS, 2600 * port.RAY // port.BPS
    scaled = port.ray_div(port.units("2"), port.RAY)
    index_at_change = port.normalized_debt(port.RAY, rate0, seconds_between(start, change))
    debt = port.ray_mul(scaled, port.normalized_debt(index_at_change, rate1, seconds_between(change, repaid)))
    interest = debt - port.units("2")
    lines.append({"type": "loan", "protocol": "benddao", "external_ref": "bend-6129", "currency": "WETH", "principal": "2",
                  "started_at": start, "terms": {"model": "aave_index", "rate_ray": str(rate0), "index_ray_at_start": str(port.RAY)},
                  "max_ltv": 0.4, "liquidation_threshold": 0.65, "collateral": [nft("6129")]})
    lines.append({"type": "loan_event", "loan": loan_ref("benddao", "bend-6129"), "event_kind": "rate_change", "occurred_at": change,
                  "new_rate_bps": 2600})
    lines.append({"type": "loan_event", "loan": loan_ref("benddao", "bend-6129"), "event_kind": "repay", "occurred_at": repaid,
                  "interest_part": port.decimal_text(interest), "principal_part": port.decimal_text(port.units("0.5") - interest)})

    # Blend lien: 3 ETH at 15 % continuous, open. Arcade v4: 2 WETH at 22 % for 60 days, open at the report.
    lines.append({"type": "loan", "protocol": "blend", "external_ref": "blend-8743", "currency": "ETH", "principal": "3",
                  "started_at": "2021-01-20T00:00:00Z", "terms": {"model": "continuous", "rate_bps": "1500"}, "collateral": [nft("8743")]})
    lines.append({"type": "loan", "protocol": "arcade", "external_ref": "arcade-4998", "currency": "WETH", "principal": "2",
                  "started_at": "2021-02-10T00:00:00Z", "maturity_at": "2021-04-11T00:00:00Z",
                  "terms": {"model": "simple_pro_rata", "rate_bps": "2200", "rounding": "down", "cap_at_maturity": "true"},
                  "collateral": [nft("4998")]})

    lines.append({"type": "buffer_policy", "effective_at": "2021-01-12T00:00:00Z", "min_health_factor": 1.5, "max_ltv": 0.5,
                  "note": "portfolio target"})
    lines.append({"type": "buffer_policy", "loan": loan_ref("benddao", "bend-6129"), "effective_at": "2021-01-12T00:00:00Z",
                  "min_health_factor": 1.8, "note": "pool loan: wider margin"})

    lines.append({"type": "external_flow", "kind": "deposit", "flowed_at": "2021-01-15T20:00:00Z", "currency": "USD", "amount": "30000",
                  "note": "margin for the hedges"})
    condor(lines, "SPX Mar-2021 condor", "SPX", "2021-03-19", "2021-03-19T13:30:00Z", "2021-01-15", ["3350", "3500", "4000", "4150"],
           [loan_ref("nftfi", "nftfi-1640"), loan_ref("benddao", "bend-6129")], spx, vix, settle=True)
    condor(lines, "SPXW Apr-30-2021 condor", "SPXW", "2021-04-30", "2021-04-30T20:00:00Z", "2021-03-22", ["3650", "3750", "4150", "4250"],
           [loan_ref("benddao", "bend-6129"), loan_ref("blend", "blend-8743")], spx, vix, settle=False)

    for row in read_rows("nft/cryptopunks_daily_punksmarket.csv"):
        if FIRST_DAY <= row["date"] <= REPORT_DAY:
            lines.append({"type": "collection_daily_sales", "chain": "ethereum", "contract_address": PUNKS, "day": row["date"],
                          "quote": "ETH", "sales_count": int(row["sales_count"]), "volume": float(row["volume_eth"]),
                          "min_price": float(row["min_price_eth"]), "median_price": float(row["median_price_eth"]),
                          "max_price": float(row["max_price_eth"])})

    with open(os.path.join(HERE, "book.jsonl"), "w") as f:
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
