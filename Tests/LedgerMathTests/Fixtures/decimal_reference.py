#!/usr/bin/env python3
"""Reference results for ExactDecimal rounding and division, from Python's `decimal` module.

Run from this folder: `python3 decimal_reference.py > decimal_rounding.json`.
Each case: value (or a / b), target scale, mode (our RoundingMode raw value) -> expected canonical text
(no exponent, no trailing fractional zeros, "-0" normalised to "0", as ExactDecimal.description prints).
"""
import decimal
import json
from decimal import Decimal

MODES = {
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
    "halfUp": decimal.ROUND_HALF_UP,
    "halfEven": decimal.ROUND_HALF_EVEN,
    "floor": decimal.ROUND_FLOOR,
    "ceiling": decimal.ROUND_CEILING,
}

VALUES = [
    "0", "1", "-1", "0.5", "-0.5", "1.5", "-1.5", "2.5", "-2.5", "2.4999", "-2.5001",
    "0.125", "-0.125", "0.135", "1.005", "-1.005", "123.456789", "-123.456789",
    "20.328767123287671232", "-0.000000000000000001", "0.0000000000000000005",
    "99.995", "-99.995", "5", "0.05", "-0.05",
    "123456789012345678901234567890.123456789012345678",
]
SCALES = [0, 1, 2, 6, 18]

DIVISIONS = [
    ("1", "3"), ("2", "3"), ("-2", "3"), ("10", "4"), ("-10", "4"), ("1", "8"),
    ("0.328767123287671232", "20"), ("20.331484186421852560", "0.8"), ("1", "-7"),
    ("123456789012345678901234567890", "0.0007"),
]
DIV_SCALES = [0, 2, 6, 18]


def canonical(d: Decimal) -> str:
    if d.is_zero():
        return "0"
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def main() -> None:
    ctx = decimal.Context(prec=200)
    rounding = []
    for v in VALUES:
        for s in SCALES:
            for name, mode in MODES.items():
                q = Decimal(v).quantize(Decimal(1).scaleb(-s), rounding=mode, context=ctx)
                rounding.append({"value": v, "scale": s, "mode": name, "expected": canonical(q)})
    division = []
    for a, b in DIVISIONS:
        for s in DIV_SCALES:
            for name, mode in MODES.items():
                exact = ctx.divide(Decimal(a), Decimal(b))
                # 200 digits of precision: the quotient is rounded once, at the target scale.
                q = exact.quantize(Decimal(1).scaleb(-s), rounding=mode, context=ctx)
                division.append({"a": a, "b": b, "scale": s, "mode": name, "expected": canonical(q)})
    print(json.dumps({"rounding": rounding, "division": division}, indent=1))


if __name__ == "__main__":
    main()
