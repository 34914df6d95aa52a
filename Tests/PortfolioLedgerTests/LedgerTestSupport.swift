import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
@testable import PortfolioLedger

/// A clock the test moves by hand, so `recorded_at` values are known.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Instant
    init(_ start: String) throws { now = try ISO8601.parse(start) }
    func set(_ text: String) throws { let t = try ISO8601.parse(text); lock.withLock { now = t } }
    var read: @Sendable () -> Instant { { [self] in lock.withLock { now } } }
}

func instant(_ text: String) throws -> Instant { try ISO8601.parse(text) }
func dec(_ text: String) throws -> ExactDecimal { try ExactDecimal(parsing: text) }
func eth(_ text: String) throws -> Money { Money(try dec(text), try Currency("ETH")) }

/// The four legs of a one-lot iron condor: long put, short put, short call, long call, with the
/// strikes and premiums given in that order.
func condorLegs(_ strikes: [String], premiums: [String], expiry: Instant) throws -> [OptionLeg] {
    let shapes: [(OptionType, Int)] = [(.put, 1), (.put, -1), (.call, -1), (.call, 1)]
    return try zip(shapes, zip(strikes, premiums)).map { shape, values in
        OptionLeg(shape.0, strike: try dec(values.0), quantity: shape.1, premium: try dec(values.1), expiry: expiry)
    }
}

/// A small book: CryptoPunk #7804 bought on 2021-03-11 for 4200 ETH (its real on-chain sale),
/// pledged for an NFTfi-style fixed-repayment loan.
struct SampleBook {
    let ledger: Ledger
    let clock: TestClock
    let punks: CollectionID
    let punk: NFTID
    let loan: LoanID

    init(dir: TemporaryDirectory) throws {
        clock = try TestClock("2021-03-11T01:00:00Z")
        ledger = try Ledger.create(at: dir.path("book.ledger"), clock: clock.read)
        (punks, punk) = try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let punk = try tx.addNFT(collection: punks, tokenID: TokenID("7804"))
            _ = try tx.recordNFTTrade(nft: punk, side: .acquire, tradedAt: instant("2021-03-11T00:48:39Z"), price: eth("4200"))
            return (punks, punk)
        }
        try clock.set("2021-03-12T00:00:00Z")
        let punk = self.punk
        loan = try ledger.write { tx in
            try tx.addLoan(NewLoan(lendingProtocol: .nftfi, currency: Currency("ETH"), principal: dec("1000"),
                                   amountReceived: dec("995"), startedAt: instant("2021-03-12T00:00:00Z"),
                                   maturityAt: instant("2021-04-11T00:00:00Z"), terms: .fixedRepayment(repayment: dec("1016.438356164383561643")),
                                   collateral: [punk]))
        }
    }
}

/// The message of the ``LedgerError/conflict(_:)`` that `body` throws, nil when it throws nothing,
/// or "unexpected …" for any other error (so an expectation on the message shows what came instead).
func conflictMessage(_ body: () throws -> Void) -> String? {
    do { try body() } catch let error as LedgerError {
        if case .conflict(let message) = error { return message }
        return "unexpected \(error)"
    } catch { return "unexpected \(error)" }
    return nil
}
