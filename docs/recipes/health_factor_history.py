#!/usr/bin/env python3
"""Chart a loan's health-factor history from a refreshed ledger, without any Swift.

    portfolio-ledger refresh book.ledger               # once, and after new bookings
    python3 docs/recipes/health_factor_history.py book.ledger --loan 2 --png hf.png --csv hf.csv

Reads the view `v_loan_day` (docs/schema.md "Derived analytics") with Python's stdlib sqlite3,
read-only. With pandas, the frame keeps nullable integer ids as pandas `Int64` (not float64) and
exact decimal text (debt, collateral value) as Python `Decimal`; with matplotlib, `--png` draws
the chart. Without pandas it still writes the CSV with the stdlib `csv` module.
"""
import argparse
import csv
import sqlite3
import sys
from decimal import Decimal

QUERY = """
SELECT loan_id, protocol, external_ref, day, debt, collateral_value, loan_to_value,
       liquidation_threshold, health_factor, price, price_age_seconds, price_problem, stale
FROM v_loan_day WHERE loan_id = ? ORDER BY day
"""


def connect(path):
    # mode=ro: the recipe never writes; the ledger stays the library's.
    return sqlite3.connect("file:" + path + "?mode=ro", uri=True)


def warn_if_stale(con):
    status, through = con.execute("SELECT status, through_day FROM v_derived_status").fetchone()
    if status != "current":
        print(f"warning: derived analytics are {status} (through {through}): run `portfolio-ledger refresh`", file=sys.stderr)


def with_pandas(con, loan, args):
    import pandas as pd

    frame = pd.read_sql_query(QUERY, con, params=(loan,),
                              dtype={"loan_id": "Int64", "price_age_seconds": "Int64", "stale": "Int64"})
    frame["day"] = pd.to_datetime(frame["day"])
    for column in ("debt", "collateral_value"):
        frame[column] = frame[column].map(lambda text: Decimal(text) if text is not None else None)
    print("loan_id:", frame["loan_id"].dtype, "| price_age_seconds:", frame["price_age_seconds"].dtype)
    valued = frame.dropna(subset=["health_factor"])
    if not valued.empty:
        low = valued.loc[valued["health_factor"].idxmin()]
        print(f"rows: {len(frame)}; lowest health factor {low['health_factor']:.4f} on {low['day'].date()}")
    else:
        print(f"rows: {len(frame)}; no health factor (no liquidation threshold, or no price)")
    if args.csv:
        frame.to_csv(args.csv, index=False)
    if args.png:
        import matplotlib
        matplotlib.use("Agg")
        ax = frame.plot(x="day", y="health_factor", title=f"Loan {loan}: health factor", legend=False)
        ax.axhline(1.0, color="red", linestyle="--", linewidth=1)  # liquidation below 1
        ax.set_ylabel("health factor")
        ax.figure.savefig(args.png, dpi=120, bbox_inches="tight")


def with_stdlib(con, loan, args):
    cursor = con.execute(QUERY, (loan,))
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    factors = [(r[columns.index("health_factor")], r[columns.index("day")]) for r in rows if r[columns.index("health_factor")] is not None]
    print(f"pandas not installed; rows: {len(rows)}" + (f"; lowest health factor {min(factors)[0]:.4f} on {min(factors)[1]}" if factors else ""))
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            # "\n" like pandas' to_csv, so both paths write the same bytes (csv defaults to "\r\n").
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger")
    parser.add_argument("--loan", type=int, required=True, help="loan_id (see v_loan)")
    parser.add_argument("--csv", help="write the rows here")
    parser.add_argument("--png", help="draw the chart here (needs pandas and matplotlib)")
    parser.add_argument("--stdlib-only", action="store_true", help="do not use pandas even when installed")
    args = parser.parse_args()
    con = connect(args.ledger)
    warn_if_stale(con)
    try:
        if args.stdlib_only:
            raise ImportError
        import pandas  # noqa: F401
    except ImportError:
        with_stdlib(con, args.loan, args)
    else:
        with_pandas(con, args.loan, args)


if __name__ == "__main__":
    main()
