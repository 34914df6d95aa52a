#!/usr/bin/env python3
"""Independent replay of BendDAO v1 / Aave v2 reserve and loan arithmetic, in Python integers.

Writes `aave_index_reference.json` (the expected debts, to the wei) and `aave_index_reserve.csv`
(the reserve's `ReserveDataUpdated` stream, in the `reserve-index` import layout).

Rerun from the package root (standard library only, Python >= 3.8):

    python3 Tests/LedgerMathTests/Fixtures/aave_index_reference.py [OUTPUT_DIR]

(OUTPUT_DIR defaults to this script's folder; a test regenerates into a temporary folder and
compares the files byte for byte.)

The arithmetic is a line-by-line port of the contracts, sharing no code with the Swift side:
- WadRayMath.rayMul / rayDiv (half up): BendDAO `libraries/math/WadRayMath.sol`.
- MathUtils.calculateCompoundedInterest (3-term binomial, ratePerSecond = rate / SECONDS_PER_YEAR).
- ReserveLogic.updateState -> _updateIndexes: variableBorrowIndex = compounded(rate, dt) rayMul index,
  lastUpdateTimestamp = now; then updateInterestRates sets the new rate and emits ReserveDataUpdated.
- LendPoolLoan.createLoan / updateLoan: scaledAmount += amount rayDiv index on borrow,
  scaledAmount -= amount rayDiv index on a partial repay; a repay of the whole debt zeroes it.
- getNormalizedDebt / getLoanReserveBorrowAmount: scaled rayMul (compounded(rate, t - last) rayMul index).

The reserve rate after each interaction is part of the scenario (on chain it comes from the
interest-rate strategy and the pool's utilisation, which a borrower's ledger does not know).
"""
import csv
import json
import os
import sys

RAY = 10**27
HALF_RAY = RAY // 2
SECONDS_PER_YEAR = 365 * 24 * 3600
WEI = 10**18


def ray_mul(a, b):
    return (a * b + HALF_RAY) // RAY


