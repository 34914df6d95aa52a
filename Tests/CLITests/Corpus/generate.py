#!/usr/bin/env python3
"""Generates the hostile-input corpus: Corpus/generated/*.{csv,jsonl} and Corpus/manifest.json.

Run from anywhere: `python3 Tests/CLITests/Corpus/generate.py` (stdlib only, deterministic).
HostileInputTests imports each case into a copy of a base ledger built from Corpus/setup/ and
checks the manifest's expectation:

- an error: the exit code, exactly one stderr line naming the file, the line and the column
  (and, for some cases, a phrase of the reason), and the ledger's logical dump unchanged;
- a success: exit 0 and SQL checks on what was stored (e.g. SQL-looking text stored verbatim).

Each CSV case starts from a valid file of its kind: a header, a valid row on line 2 and a row on
line 3 that one mutation breaks, so a refused import also shows the valid row rolled back.
Hand-written cases live in Corpus/hand/ with their own manifest, hand.json.
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "generated")
PUNKS = "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb"
SQL = "'); DROP TABLE loan; --"
UINT256_MAX = str(2 ** 256 - 1)
SQL2 = "Robert'); DELETE FROM price_observation WHERE ('1'='1"

# Base ledger: imported in this order by the test (see setup/).
SETUP = [
    {"file": "setup/1-nfts.csv", "kind": "nfts", "args": []},
    {"file": "setup/2-loans.csv", "kind": "loans", "args": []},
    {"file": "setup/3-option-trades.csv", "kind": "option-trades", "args": []},
    {"file": "setup/4-loan-events.csv", "kind": "loan-events", "args": []},
    {"file": "setup/5-quotes.csv", "kind": "quotes", "args": []},
    {"file": "setup/6-prices.csv", "kind": "prices",
     "args": ["--series", "ETH/USD", "--series-kind", "fx", "--base", "ETH", "--quote", "USD"]},
    {"file": "setup/7-journal.jsonl", "kind": "jsonl", "args": []},
]

# A valid file per kind: header, a valid row (line 2), the row the mutations change (line 3).
KINDS = {
    "prices": {
        "args": ["--series", "ETH/USD"],
        "header": ["observed_at", "price"],
        "row2": ["2024-01-03", "2400"],
        "row3": ["2024-01-04", "2410.5"],
    },
    "nfts": {
        "args": [],
        "header": ["chain", "contract_address", "collection_name", "token_id", "side", "traded_at", "currency", "price", "fees", "note"],
        "row2": ["ethereum", PUNKS, "CryptoPunks", "1", "acquire", "2022-01-01T00:00:00Z", "ETH", "70", "0", "row two"],
        "row3": ["ethereum", PUNKS, "CryptoPunks", "2", "acquire", "2022-01-02T00:00:00Z", "ETH", "71.5", "0.1", "row three"],
    },
    "loans": {
        "args": [],
        "header": ["protocol", "external_ref", "currency", "principal", "amount_received", "started_at", "maturity_at", "interest_model",
                   "repayment", "collateral_chain", "collateral_contract", "collateral_token_ids", "max_ltv", "liquidation_threshold"],
        "row2": ["nftfi", "L2", "ETH", "10", "10", "2022-01-01T00:00:00Z", "2022-02-01T00:00:00Z", "fixed_repayment", "10.5",
                 "ethereum", PUNKS, "100", "0.5", "0.8"],
        "row3": ["nftfi", "L3", "ETH", "20", "19.5", "2022-01-05T00:00:00Z", "2022-02-05T00:00:00Z", "fixed_repayment", "21",
                 "ethereum", PUNKS, "101", "0.6", "0.85"],
    },
    "loan-events": {
        "args": [],
        "header": ["protocol", "external_ref", "event_kind", "occurred_at", "amount", "interest_part", "principal_part", "fee", "note"],
        "row2": ["nftfi", "L1", "fee", "2021-03-14T00:00:00Z", "", "", "", "0.25", "row two"],
        "row3": ["nftfi", "L1", "repay", "2021-03-20T00:00:00Z", "", "1", "100", "", "row three"],
    },
    "option-trades": {
        "args": [],
        "header": ["hedge", "strategy", "root", "option_type", "strike", "expires_at", "traded_at", "quantity", "price", "fees"],
        "row2": ["condor-1", "iron_condor", "SPXW", "call", "5050", "2024-03-15", "2024-02-01T15:00:00Z", "-1", "16.8", "0.65"],
        "row3": ["condor-1", "iron_condor", "SPXW", "call", "5100", "2024-03-15", "2024-02-01T15:00:00Z", "1", "9.45", "0.65"],
    },
    "quotes": {
        "args": [],
        "header": ["root", "option_type", "strike", "expires_at", "quoted_at", "bid", "ask", "implied_vol", "underlying"],
        "row2": ["SPXW", "put", "4900", "2024-03-15", "2024-02-02T16:00:00Z", "9.9", "10.1", "0.15", "5010"],
        "row3": ["SPXW", "put", "4950", "2024-03-15", "2024-02-02T16:00:00Z", "17", "17.4", "0.14", "5010"],
    },
}

# Values that must be refused, per kind and column, on line 3: (column, value, phrase or None).
BAD_DOUBLES = [("NaN", "not a finite number"), ("nan", "not a finite number"), ("inf", "not a finite number"),
               ("-Infinity", "not a finite number"), ("1e400", "out of range"), ("-1e400", "out of range"), ("0x1p3", None), ("1,5", None),
               (" 12", None), ("12 ", None), ("", "empty"), ("1.2.3", None), ("--5", None), ("1e", None), ("٣", None)]
BAD_DECIMALS = [("NaN", "NaN"), ("-1", None), ("1e5", "exponent"), ("1,000", "grouping"), ("1.", "no digits after"),
                (".5", "no digits before"), ("+5", "leading '+'"), ("Infinity", None), ("1" * 79, "integer digits"),
                ("0." + "1" * 37, None), ("12 ", "whitespace"), ("0x10", None), ("١٢", "non-ASCII")]
BAD_INSTANTS = [("2024-02-30", None), ("2023-02-29", None), ("2024-13-01", None), ("2024-00-10", None), ("2024-1-1", None),
                ("1969-12-31T23:59:59Z", None), ("0000-01-01", None), ("10000-01-01", None), ("2024-01-01T24:00:00Z", None),
                ("2024-01-01T10:00:00+01:00", None), ("yesterday", None), ("", "empty"), ("2024-01-01T10:00Z", None),
                ("2024-01-01T10:00:00.5Z", None), ("1704067200", None)]

BAD_VALUES = {
    "prices": [("price", v, p) for v, p in BAD_DOUBLES]
              + [("price", "0", "positive"), ("price", "-5", "positive"), ("price", "1e-400", None)]
              + [("observed_at", v, p) for v, p in BAD_INSTANTS],
    "nfts": [("price", v, p) for v, p in BAD_DECIMALS]
            + [("fees", "-0.1", None), ("fees", "NaN", None), ("fees", "1e-3", "exponent")]
            + [("traded_at", v, p) for v, p in BAD_INSTANTS[:10]]
            + [("token_id", "-1", None), ("token_id", "1.5", None), ("token_id", "9" * 79, None), ("token_id", "", "empty"),
               ("token_id", "0x1f", None), ("token_id", "1e3", None)]
            + [("currency", "eth", None), ("currency", "E", None), ("currency", "TOOLONGCURRENCY", None), ("currency", "ÉTH", None),
               ("currency", "US D", None), ("currency", "", "empty"), ("currency", "123", None)]
            + [("side", "buy", None), ("chain", "Ethereum", None), ("chain", "", "empty"), ("contract_address", "", "empty"),
               ("note", "n" * 1001, "longer than 1,000"), ("note", "e\u0301" * 501, "longer than 1,000"), ("collection_name", "", "empty"),
               ("note", "abc\x00def", "NUL byte"), ("side", "\x1b]0;pwned\x07\x1b[2J", "not a trade side"), ("side", "acq\ruire", "not a trade side")],
    "loans": [("principal", "0", None), ("principal", "-1", None), ("principal", "NaN", None), ("principal", "1e3", "exponent"),
              ("principal", "1" * 79, "integer digits"), ("amount_received", "25", None), ("amount_received", "-1", None),
              ("maturity_at", "2021-12-31T00:00:00Z", None), ("maturity_at", "2022-01-05T00:00:00Z", None),
              ("started_at", "2022-13-05T00:00:00Z", None), ("started_at", "", "empty"),
              ("interest_model", "magic", None), ("repayment", "", None), ("repayment", "abc", None),
              ("protocol", "aave", "not a protocol"), ("protocol", "", "empty"), ("currency", "usd$", None), ("currency", "x", None),
              ("collateral_token_ids", "999999", None), ("collateral_token_ids", "7804", None), ("collateral_token_ids", "abc", None),
              ("collateral_contract", "0xdeadbeef", None), ("max_ltv", "1.5", None), ("max_ltv", "NaN", None), ("max_ltv", "-0.1", None),
              ("liquidation_threshold", "0.5", None), ("liquidation_threshold", "inf", None), ("external_ref", "L1", None)],
    "loan-events": [("external_ref", "NOPE", None), ("external_ref", SQL, None),
                    ("event_kind", "pay", "not an event kind"), ("event_kind", "", "empty"), ("occurred_at", "2021-03-01T00:00:00Z", None),
                    ("occurred_at", "2021-02-30", None), ("interest_part", "-1", None), ("principal_part", "NaN", None),
                    ("interest_part", "1e2", "exponent")]
                   + [("occurred_at", v, p) for v, p in BAD_INSTANTS[:6]],
    "option-trades": [("quantity", "0", None), ("quantity", "1.5", "not an integer"), ("quantity", "2000000", None), ("quantity", "", "empty"),
                      ("quantity", "99999999999999999999", "not an integer"), ("price", "-1", None), ("price", "NaN", None),
                      ("price", "1e1", "exponent"), ("fees", "-0.65", None), ("strike", "0", None), ("strike", "-5100", None),
                      ("strike", "1" * 41, None), ("strike", "NaN", None), ("root", "SPY", "not an option root"), ("root", "", "empty"),
                      ("option_type", "straddle", "not an option type"), ("expires_at", "2024-02-30", None),
                      ("traded_at", "2024-03-16T00:00:00Z", None), ("strategy", "butterfly", None), ("hedge", "", "empty")],
    "quotes": [("strike", "0", None), ("strike", "-4950", None), ("strike", "NaN", None), ("root", "SPY", None),
               ("option_type", "x", None), ("bid", "NaN", "not a finite number"), ("bid", "1e400", None), ("ask", "-inf", None),
               ("implied_vol", "nan", None), ("underlying", "inf", None), ("quoted_at", "2024-02-30T16:00:00Z", None),
               ("expires_at", "", "empty"), ("bid", "-1", None), ("implied_vol", "-0.2", None)],
}

# Refusals that name another column than the one changed (a cross-column rule), or none (a
# conflict with what the ledger holds, which no single column causes).
REPORTED_COLUMN = {
    ("loans", "collateral_token_ids", "7804"): None,
    ("loans", "collateral_contract", "0xdeadbeef"): "collateral_token_ids",
    ("loans", "liquidation_threshold", "0.5"): "max_ltv",
    ("loans", "external_ref", "L1"): None,
}

# Values that must be accepted and stored exactly: (kind, column, value, SQL, expected text).
GOOD_VALUES = [
    ("nfts", "note", SQL, "SELECT note FROM nft_trade WHERE price = '71.5'", SQL),
    ("nfts", "note", SQL2, "SELECT note FROM nft_trade WHERE price = '71.5'", SQL2),
    ("nfts", "note", 'He said "hi", then\nleft; -- ok', "SELECT note FROM nft_trade WHERE price = '71.5'", 'He said "hi", then\nleft; -- ok'),
    ("nfts", "note", "Robert\"); DROP TABLE nft; --", "SELECT note FROM nft_trade WHERE price = '71.5'", "Robert\"); DROP TABLE nft; --"),
    ("nfts", "collection_name", "CryptoPunks", "SELECT count(*) FROM collection", "1"),
    ("nfts", "price", "1" * 40, "SELECT price FROM nft_trade WHERE note = 'row three'", "1" * 40),
    ("nfts", "price", "1" * 78 + "." + "9" * 18, "SELECT price FROM nft_trade WHERE note = 'row three'", "1" * 78 + "." + "9" * 18),
    ("nfts", "price", "0071.500", "SELECT price FROM nft_trade WHERE note = 'row three'", "71.5"),
    ("nfts", "price", "0." + "0" * 17 + "1", "SELECT price FROM nft_trade WHERE note = 'row three'", "0." + "0" * 17 + "1"),
    ("nfts", "token_id", UINT256_MAX, "SELECT token_id FROM nft WHERE length(token_id) = 78", UINT256_MAX),
    ("nfts", "traded_at", "9999-12-31T23:59:59Z", "SELECT traded_at FROM nft_trade WHERE note = 'row three'", "253402300799"),
    ("nfts", "traded_at", "1970-01-01T00:00:00Z", "SELECT traded_at FROM nft_trade WHERE note = 'row three'", "0"),
    ("nfts", "traded_at", "2024-02-29", "SELECT traded_at FROM nft_trade WHERE note = 'row three'", "1709164800"),
    ("loans", "external_ref", SQL, "SELECT external_ref FROM loan WHERE principal = '20'", SQL),
    ("loans", "principal", "19.500000000000000001", "SELECT principal FROM loan WHERE external_ref = 'L3'", "19.500000000000000001"),
    ("nfts", "note", "e\u0301" * 500, "SELECT length(note) FROM nft_trade WHERE price = '71.5'", "1000"),
    ("nfts", "collection_name", "CryptoPunks", "SELECT count(*) FROM nft WHERE token_id = '2'", "1"),
    ("loan-events", "note", SQL, "SELECT note FROM loan_event WHERE event_kind = 'repay'", SQL),
    ("option-trades", "hedge", SQL, "SELECT hedge_name FROM hedge WHERE hedge_name <> 'condor-1'", SQL),
    ("quotes", "bid", "1.7e1", "SELECT bid FROM option_quote WHERE ask = 17.4", "17.0"),
    ("quotes", "bid", "", "SELECT count(*) FROM option_quote WHERE ask = 17.4 AND bid IS NULL", "1"),
    ("prices", "price", "2.5e3", "SELECT price FROM price_observation WHERE observed_at = 1704326400", "2500.0"),
    ("prices", "price", "1" * 40, "SELECT count(*) FROM price_observation WHERE observed_at = 1704326400", "1"),
]

cases = []


def field(value):
    if any(c in value for c in ',"\n\r') or value != value.strip(" "):
        return '"' + value.replace('"', '""') + '"'
    return value


def row(values):
    return ",".join(field(v) for v in values)


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return "generated/" + name


def add(name, kind, data, exit_code, line=None, column=None, phrase=None, checks=None, args=None):
    case = {"file": write(name, data), "kind": kind, "args": KINDS[kind]["args"] if args is None and kind in KINDS else (args or []),
            "exit": exit_code}
    if line is not None:
        case["line"] = line
    if column is not None:
        case["column"] = column
    if phrase is not None:
        case["phrase"] = phrase
    if checks:
        case["checks"] = [{"sql": sql, "equals": value} for sql, value in checks]
    cases.append(case)


def base_lines(kind, row3=None):
    k = KINDS[kind]
    return [row(k["header"]), row(k["row2"]), row(row3 if row3 is not None else k["row3"])]


def text(lines, end="\n"):
    return end.join(lines) + end


def slug(value):
    out = "".join(c if c.isalnum() else "_" for c in value.encode("ascii", "replace").decode())[:24]
    return out or "empty"


def value_cases():
    for kind, items in BAD_VALUES.items():
        seen = {}
        for column, value, phrase in items:
            k = KINDS[kind]
            r3 = list(k["row3"])
            r3[k["header"].index(column)] = value
            key = f"{kind}-{column}-{slug(value)}"
            seen[key] = seen.get(key, 0) + 1
            name = key + (f"-{seen[key]}" if seen[key] > 1 else "") + ".csv"
            reported = REPORTED_COLUMN.get((kind, column, value), column)
            add(name, kind, text(base_lines(kind, r3)), 65, line=3, column=reported, phrase=phrase)
    for i, (kind, column, value, sql, expected) in enumerate(GOOD_VALUES):
        k = KINDS[kind]
        r3 = list(k["row3"])
        r3[k["header"].index(column)] = value
        add(f"ok-{kind}-{column}-{i}.csv", kind, text(base_lines(kind, r3)), 0, checks=[(sql, expected)])


def structure_cases():
    for kind in KINDS:
        k = KINDS[kind]
        header, r2, r3 = base_lines(kind)
        n = len(k["header"])
        first = k["header"][0]
        add(f"{kind}-extra-field.csv", kind, text([header, r2, r3 + ",surplus"]), 65, line=3, phrase=f"expected {n} fields")
        add(f"{kind}-missing-field.csv", kind, text([header, r2, r3.rsplit(",", 1)[0]]), 65, line=3, phrase=f"expected {n} fields")
        add(f"{kind}-unterminated-quote.csv", kind, text([header, r2, '"' + r3]), 65, line=3, phrase="unterminated quoted field")
        add(f"{kind}-quote-inside-field.csv", kind, text([header, r2, 'ab"c' + r3[r3.index(","):]]), 65, line=3, column=first,
            phrase="a quote inside an unquoted field")
        add(f"{kind}-text-after-quote.csv", kind, text([header, r2, '"x"y' + r3[r3.index(","):]]), 65, line=3, column=first,
            phrase="unexpected text after a closing quote")
        add(f"{kind}-non-utf8-row.csv", kind, text([header, r2]).encode() + b"\xff\xfe" + r3.encode() + b"\n", 65, line=3,
            column=first, phrase="not UTF-8")
        add(f"{kind}-non-utf8-header.csv", kind, b"\xc3\x28" + text([header, r2, r3]).encode(), 65, line=1, phrase="not UTF-8")
        add(f"{kind}-empty-file.csv", kind, b"", 65, phrase="empty")
        add(f"{kind}-blank-lines-only.csv", kind, b"\n\r\n\n", 65, phrase="empty")
        add(f"{kind}-duplicate-header.csv", kind, text([header + "," + first, r2 + ",x", r3 + ",x"]), 65, line=1, column=first,
            phrase="twice")
        add(f"{kind}-empty-header-name.csv", kind, text([header + ",", r2 + ",", r3 + ","]), 65, line=1, phrase="no name")
        # loan-events may name loans by id instead, so its first column is optional: line 2 then lacks it.
        add(f"{kind}-missing-column.csv", kind, text([header.split(",", 1)[1], r2.split(",", 1)[1], r3.split(",", 1)[1]]), 65,
            line=2 if kind == "loan-events" else 1, column=first,
            phrase={"prices": None, "loan-events": "empty"}.get(kind, "required column missing"))
        add(f"{kind}-nul-byte.csv", kind, text([header, r2]).encode() + b"\x00" + r3.encode() + b"\n", 65, line=3, column=first,
            phrase="NUL byte")
        add(f"{kind}-utf16.csv", kind, "\ufeff".encode("utf-16-le") + text([header, r2, r3]).encode("utf-16-le"), 65, line=1,
            phrase="re-export the file as UTF-8")
        add(f"{kind}-utf16-no-bom.csv", kind, text([header, r2, r3]).encode("utf-16-le"), 65, line=1, phrase="NUL byte")
        add(f"{kind}-lone-cr-line-ends.csv", kind, text([header, r2, r3], end="\r"), 65)
        # Physical line numbers: blank lines and a quoted field spanning two lines before the bad row.
        bad = r3.rsplit(",", 1)[0]
        add(f"{kind}-line-numbers-after-blank-lines.csv", kind, text([header, "", r2, "", "", bad]), 65, line=6)
        # Accepted: BOM, CRLF, no final newline, header only.
        add(f"ok-{kind}-bom-crlf.csv", kind, b"\xef\xbb\xbf" + text([header, r2, r3], end="\r\n").encode(), 0)
        add(f"ok-{kind}-no-final-newline.csv", kind, "\n".join([header, r2, r3]), 0)
        add(f"ok-{kind}-header-only.csv", kind, text([header]), 0,
            checks=[("SELECT count(*) FROM import_source WHERE source_name LIKE '%ok-" + kind + "-header-only.csv'", "1")])
    # A note spanning lines 3-4 (quoted newline), then a bad row on physical line 5.
    k = KINDS["nfts"]
    spanning = list(k["row3"])
    spanning[-1] = "first line\nsecond line"
    bad = list(k["row3"])
    bad[3], bad[7] = "3", "NaN"
    add("nfts-line-numbers-after-embedded-newline.csv", "nfts", text([row(k["header"]), row(k["row2"]), row(spanning), row(bad)]), 65,
        line=5, column="price")
    # Duplicate keys.
    p = KINDS["prices"]
    add("prices-duplicate-key-different-price.csv", "prices", text([row(p["header"]), row(p["row2"]), row(["2024-01-03", "2401"])]), 65,
        line=3, column=None, phrase=None)
    add("prices-existing-key-different-price.csv", "prices", text([row(p["header"]), row(p["row2"]), row(["2024-01-01", "1"])]), 65,
        line=3)
    add("ok-prices-duplicate-key-same-price.csv", "prices", text([row(p["header"]), row(p["row2"]), row(["2024-01-01", "2300.5"])]), 0,
        checks=[("SELECT count(*) FROM price_observation", "3")])
    # Unknown series, unknown currencies of a new series.
    add("prices-unknown-series.csv", "prices", text(base_lines("prices")), 65, column="--set series", args=["--series", "NO/SUCH"])
    add("prices-new-series-bad-quote.csv", "prices", text(base_lines("prices")), 65, column="--set quote",
        args=["--series", "BTC/XYZ", "--series-kind", "fx", "--base", "BTC", "--quote", "usd$"])
    add("prices-series-column-unknown.csv", "prices", text(["observed_at,price,series", "2024-01-03,2400,ETH/USD", "2024-01-04,2410,NOPE"]),
        65, line=3, args=[])
    add("ok-prices-series-sql-text.csv", "prices", text(base_lines("prices")), 0,
        args=["--series", SQL, "--series-kind", "index"],
        checks=[("SELECT series_name FROM price_series WHERE series_kind = 'index'", SQL)])
    # Duplicate rows inside one file of booked entries: the second is the same entry (skipped).
    n = KINDS["nfts"]
    add("ok-nfts-duplicate-row.csv", "nfts", text([row(n["header"]), row(n["row2"]), row(n["row2"])]), 0,
        checks=[("SELECT count(*) FROM nft_trade WHERE note = 'row two'", "1")])
    add("loans-duplicate-external-ref-in-file.csv", "loans",
        text([row(KINDS["loans"]["header"]), row(KINDS["loans"]["row2"]), row(KINDS["loans"]["row3"][:1] + ["L2"] + KINDS["loans"]["row3"][2:])]),
        65, line=3)


def state_cases():
    """Holding-and-pledge rules (issue 12): the same refusals for every import kind that books them."""
    n = KINDS["nfts"]
    def trade(token, side, at, price="70"):
        return ["ethereum", PUNKS, "CryptoPunks", token, side, at, "ETH", price, "0", ""]
    add("nfts-dispose-twice.csv", "nfts",
        text([row(n["header"]), row(trade("100", "dispose", "2022-01-01T00:00:00Z")), row(trade("100", "dispose", "2022-01-02T00:00:00Z"))]),
        65, line=3, phrase="CryptoPunks #100 is not held at 2022-01-02T00:00:00Z (it was sold at 2022-01-01T00:00:00Z)")
    add("nfts-dispose-pledged.csv", "nfts",
        text([row(n["header"]), row(n["row2"]), row(trade("7804", "dispose", "2022-01-02T00:00:00Z"))]),
        65, line=3, phrase="backs the nftfi loan 'L1'")
    add("nfts-acquire-held.csv", "nfts",
        text([row(n["header"]), row(n["row2"]), row(trade("101", "acquire", "2022-01-02T00:00:00Z"))]),
        65, line=3, phrase="CryptoPunks #101 is already held")
    add("ok-nfts-sale-listed-before-purchase.csv", "nfts",
        text([row(n["header"]), row(trade("5", "dispose", "2022-01-05T00:00:00Z", "80")), row(trade("5", "acquire", "2022-01-01T00:00:00Z"))]),
        0, checks=[("SELECT count(*) FROM v_holding WHERE token_id = '5'", "0"), ("SELECT count(*) FROM nft_trade WHERE nft_id = (SELECT nft_id FROM nft WHERE token_id = '5')", "2")])
    l = KINDS["loans"]
    pledged = list(l["row3"])
    pledged[11] = "7804"
    add("loans-collateral-already-pledged.csv", "loans", text([row(l["header"]), row(l["row2"]), row(pledged)]), 65, line=3,
        phrase="already backs")
    twice = list(l["row3"])
    twice[11] = "101 101"
    add("loans-collateral-listed-twice.csv", "loans", text([row(l["header"]), row(l["row2"]), row(twice)]), 65, line=3,
        column="collateral_token_ids", phrase="CryptoPunks #101 is listed twice")
    # Terms errors name the CSV column (rate_bps), not a Swift field name.
    header = l["header"] + ["rate_bps"]
    add("loans-rate_bps-negative.csv", "loans",
        text([row(header), row(l["row2"] + [""]), row(["blend", "L3", "ETH", "20", "20", "2022-01-05T00:00:00Z", "", "continuous", "",
                                                       "ethereum", PUNKS, "101", "", "", "-100"])]),
        65, line=3, column="rate_bps", phrase="invalid terms.rate_bps: -100 is out of range")
    e = KINDS["loan-events"]
    def event(kind, at, fee=""):
        return ["nftfi", "L1", kind, at, "", "", "", fee, ""]
    add("loan-events-close-before-a-later-event.csv", "loan-events",
        text([row(e["header"]), row(event("fee", "2021-03-20T00:00:00Z", "0.1")), row(event("close", "2021-03-15T00:00:00Z"))]),
        65, line=3, phrase="has a fee event at 2021-03-20T00:00:00Z; it cannot end before it")
    add("loan-events-after-liquidation.csv", "loan-events",
        text([row(e["header"]), row(event("liquidation", "2021-03-20T00:00:00Z")), row(event("fee", "2021-03-21T00:00:00Z", "0.1"))]),
        65, line=3, phrase="is liquidated at 2021-03-21T00:00:00Z")
    # Collateral added to / released from a running loan follow the holding rules (issue 12).
    cheader = e["header"] + ["collateral_chain", "collateral_contract", "collateral_token_id"]
    def change(kind, at, token, fee=""):
        return event(kind, at, fee) + ["ethereum", PUNKS, token]
    for name, kind, at, token, phrase in [
            ("added-before-bought", "collateral_added", "2021-05-01T00:00:00Z", "100",
             "CryptoPunks #100 is not held at 2021-05-01T00:00:00Z (it was never acquired by then); it cannot be added to the nftfi loan 'L1'"),
            ("added-twice", "collateral_added", "2021-03-21T00:00:00Z", "7804",
             "CryptoPunks #7804 already backs the nftfi loan 'L1' at 2021-03-21T00:00:00Z; it cannot be added to it again"),
            ("released-not-pledged", "collateral_released", "2021-06-05T00:00:00Z", "100",
             "CryptoPunks #100 does not back the nftfi loan 'L1' at 2021-06-05T00:00:00Z")]:
        add("loan-events-collateral-" + name + ".csv", "loan-events",
            text([row(cheader), row(event("fee", "2021-03-20T00:00:00Z", "0.1") + ["", "", ""]), row(change(kind, at, token))]),
            65, line=3, phrase=phrase)
    add("loan-events-nft-on-a-fee.csv", "loan-events",
        text([row(cheader), row(event("fee", "2021-03-20T00:00:00Z", "0.1") + ["", "", ""]),
              row(change("fee", "2021-03-21T00:00:00Z", "100", fee="0.1"))]),
        65, line=3, column="collateral_chain", phrase="only collateral_added and collateral_released name an NFT, not fee")
    # The journal: the same rules, then the strictness rules.
    punk = '{"chain":"ethereum","contract_address":"' + PUNKS + '","token_id":"%s"}'
    def jtrade(token, side, at):
        return ('{"type":"nft_trade","chain":"ethereum","contract_address":"' + PUNKS + '","token_id":"' + token + '","side":"' + side +
                '","traded_at":"' + at + '","currency":"ETH","price":"1"}')
    def jloan(ref, token, at, terms='{"model":"continuous","rate_bps":"1200"}'):
        return ('{"type":"loan","protocol":"blend","external_ref":"' + ref + '","currency":"ETH","principal":"1","started_at":"' + at +
                '","terms":' + terms + ',"collateral":[' + (punk % token) + ']}')
    liquidation = '{"type":"loan_event","loan":{"protocol":"blend","external_ref":"J1"},"event_kind":"liquidation","occurred_at":"2022-01-03T00:00:00Z"}'
    add("jsonl-dispose-twice.jsonl", "jsonl", jtrade("100", "dispose", "2022-01-01T00:00:00Z") + "\n" + jtrade("100", "dispose", "2022-01-02T00:00:00Z") + "\n",
        65, line=2, phrase="CryptoPunks #100 is not held at 2022-01-02T00:00:00Z", args=[])
    add("jsonl-pledge-sold.jsonl", "jsonl", jtrade("100", "dispose", "2022-01-01T00:00:00Z") + "\n" + jloan("J1", "100", "2022-01-02T00:00:00Z") + "\n",
        65, line=2, phrase="it cannot be pledged to the blend loan 'J1'", args=[])
    add("jsonl-pledge-liquidated.jsonl", "jsonl", jloan("J1", "100", "2022-01-02T00:00:00Z") + "\n" + liquidation + "\n" +
        jloan("J2", "100", "2022-01-04T00:00:00Z") + "\n", 65, line=3, phrase="it was lost to the liquidation of the blend loan 'J1'", args=[])
    flow = '{"type":"external_flow","kind":"deposit","flowed_at":"2022-01-01T00:00:00Z","currency":"ETH","amount":"1","note":"line one"}'
    rate = ('{"type":"loan_event","loan":{"protocol":"nftfi","external_ref":"L1"},"event_kind":"rate_change",'
            '"occurred_at":"2021-03-14T00:00:00Z","new_rate_bps":%s}')
    strict = [
        ("duplicate-key", flow[:-1] + ',"amount":"2"}', "amount", "the key appears twice"),
        ("duplicate-nested-key", jloan("J3", "101", "2022-01-02T00:00:00Z", '{"model":"continuous","rate_bps":"1","rate_bps":"2"}'),
         "terms.rate_bps", "the key appears twice"),
        ("unknown-nested-key", jloan("J3", "101", "2022-01-02T00:00:00Z", '{"model":"continuous","rate_bps":"1","rate":"2"}'),
         "terms.rate", "not a key of continuous terms"),
        ("terms-rate-negative", jloan("J3", "101", "2022-01-02T00:00:00Z", '{"model":"continuous","rate_bps":"-100"}'),
         "terms.rate_bps", "invalid terms.rate_bps"),
        ("trailing-comma-object", flow[:-1] + ',}', None, "trailing comma"),
        ("trailing-comma-array", jloan("J3", "101", "2022-01-02T00:00:00Z").replace("}]}", "},]}"), "collateral", "trailing comma"),
        ("nul-in-text", flow.replace("line one", "line\\u0000one"), "note", "NUL"),
        ("integer-too-large", rate % "123456789012345678901234567890", "new_rate_bps", "too large"),
        ("integer-fraction", rate % "1.5", "new_rate_bps", "expected a JSON integer, found 1.5"),
    ]
    for name, bad, column, phrase in strict:
        add(f"jsonl-{name}.jsonl", "jsonl", flow + "\n" + bad + "\n", 65, line=2, column=column, phrase=phrase, args=[])
    add("jsonl-bom-later-line.jsonl", "jsonl", (flow + "\n").encode() + b"\xef\xbb\xbf" + (flow.replace('"1"', '"2"') + "\n").encode(), 65,
        line=2, phrase="byte-order mark", args=[])


def journal_cases():
    flow = '{"type":"external_flow","kind":"deposit","flowed_at":"2022-01-01T00:00:00Z","currency":"ETH","amount":"1","note":"line one"}'
    good2 = '{"type":"balance_assertion","asserted_at":"2022-01-02T00:00:00Z","currency":"ETH","amount":"5001"}'
    bad_lines = [
        ("not-json", "{not json", None, "not valid JSON"),
        ("array", "[1,2,3]", None, "not a JSON object"),
        ("string", '"just a string"', None, "not valid JSON"),
        ("missing-type", '{"kind":"deposit"}', "type", "missing"),
        ("unknown-type", '{"type":"DROP TABLE loan"}', "type", "not an entry type"),
        ("unknown-key", flow[:-1] + ',"amout":"2"}', "amout", "not a key"),
        ("amount-number", flow.replace('"amount":"1"', '"amount":1'), "amount", "JSON string"),
        ("amount-nan", flow.replace('"amount":"1"', '"amount":"NaN"'), "amount", None),
        ("amount-negative", flow.replace('"amount":"1"', '"amount":"-1"'), None, None),
        ("amount-exponent", flow.replace('"amount":"1"', '"amount":"1e3"'), "amount", "exponent"),
        ("amount-79-digits", flow.replace('"amount":"1"', '"amount":"' + "9" * 79 + '"'), "amount", "integer digits"),
        ("currency-unknown", flow.replace('"ETH"', '"eth!"'), "currency", None),
        ("date-invalid", flow.replace("2022-01-01T00:00:00Z", "2022-02-30T00:00:00Z"), "flowed_at", None),
        ("date-negative", flow.replace("2022-01-01T00:00:00Z", "1900-01-01T00:00:00Z"), None, None),
        ("kind-unknown", flow.replace('"deposit"', '"gift"'), "kind", None),
        ("null-amount", flow.replace('"amount":"1"', '"amount":null'), "amount", "null"),
        ("nested-deep", "[" * 5000 + "]" * 5000, None, None),
        ("price-nan-number", '{"type":"price","series":"ETH/USD","observed_at":"2024-01-05","price":"NaN"}', "price", None),
        ("price-huge", '{"type":"price","series":"ETH/USD","observed_at":"2024-01-05","price":1e400}', None, None),
        ("price-unknown-series", '{"type":"price","series":"NOPE","observed_at":"2024-01-05","price":1}', None, None),
        ("ref-duplicate", flow[:-1] + ',"ref":"a"}\n' + good2[:-1] + ',"ref":"a"}', "ref", None),
        ("correction-unknown-ref", '{"type":"correction","action":"void","entry":{"ref":"nope"},"reason":"x"}', None, None),
        ("loan-unknown-collateral", '{"type":"loan","protocol":"nftfi","currency":"ETH","principal":"1","started_at":"2022-01-01","maturity_at":"2022-02-01","terms":{"model":"fixed_repayment","repayment":"1.1"},"collateral":[{"chain":"ethereum","contract_address":"0xdead","token_id":"1"}]}', None, None),
        ("loan-principal-zero", '{"type":"loan","protocol":"nftfi","currency":"ETH","principal":"0","started_at":"2022-01-01","maturity_at":"2022-02-01","terms":{"model":"fixed_repayment","repayment":"1.1"},"collateral":[{"chain":"ethereum","contract_address":"' + PUNKS + '","token_id":"100"}]}', None, None),
        ("trailing-garbage", flow + " x", None, "not valid JSON"),
    ]
    for name, bad, column, phrase in bad_lines:
        line = 3 if name == "ref-duplicate" else 2
        add(f"jsonl-{name}.jsonl", "jsonl", flow + "\n" + bad + "\n", 65, line=line, column=column, phrase=phrase, args=[])
    add("jsonl-non-utf8.jsonl", "jsonl", (flow + "\n").encode() + b'{"type":"\xff"}\n', 65, line=2, phrase="not UTF-8", args=[])
    add("jsonl-empty.jsonl", "jsonl", b"", 0, args=[])
    add("ok-jsonl-bom-crlf-blank.jsonl", "jsonl", b"\xef\xbb\xbf" + (flow + "\r\n\r\n" + good2 + "\r\n").encode(), 0, args=[],
        checks=[("SELECT count(*) FROM balance_assertion", "1"), ("SELECT note FROM external_flow WHERE amount = '1'", "line one")])
    add("ok-jsonl-sql-text.jsonl", "jsonl", flow.replace("line one", SQL.replace('"', '\\"')) + "\n", 0, args=[],
        checks=[("SELECT note FROM external_flow WHERE amount = '1'", SQL)])


def calc_cases():
    header = "option_type,strike,quantity,premium"
    legs = ["put,4900,1,10.20", "put,4950,-1,18.35", "call,5050,-1,16.80", "call,5100,1,9.45"]
    def legs_file(name, rows, exit_code, line=None, column=None, phrase=None):
        case = {"file": write(name, text([header] + rows)), "kind": "calc-condor", "args": [], "exit": exit_code}
        if line is not None:
            case["line"] = line
        if column is not None:
            case["column"] = column
        if phrase is not None:
            case["phrase"] = phrase
        cases.append(case)
    legs_file("calc-condor-strikes-out-of-order.csv", [legs[0], "put,5075,-1,18.35", legs[2], legs[3]], 65, phrase="K1 < K2 < K3 < K4")
    legs_file("calc-condor-puts-above-calls.csv", ["put,5050,1,10.20", "put,5100,-1,18.35", "call,4900,-1,16.80", "call,4950,1,9.45"], 65,
              phrase="K1 < K2 < K3 < K4")
    legs_file("calc-condor-strike-nan.csv", [legs[0], "put,NaN,-1,18.35", legs[2], legs[3]], 65, line=3, column="strike")
    legs_file("calc-condor-premium-negative.csv", [legs[0], legs[1], "call,5050,-1,-16.80", legs[3]], 65, line=4)
    legs_file("calc-condor-sizes-differ.csv", [legs[0], "put,4950,-2,18.35", legs[2], legs[3]], 65)
    legs_file("calc-condor-three-legs.csv", legs[:3], 65)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    value_cases()
    structure_cases()
    journal_cases()
    state_cases()
    calc_cases()
    names = [c["file"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"setup": SETUP, "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(cases)} generated cases")


if __name__ == "__main__":
    main()
