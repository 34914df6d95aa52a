#!/usr/bin/env python3
"""Port of the lending contracts' integer interest arithmetic, the reference for InterestModelTests.

Each function below transcribes the Solidity source named in its docstring (snapshots listed in
shared/research/nft-lending.md §0), operation by operation, in Python's unbounded integers:

* unsigned Solidity `/` truncates; for the non-negative operands used here that is Python `//`;
* signed Solidity `/` (`sdiv`) truncates toward zero: `sdiv()` below, never `//` on a negative;
* signed `>>` is an arithmetic shift (toward -inf), which is exactly Python's `>>` on ints.

No value is computed with floating point. The port shares no code with the Swift implementation
(LedgerMath); it was written from the contract text, so agreement to the wei between the two is
evidence that both follow the contracts, not that one copies the other.

Output: interest_contract_reference.json beside this file — the fact-sheet examples F1–F5 (named
values) and a grid of cases over principal, rate and elapsed time for every model. Amounts are
decimal strings in token units (18 decimals, as on chain for WETH); rates are integers.

Rerun (Python 3.8+, standard library only; the output is deterministic):

    python3 Tests/LedgerMathTests/Fixtures/interest_contract_port.py \
        > Tests/LedgerMathTests/Fixtures/interest_contract_reference.json
"""
import json
import platform
import sys

WAD = 10**18
RAY = 10**27
HALF_RAY = RAY // 2
BPS = 10_000
YEAR = 365 * 24 * 3600  # every protocol: 365 days of block.timestamp seconds
DAY = 86_400


def sdiv(a, b):
    """EVM SDIV: truncation toward zero."""
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def units(text, decimals=18):
    """'20.5' -> 20500000000000000000 (exact; refuses more decimals than the token has)."""
    whole, _, frac = text.partition(".")
    if len(frac) > decimals:
        raise ValueError(f"{text} has more than {decimals} decimals")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole or "0")) * 10**decimals + int((frac or "0").ljust(decimals, "0")))


