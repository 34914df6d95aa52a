/// What a cash-flow journal entry is: one rule of `v_cash_flow` (and of the snapshot's journal
/// query, which must produce the same rows; `CashFlowRulesTests` compares them row for row). Its
/// raw value is the view's `description` text, the contract other tools read; the library
/// classifies entries by case, never by that text.
public enum JournalEntryKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case nftPurchase = "nft purchase"
    case nftSale = "nft sale"
    case nftTradeFees = "nft trade fees"
    /// The owner's capital that paired an opening position's cost (no cash moved).
    case openingPositionContributed = "opening position contributed"
    case openingPositionFeesContributed = "opening position fees contributed"
    case loanProceeds = "loan proceeds received"
    /// A loan already running when the book started enters it: + its outstanding principal then.
    case runningLoanOpened = "running loan opened"
    /// The owner assumes that running loan (− the same amount, no loan): equity, not cash.
    case runningLoanAssumed = "running loan assumed"
    case loanBorrowedMore = "loan borrowed more"
    case loanInterestPaid = "loan interest paid"
    case loanPrincipalRepaid = "loan principal repaid"
    case loanFeePaid = "loan fee paid"
    case loanRedeemed = "loan redeemed"
    case liquidationSurplusReturned = "liquidation surplus returned"
    case optionPremiumReceived = "option premium received"
    case optionPremiumPaid = "option premium paid"
    case optionFees = "option fees"
    case optionCashSettlement = "option cash settlement"
    case deposit
    /// Cash a wallet already held when the book starts, brought in as equity (a deposit flagged opening).
    case openingCashBalance = "opening cash balance"
    case withdrawal
    /// Cash put into a yield position (an asset bought, not an expense).
    case yieldDeposit = "yield deposit"
    /// Cash taken back from a yield position (its cost relieved, the rest realized yield).
    case yieldWithdrawal = "yield withdrawal"

    /// The text `v_cash_flow` shows for it.
    public var description: String { rawValue }
}

extension JournalEntryKind: StoredEnum { static var storedName: String { "cash-flow description" } }