def ray_div(a, b):
    assert b != 0
    return (a * RAY + b // 2) // b


def compounded_interest(rate, seconds):
    if seconds == 0:
        return RAY
    exp = seconds
    exp_minus_one = exp - 1
    exp_minus_two = exp - 2 if exp > 2 else 0
    rate_per_second = rate // SECONDS_PER_YEAR
    base_power_two = ray_mul(rate_per_second, rate_per_second)
    base_power_three = ray_mul(base_power_two, rate_per_second)
    second_term = exp * exp_minus_one * base_power_two // 2
    third_term = exp * exp_minus_one * exp_minus_two * base_power_three // 6
    return RAY + rate_per_second * exp + second_term + third_term


class Reserve:
    def __init__(self, index, rate, at):
        self.index, self.rate, self.last = index, rate, at
        self.events = [(at, index, rate)]

    def normalized_debt(self, t):
        assert t >= self.last
        if t == self.last:
            return self.index
        return ray_mul(compounded_interest(self.rate, t - self.last), self.index)

    def update_state(self, t):
        self.index = self.normalized_debt(t)
        self.last = t

    def update_rates(self, t, new_rate):
        self.rate = new_rate
        self.events.append((t, self.index, self.rate))


class Loan:
    def __init__(self, name):
        self.name, self.scaled, self.principal = name, 0, 0

    def debt(self, reserve, t):
        return ray_mul(self.scaled, reserve.normalized_debt(t))


def eth(text):
    whole, _, frac = text.partition(".")
    return int(whole) * WEI + int((frac + "0" * 18)[:18])


def fmt(units):
    sign = "-" if units < 0 else ""
    units = abs(units)
    whole, frac = divmod(units, WEI)
    text = f"{whole}.{frac:018d}".rstrip("0").rstrip(".")
    return sign + text


def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


T0 = 1672531200  # 2023-01-01T00:00:00Z
H, D = 3600, 86400
PCT = RAY // 100

# Each step: (seconds after T0, actor, action, amount (ETH text), new reserve rate (ray)).
# actor "other" is another user of the pool: it moves the index and the rate, not our loans.
# "repay-interest" repays exactly the interest reported (debt - outstanding principal) at that instant.
STEPS = [
    (0, "other", "interaction", None, 18 * PCT),
    (1 * H, "A", "borrow", "13", 20 * PCT),
    (2 * D + 7 * H, "other", "interaction", None, 21 * PCT),
    (5 * D + 3 * H + 17, "A", "borrow-more", "2.5", 22 * PCT),
    (6 * D, "B", "borrow", "4.2", 23 * PCT),
    (9 * D + 11 * H + 5, "other", "interaction", None, 17 * PCT + 123456789),
    (12 * D + 30, "A", "repay", "3.75", 16 * PCT),
    (15 * D + 600, "A", "repay-interest", None, 16 * PCT),
    (15 * D + 601, "B", "repay-interest", None, 15 * PCT),
    (20 * D, "B", "repay", "1.000000000000000001", 15 * PCT),
    # Here the contract's own rounding leaves debt one wei below the principal (interest -1 wei).
    (25 * D + 2, "B", "repay-interest", None, 15 * PCT),
    # A long gap: no reserve event for 200 days.
    (220 * D + 5 * H, "other", "interaction", None, 35 * PCT),
    (221 * D, "A", "repay-interest", None, 34 * PCT),
    (230 * D, "B", "repay-all", None, 30 * PCT),
]
# Instants at which every loan's debt is checked (besides every step).
CHECKS = [30 * 60, 1 * D, 2 * D + 7 * H - 1, 7 * D + 123, 12 * D + 29, 15 * D + 602, 60 * D, 219 * D, 221 * D + 1, 240 * D, 400 * D]


# A second reserve where only the borrower's own loans C and D act, at a constant rate: no reserve
# export is needed, and the ledger must re-anchor at each of their borrows and repays (each runs
# updateState() for the whole reserve) to stay on the chain.
OWN_STEPS = [
    (0, "C", "borrow", "13", 20 * PCT),
    (10 * D + 17, "C", "borrow-more", "2", 20 * PCT),
    (20 * D + 5, "D", "borrow", "7", 20 * PCT),
    (40 * D + 3 * H, "C", "repay", "5", 20 * PCT),
    (55 * D, "D", "repay", "2", 20 * PCT),
    (70 * D + 11, "C", "repay-interest", None, 20 * PCT),
    (150 * D, "D", "repay-all", None, 20 * PCT),
    (190 * D, "C", "repay", "0.3", 20 * PCT),
]
OWN_CHECKS = [1 * D, 10 * D + 16, 25 * D, 40 * D + 3 * H + 1, 54 * D, 69 * D, 70 * D + 12, 100 * D, 151 * D, 189 * D, 365 * D]


def simulate(reserve, steps, checks, names):
    loans = {n: Loan(n) for n in names}
    operations = []
    timeline = sorted([(s[0], 0, s) for s in steps] + [(c, 1, None) for c in checks])
    results = []
    for offset, kind, step in timeline:
        t = T0 + offset
        if kind == 1:
            results.append({"at": iso(t), "debts": {n: fmt(l.debt(reserve, t)) for n, l in loans.items()}})
            continue
        _, actor, action, amount, new_rate = step
        reserve.update_state(t)
        record = {"at": iso(t), "loan": actor, "action": action}
        if actor != "other":
            loan = loans[actor]
            index = reserve.index
            debt_before = ray_mul(loan.scaled, index)
            if action in ("borrow", "borrow-more"):
                units = eth(amount)
                loan.scaled += ray_div(units, index)
                loan.principal += units
                record.update(amount=fmt(units), interest_part="0", principal_part=fmt(units))
            elif action == "repay-all":
                units = debt_before
                interest = units - loan.principal
                loan.scaled = 0
                record.update(amount=fmt(units), interest_part=fmt(interest), principal_part=fmt(loan.principal))
                loan.principal = 0
            else:
                interest = debt_before - loan.principal
                units = interest if action == "repay-interest" else eth(amount)
                assert units < debt_before
                to_interest = min(units, max(0, interest))
                loan.scaled -= ray_div(units, index)
                loan.principal -= units - to_interest
                record.update(amount=fmt(units), interest_part=fmt(to_interest), principal_part=fmt(units - to_interest),
                              reported_interest_before=fmt(interest))
            debt_after = ray_mul(loan.scaled, index)
            record.update(index_ray=str(index), debt_before=fmt(debt_before), scaled_after=str(loan.scaled),
                          debt_after=fmt(debt_after), principal_after=fmt(loan.principal),
                          interest_after=fmt(debt_after - loan.principal))
            if action == "repay-interest":
                # The contract's own rounding: debt == principal within 1 wei.
                assert abs(debt_after - loan.principal) <= 1, (debt_after, loan.principal)
        reserve.update_rates(t, new_rate)
        record["rate_ray_after"] = str(new_rate)
        operations.append(record)
        results.append({"at": iso(t), "debts": {n: fmt(l.debt(reserve, t)) for n, l in loans.items()}})
    return operations, results


def main():
    here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    reserve = Reserve(index=1_023_456_789_012_345_678_901_234_567, rate=18 * PCT, at=T0 - 10 * D)
    operations, checks = simulate(reserve, STEPS, CHECKS, ["A", "B"])
    with open(os.path.join(here, "aave_index_reserve.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["updated_at", "variable_borrow_index", "variable_borrow_rate"])
        for t, index, rate in reserve.events:
            w.writerow([iso(t), index, rate])
    own_reserve = Reserve(index=1_041_234_567_890_123_456_789_012_345, rate=20 * PCT, at=T0 - 3 * D)
    own_operations, own_checks = simulate(own_reserve, OWN_STEPS, OWN_CHECKS, ["C", "D"])
    document = {
        "generator": "aave_index_reference.py (Python integers; BendDAO v1 / Aave v2 WadRayMath, MathUtils, ReserveLogic)",
        "rerun": "python3 Tests/LedgerMathTests/Fixtures/aave_index_reference.py",
        "reserve": {"protocol": "benddao", "asset": "WETH", "decimals": 18, "events_file": "aave_index_reserve.csv"},
        "operations": operations,
        "checks": checks,
        "own_events_only": {
            "about": "another reserve (paraspace WETH), constant rate, only loans C and D act: no reserve events needed",
            "protocol": "paraspace", "asset": "WETH",
            "operations": own_operations,
            "checks": own_checks,
        },
    }
    with open(os.path.join(here, "aave_index_reference.json"), "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    for op in operations + own_operations:
        if op["action"] == "repay-interest":
            print(op["at"], op["loan"], "repaid interest", op["amount"], "-> debt", op["debt_after"],
                  "principal", op["principal_after"], "interest", op["interest_after"])


if __name__ == "__main__":
    main()
