/// What a stake must meet against the bankroll it is drawn from. The rules belong to the bets service; they are
/// checked on the balance the repository has locked for the change, so two bets cannot both pass on the same money.
enum StakeRules {
    /// The check of a new stake against its locked bankroll; returns the fraction of the bankroll the stake uses.
    typealias Placing = @Sendable (_ bankroll: Ledger.LockedBankroll) throws -> Double?
    /// The check of a pending bet's stake change (`old` → `new`) against its locked bankroll; returns the fraction used.
    typealias Restaking = @Sendable (_ old: Int64, _ new: Int64, _ bankroll: Ledger.LockedBankroll) throws -> Double?

    /// Placing `stake`: refused from an archived bankroll and beyond its balance. The fraction used is of the balance
    /// before the stake (nil from an empty bankroll, where a zero stake is the only one that passes).
    static func placing(_ stake: Int64) -> Placing {
        { bankroll in
            guard !bankroll.archived else { throw BettingError.bankrollArchived }
            guard stake <= bankroll.balance else {
                throw BettingError.insufficientFunds(balance: bankroll.balance, needed: stake)
            }
            return bankroll.balance > 0 ? Double(stake) / Double(bankroll.balance) : nil
        }
    }

    /// Changing a pending bet's stake: a raise is refused from an archived bankroll and beyond what is left (a cut is
    /// a refund, always allowed). The fraction used is of the wealth the bet was sized from: what is left plus what
    /// the bet already holds.
    static let restaking: Restaking = { old, new, bankroll in
        let raise = new - old
        if raise > 0 {
            guard !bankroll.archived else { throw BettingError.bankrollArchived }
            guard raise <= bankroll.balance else {
                throw BettingError.insufficientFunds(balance: bankroll.balance, needed: raise)
            }
        }
        let wealth = bankroll.balance + old
        return wealth > 0 ? min(1, Double(new) / Double(wealth)) : nil
    }
}
