/// An exact amount in one currency. Arithmetic between two amounts refuses different currencies.
public struct Money: Sendable, Hashable, Codable, CustomStringConvertible {
    public var amount: ExactDecimal
    public var currency: Currency

    public init(_ amount: ExactDecimal, _ currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    /// Two amounts in different currencies were combined.
    public struct CurrencyMismatch: Error, Sendable, Equatable, CustomStringConvertible {
        public var lhs: Currency
        public var rhs: Currency
        public var operation: String
        public var description: String { "cannot \(operation) \(lhs) and \(rhs): different currencies" }
    }

    /// `"<amount> <code>"`, e.g. `20.328767123287671232 WETH`.
    public var description: String { "\(amount) \(currency)" }

    public static func + (lhs: Money, rhs: Money) throws(CurrencyMismatch) -> Money {
        guard lhs.currency == rhs.currency else { throw CurrencyMismatch(lhs: lhs.currency, rhs: rhs.currency, operation: "add") }
        return Money(lhs.amount + rhs.amount, lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) throws(CurrencyMismatch) -> Money {
        guard lhs.currency == rhs.currency else { throw CurrencyMismatch(lhs: lhs.currency, rhs: rhs.currency, operation: "subtract") }
        return Money(lhs.amount - rhs.amount, lhs.currency)
    }

    /// `self < other` for amounts of the same currency.
    public func isLess(than other: Money) throws(CurrencyMismatch) -> Bool {
        guard currency == other.currency else { throw CurrencyMismatch(lhs: currency, rhs: other.currency, operation: "compare") }
        return amount < other.amount
    }

    /// Scales by a dimensionless factor (a quantity, a fee rate); exact.
    public static func * (lhs: Money, rhs: ExactDecimal) -> Money { Money(lhs.amount * rhs, lhs.currency) }

    public static prefix func - (operand: Money) -> Money { Money(-operand.amount, operand.currency) }

    /// Converts at `rate` (units of `target` per unit of this currency), rounded to `scale` with `mode`.
    public func converted(to target: Currency, rate: ExactDecimal, scale: Int, mode: RoundingMode) -> Money {
        Money((amount * rate).rounded(scale: scale, mode: mode), target)
    }

    /// Sum of amounts that must all be in `currency`.
    public static func sum(_ items: [Money], in currency: Currency) throws(CurrencyMismatch) -> Money {
        var total = Money(.zero, currency)
        for m in items { total = try total + m }
        return total
    }
}
