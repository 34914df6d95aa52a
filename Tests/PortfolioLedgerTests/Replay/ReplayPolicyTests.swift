import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// Reading policies, and every refusal naming the field as the JSON writes it.
@Suite struct ReplayPolicyTests {
    static let valid = """
        { "name": "p", "collateral": [{ "token": "6818" }],
          "loan": { "rateBps": 2000, "targetLTV": 0.4, "liquidationThreshold": 0.65 },
          "buffer": { "belowHealthFactor": 1.5, "cashETH": "3" }, "hedge": {} }
        """

    @Test func aPolicyReadsWithItsDefaults() throws {
        let policy = try ReplayPolicy.decode(Data(Self.valid.utf8))
        #expect(policy.floor == .median)
        #expect(policy.loan?.lendingProtocol == .benddao)
        #expect(policy.loan?.model == .aaveIndex)
        #expect(policy.loan?.liquidationDiscount == 0.05)
        #expect(policy.hedge == ReplayPolicy.Hedge())
        // Canonical JSON reads back as the same policy.
        #expect(try ReplayPolicy.decode(Data(policy.canonicalJSON().utf8)) == policy)
    }

    @Test(arguments: [
        (#"{ "collateral": [] }"#, "name"),
        (#"{ "name": "p", "collateral": [] }"#, "collateral"),
        (#"{ "name": "p", "collateral": [{ "token": "x" }] }"#, "collateral[0].token"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }, { "token": "1" }] }"#, "collateral[1].token"),
        (#"{ "name": "p", "collateral": [{ "token": "1", "boughtAt": "2021-13-01" }] }"#, "collateral[0].boughtAt"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "rateBps": 2000, "targetLTV": 0.7, "liquidationThreshold": 0.65 } }"#, "loan.targetLTV"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "rateBps": 2000, "targetLTV": "0.4", "liquidationThreshold": 0.65 } }"#, "loan.targetLTV"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "targetLTV": 0.4, "liquidationThreshold": 0.65 } }"#, "loan.rateBps"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "protocol": "aave", "rateBps": 1, "targetLTV": 0.4, "liquidationThreshold": 0.65 } }"#, "loan.protocol"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "buffer": { "belowHealthFactor": 1.5, "cashETH": "1" } }"#, "buffer"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "model": "continuous", "rateBps": 1, "targetLTV": 0.4, "liquidationThreshold": 0.65 }, "buffer": { "belowHealthFactor": 1.5, "cashETH": "1" } }"#, "buffer"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "rateBps": 1, "targetLTV": 0.4, "liquidationThreshold": 0.65 }, "buffer": { "belowHealthFactor": 0.9, "cashETH": "1" } }"#, "buffer.belowHealthFactor"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "rateBps": 1, "targetLTV": 0.4, "liquidationThreshold": 0.65 }, "buffer": { "belowHealthFactor": 1.5, "cashETH": "-1" } }"#, "buffer.cashETH"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "rateBps": 1, "targetLTV": 0.4, "liquidationThreshold": 0.65 }, "hedge": { "wingWidthPoints": 7 } }"#, "hedge.wingWidthPoints"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "hedge": {} }"#, "hedge"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "floor": "mean" }"#, "floor"),
        (#"not json"#, "policy"),
    ])
    func aBadPolicyNamesItsField(json: String, field: String) {
        #expect(throws: LedgerError.invalidValue(field: field, reason: "")) {
            do { _ = try ReplayPolicy.decode(Data(json.utf8)) } catch let LedgerError.invalidValue(found, _) {
                throw LedgerError.invalidValue(field: found, reason: "")
            }
        }
    }

    @Test func datesOutsideTheDataOrOutOfOrderAreRefused() throws {
        let market = try ReplayTestData.market()
        let policy = ReplayTestData.handChecked
        func field(_ from: String, _ to: String, _ p: ReplayPolicy = ReplayTestData.handChecked) throws -> String? {
            do { _ = try ReplayRun.simulate(p, market: market, from: ReplayTestData.day(from), to: ReplayTestData.day(to)) } catch let LedgerError.invalidValue(field, _) {
                return field
            }
            return nil
        }
        #expect(try field("2021-02-01", "2021-01-01") == "to")
        #expect(try field("2016-01-01", "2021-01-01") == "from")
        #expect(try field("2021-01-01", "2021-04-06") == "to")   // the daily sales summary ends on 2021-04-05
        var late = policy
        late.collateral[0].boughtAt = "2021-03-01"
        #expect(try field("2021-01-01", "2021-02-01", late) == "collateral[0].boughtAt")
        var early = policy
        early.loan?.borrowAt = "2020-12-31"
        #expect(try field("2021-01-01", "2021-02-01", early) == "loan.borrowAt")
    }

    static let loan = #""loan": { "rateBps": 1, "targetLTV": 0.4, "liquidationThreshold": 0.65 }"#

    @Test(arguments: [
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "cashETH": "1", "actions": [] } }"#, "buffer.actions"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "cashETH": "1", "actions": ["repay", "repay"] } }"#, "buffer.actions"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "cashETH": "1", "actions": ["sell"] } }"#, "buffer.actions[0]"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "actions": ["repay"] } }"#, "buffer.cashETH"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "actions": ["sell_hedge"] } }"#, "buffer.actions"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "actions": ["add_collateral"] } }"#, "buffer.reserveTokens"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "cashETH": "1", "reserveTokens": [{ "token": "2" }] } }"#, "buffer.reserveTokens"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "actions": ["add_collateral"], "reserveTokens": [{ "token": "1" }] } }"#, "buffer.reserveTokens[0].token"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "actions": ["add_collateral"], "reserveTokens": [{ "token": "2", "boughtAt": "2021-1-1" }] } }"#, "buffer.reserveTokens[0].boughtAt"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], \#(loan), "buffer": { "belowHealthFactor": 1.5, "actions": ["add_collateral"], "reserveTokens": [{ "token": "2", "priceETH": "0" }] } }"#, "buffer.reserveTokens[0].priceETH"),
        (#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "model": "continuous", "rateBps": 1, "targetLTV": 0.4, "liquidationThreshold": 0.65 }, "buffer": { "belowHealthFactor": 1.5, "actions": ["add_collateral", "sell_hedge"], "reserveTokens": [{ "token": "2" }] }, "hedge": {} }"#, "buffer"),
    ])
    func aBadBufferActionNamesItsField(json: String, field: String) {
        #expect(throws: LedgerError.invalidValue(field: field, reason: "")) {
            do { _ = try ReplayPolicy.decode(Data(json.utf8)) } catch let LedgerError.invalidValue(found, _) {
                throw LedgerError.invalidValue(field: found, reason: "")
            }
        }
    }

    @Test func bufferActionsReadAndTheDefaultKeepsTheCanonicalJSON() throws {
        let plain = try ReplayPolicy.decode(Data(Self.valid.utf8))
        #expect(plain.buffer?.actions == [.repay])
        #expect(plain.buffer?.reserveTokens == [])
        // A repay-only policy writes no `actions` or `reserveTokens`: its recorded origin is what it always was.
        #expect(!plain.canonicalJSON().contains("actions"))
        #expect(!plain.canonicalJSON().contains("reserveTokens"))
        let json = """
            { "name": "p", "collateral": [{ "token": "6818" }], "loan": { "rateBps": 2000, "targetLTV": 0.4, "liquidationThreshold": 0.65 },
              "buffer": { "belowHealthFactor": 1.5, "actions": ["sell_hedge", "add_collateral"], "reserveTokens": [{ "token": "1190" }] },
              "hedge": {} }
            """
        let policy = try ReplayPolicy.decode(Data(json.utf8))
        #expect(policy.buffer?.actions == [.sellHedge, .addCollateral])
        #expect(policy.buffer?.cashETH == "0")   // no repay: the reserve may be left out
        #expect(policy.buffer?.reserveTokens == [.init(token: "1190")])
        #expect(try ReplayPolicy.decode(Data(policy.canonicalJSON().utf8)) == policy)
        // Without its hedge (the comparison's "no hedge" layer) the buffer keeps only add_collateral.
        #expect(policy.withoutHedge().buffer?.actions == [.addCollateral])
        var onlySell = policy
        onlySell.buffer?.actions = [.sellHedge]
        onlySell.buffer?.reserveTokens = []
        #expect(onlySell.withoutHedge().buffer == nil)
    }
}
