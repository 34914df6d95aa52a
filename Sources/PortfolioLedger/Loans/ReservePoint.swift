import BigInt
import LedgerMath

/// One stored state of an Aave-style lending reserve (BendDAO, ParaSpace): what a
/// `ReserveDataUpdated` event reports. The reserve is identified by protocol and asset; every loan
/// of that protocol in that currency reads the same history (docs/analytics.md "Index loans").
///
/// Indexes and rates are integers in ray (1e27 = 1.0; a rate of 0.2e27 is 20 % a year).
public struct ReservePoint: Sendable, Hashable {
    public var lendingProtocol: LendingProtocol
    public var asset: Currency
    public var updatedAt: Instant
    /// Variable-borrow index stored by `updateState()` at ``updatedAt``, ray.
    public var variableBorrowIndexRay: BigInt
    /// Variable-borrow rate in force from ``updatedAt``, ray per year.
    public var variableBorrowRateRay: BigInt
    /// Liquidity (supply) index and rate, kept for the record; the borrower's debt does not use them.
    public var liquidityIndexRay: BigInt?
    public var liquidityRateRay: BigInt?

    public init(lendingProtocol: LendingProtocol, asset: Currency, updatedAt: Instant, variableBorrowIndexRay: BigInt,
                variableBorrowRateRay: BigInt, liquidityIndexRay: BigInt? = nil, liquidityRateRay: BigInt? = nil) {
        self.lendingProtocol = lendingProtocol
        self.asset = asset
        self.updatedAt = updatedAt
        self.variableBorrowIndexRay = variableBorrowIndexRay
        self.variableBorrowRateRay = variableBorrowRateRay
        self.liquidityIndexRay = liquidityIndexRay
        self.liquidityRateRay = liquidityRateRay
    }

    /// Checks the values the table's CHECKs also enforce; names the field on failure.
    func validate() throws(LedgerError) {
        try Validate.instant(updatedAt, "updated_at")
        let ray = SolidityFixedPoint.ray
        guard variableBorrowIndexRay >= ray, variableBorrowIndexRay.description.count <= 78 else {
            throw .invalidValue(field: "variable_borrow_index", reason: "\(variableBorrowIndexRay) is not an index in ray (at least 10^27)")
        }
        if let index = liquidityIndexRay, index < ray || index.description.count > 78 {
            throw .invalidValue(field: "liquidity_index", reason: "\(index) is not an index in ray (at least 10^27)")
        }
        for (field, rate) in [("variable_borrow_rate", variableBorrowRateRay), ("liquidity_rate", liquidityRateRay ?? 0)] {
            guard rate >= 0, rate.description.count <= 78 else { throw .invalidValue(field: field, reason: "\(rate) is not a rate in ray (≥ 0)") }
        }
    }

    /// The point as LedgerMath's reserve state.
    public var borrowIndex: ReserveBorrowIndex {
        get throws(InterestModelError) {
            try ReserveBorrowIndex(indexRay: variableBorrowIndexRay, rateRay: variableBorrowRateRay, updatedAt: updatedAt)
        }
    }
}

/// Ray values as written in files: decimal digits only (no sign, point or exponent), at most 78.
enum RayText {
    static func parse(_ text: String) -> BigInt? {
        guard !text.isEmpty, text.utf8.count <= 78, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return BigInt(text)
    }
}