def decimal_text(value, decimals=18):
    """20500000000000000000 -> '20.5' (canonical: no trailing zeros, no exponent)."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**decimals)
    frac_text = str(frac).rjust(decimals, "0").rstrip("0")
    return sign + str(whole) + ("." + frac_text if frac_text else "")


# --- NFTfi (NFTFI3 loans/loanTypes/AssetOfferLoan.sol, LoanChecksAndCalculations.sol) ------------

def nftfi_fixed_interest(principal, maximum_repayment):
    """_computeInterestDue with isProRata = false: M - P whenever repaid."""
    return maximum_repayment - principal


def nftfi_admin_fee(interest_due, admin_fee_bps):
    """computeAdminFee: interestDue * adminFeeInBasisPoints / 10000 (truncating)."""
    return interest_due * admin_fee_bps // BPS


def nftfi_pro_rata_rate_bps(principal, maximum_repayment):
    """interestRateBps = (M - P) * 10000 / P, truncated to whole bps."""
    return (maximum_repayment - principal) * BPS // principal


def nftfi_pro_rata_interest(principal, maximum_repayment, duration, elapsed):
    """_computeInterestDue with isProRata = true, capped at M - P."""
    rate_bps = nftfi_pro_rata_rate_bps(principal, maximum_repayment)
    interest = (principal * rate_bps * elapsed // duration) // BPS
    return min(interest, maximum_repayment - principal)


# --- Arcade (ARC3 v3 InterestCalculator; ARC4 v4 InterestCalculator) ------------------------------

def arcade_v3_interest(principal, prorated_interest_rate):
    """getInterestAmount: principal * proratedInterestRate / (1e18 * 1e4); the rate is bps * 1e18."""
    return principal * prorated_interest_rate // (WAD * BPS)


def arcade_v4_interest(balance, rate_bps, start, duration, last_accrual, now):
    """getProratedInterestAmount: time capped at start + duration, then balance * t * rate / (1e4 * Y)."""
    end = min(now, start + duration)
    elapsed = max(0, end - last_accrual)
    return balance * elapsed * rate_bps // (BPS * YEAR)


def arcade_v4_partial_payment(balance, rate_bps, start, duration, last_accrual, now, payment):
    """A payment covers the interest due first, then principal: (interest part, principal part, new balance)."""
    due = arcade_v4_interest(balance, rate_bps, start, duration, last_accrual, now)
    to_interest = min(payment, due)
    to_principal = payment - to_interest
    return to_interest, to_principal, balance - to_principal


# --- Gondi (NFTFI3 refinancing/.../gondi/IGondi.sol; Gondi's _getInterest) ----------------------

def gondi_interest(principal, apr_bps, elapsed):
    """principalAmount.mulDivUp(aprBps * duration, 10000 * 365 days): rounds up, no cap."""
    numerator = principal * (apr_bps * elapsed)
    denominator = BPS * YEAR
    return -(-numerator // denominator)


# --- Blur Blend (BLENDH library Helpers; solmate SignedWadMath) -----------------------------------

def wad_mul(x, y):
    return sdiv(x * y, WAD)


def wad_div(x, y):
    return sdiv(x * WAD, y)


def bips_to_signed_wads(bips):
    return bips * WAD // BPS


def wad_exp(x):
    """solmate SignedWadMath.wadExp, step by step. None where the contract reverts (EXP_OVERFLOW)."""
    if x <= -42139678854452767551:
        return 0
    if x >= 135305999368893231589:
        return None
    x = sdiv(x << 78, 5**18)
    k = (sdiv(x << 96, 54916777467707473351141471128) + 2**95) >> 96
    x = x - k * 54916777467707473351141471128
    y = x + 1346386616545796478920950773328
    y = ((y * x) >> 96) + 57155421227552351082224309758442
    p = y + x - 94201549194550492254356042504812
    p = ((p * y) >> 96) + 28719021644029726153956944680412240
    p = p * x + (4385272521454847904659076985693276 << 96)
    q = x - 2855989394907223263936484059900
    q = ((q * x) >> 96) + 50020603652535783019961831881945
    q = ((q * x) >> 96) - 533845033583426703283633433725380
    q = ((q * x) >> 96) + 3604857256930695427073651918091429
    q = ((q * x) >> 96) - 14423608567350463180887372962807573
    q = ((q * x) >> 96) + 26449188498355588339934803723976023
    r = sdiv(p, q)
    # uint256(r) * constant >> (195 - k); r > 0 here.
    return (r * 3822833074963236453042738258902158003155416615667) >> (195 - k)


def blend_current_debt(amount, rate_bps, elapsed):
    """Helpers.computeCurrentDebt: amount * wadExp(yearsWad * rate), yearsWad = wadDiv(t * 1e18, 365 days * 1e18)."""
    years_wad = wad_div(elapsed * WAD, YEAR * WAD)
    growth = wad_exp(wad_mul(years_wad, bips_to_signed_wads(rate_bps)))
    return None if growth is None else wad_mul(amount, growth)


# --- BendDAO v1 / Aave v2 (BEND libraries/math/MathUtils.sol, WadRayMath.sol, ReserveLogic.sol) ---

def ray_mul(a, b):
    return (a * b + HALF_RAY) // RAY


def ray_div(a, b):
    return (a * RAY + b // 2) // b


def compounded_interest(rate_ray, seconds):
    """MathUtils.calculateCompoundedInterest: 3-term binomial expansion of (1 + r/Y)^n, ray."""
    if seconds == 0:
        return RAY
    exp_minus_one = seconds - 1
    exp_minus_two = seconds - 2 if seconds > 2 else 0
    rate_per_second = rate_ray // YEAR
    base_power_two = ray_mul(rate_per_second, rate_per_second)
    base_power_three = ray_mul(base_power_two, rate_per_second)
    second_term = seconds * exp_minus_one * base_power_two // 2
    third_term = seconds * exp_minus_one * exp_minus_two * base_power_three // 6
    return RAY + rate_per_second * seconds + second_term + third_term


def normalized_debt(index_ray, rate_ray, seconds):
    """ReserveLogic.getNormalizedDebt: compound(r, dt).rayMul(variableBorrowIndex)."""
    return ray_mul(compounded_interest(rate_ray, seconds), index_ray)


def indexed_debt(amount, rate_ray, elapsed, index_at_start=RAY):
    """A borrow of `amount` at index I0: scaled = amount.rayDiv(I0); debt(t) = scaled.rayMul(I(t))."""
    scaled = ray_div(amount, index_at_start)
    return ray_mul(scaled, normalized_debt(index_at_start, rate_ray, elapsed))


# --- JPEG'd (JPEG contracts/vaults/NFTVault.sol) --------------------------------------------------

def jpegd_additional_interest(total_debt, apr_numerator, apr_denominator, elapsed):
    """_calculateAdditionalInterest: elapsed * totalDebt * num / den / 365 days (two truncations)."""
    if elapsed == 0 or total_debt == 0:
        return 0
    return elapsed * total_debt * apr_numerator // apr_denominator // YEAR


def jpegd_debt(amount, apr_numerator, apr_denominator, elapsed, accrual_every=None):
    """One position alone in the vault (portion = total portion): debt = total debt, accrued at
    every `accrual_every` seconds (accrue() calls), then the pending interest up to `elapsed`."""
    total, at = amount, 0
    if accrual_every:
        while at + accrual_every <= elapsed:
            total += jpegd_additional_interest(total, apr_numerator, apr_denominator, accrual_every)
            at += accrual_every
    return total + jpegd_additional_interest(total, apr_numerator, apr_denominator, elapsed - at)


def jpegd_received(amount, organization_fee, insurance_fee):
    """borrow(): fees are rates (numerator/denominator) of the amount; the rest is minted."""
    org = amount * organization_fee[0] // organization_fee[1]
    ins = amount * insurance_fee[0] // insurance_fee[1]
    return amount - org - ins


# --- The fixture ------------------------------------------------------------------------------------

def sheet_examples():
    """Fact sheet §9 F1–F5: principal 20 ETH, 30 days, 20 % APR."""
    p, t30, t10 = units("20"), 30 * DAY, 10 * DAY
    # F1: the lender sets M = 20 * (1 + 0.20 * 30/365), truncated to the wei.
    m = p + p * 2000 * t30 // (BPS * YEAR)
    fixed_interest = nftfi_fixed_interest(p, m)
    fee = nftfi_admin_fee(fixed_interest, 500)
    # F2: Arcade v4 partial payment of 5 ETH on day 10, then interest to day 30.
    part_interest, part_principal, balance = arcade_v4_partial_payment(p, 2000, 0, t30, 0, t10, units("5"))
    day30 = arcade_v4_interest(balance, 2000, 0, t30, t10, t30)
    # F5: JPEG'd pETH vault at 5 %, 0.5 % organisation + 2.5 % insurance fee.
    values = {
        "f1_maximum_repayment": m,
        "f1_interest": fixed_interest,
        "f1_admin_fee_500_bps": fee,
        "f1_lender_receives": m - fee,
        "f1_arcade_v3_repayment_164_bps": p + arcade_v3_interest(p, 164 * WAD),
        "f2_arcade_v4_interest_day_30": arcade_v4_interest(p, 2000, 0, t30, 0, t30),
        "f2_arcade_v4_interest_day_45": arcade_v4_interest(p, 2000, 0, t30, 0, 45 * DAY),
        "f2_gondi_interest_day_30": gondi_interest(p, 2000, t30),
        "f2_gondi_interest_day_60": gondi_interest(p, 2000, 60 * DAY),
        "f2_arcade_partial_interest": part_interest,
        "f2_arcade_partial_principal": part_principal,
        "f2_arcade_partial_balance": balance,
        "f2_arcade_partial_interest_day_30": day30,
        "f2_nftfi_pro_rata_interest_day_10": nftfi_pro_rata_interest(p, m, t30, t10),
        "f2_nftfi_pro_rata_interest_day_30": nftfi_pro_rata_interest(p, m, t30, t30),
        "f3_blend_debt_day_30": blend_current_debt(p, 2000, t30),
        "f3_blend_debt_day_365": blend_current_debt(p, 2000, YEAR),
        "f4_debt_day_30": indexed_debt(p, 2000 * RAY // BPS, t30),
        "f5_received": jpegd_received(p, (5, 1000), (25, 1000)),
        "f5_simple_interest_day_30": jpegd_debt(p, 5, 100, t30) - p,
        "f5_daily_accrual_interest_day_30": jpegd_debt(p, 5, 100, t30, accrual_every=DAY) - p,
    }
    amounts = {k: decimal_text(v) for k, v in values.items()}
    rays = {
        "f4_index_factor_day_30": str(normalized_debt(RAY, 2000 * RAY // BPS, t30)),
        "f2_nftfi_pro_rata_rate_bps": str(nftfi_pro_rata_rate_bps(p, m)),
    }
    return amounts, rays


PRINCIPALS = ["20", "0.000000000001", "1", "3.141592653589793238", "250000.5"]
RATES_BPS = [1, 500, 2000, 9999, 100000]
ELAPSED = [1, 2, 3, 3600, DAY, 30 * DAY, 90 * DAY, YEAR, 2 * YEAR + 17]
TERM = 60 * DAY


def grid():
    cases = []
    for principal_text in PRINCIPALS:
        p = units(principal_text)
        for rate in RATES_BPS:
            m = p + p * rate * TERM // (BPS * YEAR)  # a maximum repayment quoted at `rate` over the term
            for elapsed in ELAPSED:
                row = {"principal": principal_text, "rate_bps": rate, "term_seconds": TERM, "elapsed_seconds": elapsed}
                cases.append(dict(row, model="arcade_v4", value=decimal_text(arcade_v4_interest(p, rate, 0, TERM, 0, elapsed))))
                cases.append(dict(row, model="gondi", value=decimal_text(gondi_interest(p, rate, elapsed))))
                if m > p:
                    cases.append(dict(row, model="nftfi_pro_rata", maximum_repayment=decimal_text(m),
                                      value=decimal_text(nftfi_pro_rata_interest(p, m, TERM, min(elapsed, TERM)))))
                blend = blend_current_debt(p, rate, elapsed)
                if blend is not None:
                    cases.append(dict(row, model="blend", value=decimal_text(blend)))
                cases.append(dict(row, model="aave_index", value=decimal_text(indexed_debt(p, rate * RAY // BPS, elapsed))))
                if elapsed <= 90 * DAY:  # daily accruals: keep the loop short
                    cases.append(dict(row, model="jpegd_daily_accrual", apr_numerator=rate, apr_denominator=BPS,
                                      value=decimal_text(jpegd_debt(p, rate, BPS, elapsed, accrual_every=DAY))))
    return cases


def wad_exp_points():
    xs = [0, 1, -1, WAD, -WAD, 10**17, 2 * 10**17, 31415926535897932384, -31415926535897932384,
          135305999368893231588, 135305999368893231589, -42139678854452767551, -42139678854452767550, 123456789]
    return [{"x": str(x), "result": None if wad_exp(x) is None else str(wad_exp(x))} for x in xs]


def compounded_points():
    out = []
    for bps in [1, 2000, 3100, 9999, 100000]:
        for seconds in [0, 1, 2, 3, DAY, 30 * DAY, YEAR]:
            rate_ray = bps * RAY // BPS
            out.append({"rate_ray": str(rate_ray), "seconds": seconds, "factor_ray": str(compounded_interest(rate_ray, seconds))})
    return out


def main():
    amounts, integers = sheet_examples()
    fixture = {
        "generator": "Tests/LedgerMathTests/Fixtures/interest_contract_port.py",
        "python": platform.python_version(),
        "rerun": "python3 Tests/LedgerMathTests/Fixtures/interest_contract_port.py > Tests/LedgerMathTests/Fixtures/interest_contract_reference.json",
        "decimals": 18,
        "sheet_amounts": amounts,
        "sheet_integers": integers,
        "cases": grid(),
        "wad_exp": wad_exp_points(),
        "compounded_interest": compounded_points(),
    }
    # One case per line: a regenerated fixture shows as a readable diff.
    lines = []
    for key in sorted(fixture):
        value = fixture[key]
        if isinstance(value, list):
            rows = ",\n".join("  " + json.dumps(row, sort_keys=True) for row in value)
            lines.append(f" {json.dumps(key)}: [\n{rows}\n ]")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, sort_keys=True)}")
    sys.stdout.write("{\n" + ",\n".join(lines) + "\n}\n")


if __name__ == "__main__":
    main()
