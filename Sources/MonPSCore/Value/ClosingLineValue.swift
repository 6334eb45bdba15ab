/// Closing line value (CLV) of a bet against the sharp bookmaker's de-vigged closing price.
///
/// - Odds-based: `CLV = O_bet / F_close − 1`.
/// - Probability-based: `(p_close − p_bet)/p_bet` with `p_bet = 1/O_bet` and `p_close = 1/F_close`.
///   Algebraically this equals `p_close·O_bet − 1`, i.e. the odds-based number; both are reported
///   because clients quote either form.
/// - Beat the close: `O_bet > F_close`.
/// Example (Buchdahl): a bet at 2.50 against a fair close of 2.00 has CLV +25%.
public struct ClosingLineValue: Sendable, Equatable, Hashable, Codable {
    /// The price the bet was struck at.
    public let betOdds: Double
    /// The fair (de-vigged) closing price of the same outcome.
    public let fairClosingOdds: Double
    /// `1 / fairClosingOdds`.
    public let fairClosingProbability: Double
    /// `betOdds / fairClosingOdds − 1`.
    public let oddsBased: Double
    /// `(p_close − p_bet)/p_bet`.
    public let probabilityBased: Double
    /// `betOdds > fairClosingOdds`.
    public let beatClose: Bool
    /// The de-vig of the closing market, when the fair close was derived from it.
    public let devig: DevigResult?

    /// CLV against a fair closing price given directly.
    /// - Throws: ``CLVError/invalidBetOdds``, ``CLVError/invalidClosingOdds``.
    public init(betOdds: Double, fairClosingOdds: Double) throws(CLVError) {
        try self.init(betOdds: betOdds, fairClosingOdds: fairClosingOdds, devig: nil)
    }

    /// CLV against the sharp closing market de-vigged with `method`.
    /// - Parameters:
    ///   - closingOdds: the sharp bookmaker's closing prices for every outcome of the market.
    ///   - selection: the index of the bet's outcome in `closingOdds`.
    /// - Throws: ``CLVError``.
    public init(
        betOdds: Double, closingOdds: [Double], selection: Int, method: DevigMethod,
        negativeMargin: NegativeMarginPolicy = .reject
    ) throws(CLVError) {
        let result: DevigResult
        do throws(DevigError) {
            result = try Devig.devig(closingOdds, method: method, negativeMargin: negativeMargin)
        } catch {
            throw .devig(error)
        }
        guard result.fairOdds.indices.contains(selection) else { throw .selectionOutOfRange }
        try self.init(betOdds: betOdds, fairClosingOdds: result.fairOdds[selection], devig: result)
    }

    private init(betOdds: Double, fairClosingOdds: Double, devig: DevigResult?) throws(CLVError) {
        guard Odds.isValidDecimal(betOdds) else { throw .invalidBetOdds }
        guard Odds.isValidDecimal(fairClosingOdds) else { throw .invalidClosingOdds }
        let pBet = 1.0 / betOdds
        let pClose = 1.0 / fairClosingOdds
        self.betOdds = betOdds
        self.fairClosingOdds = fairClosingOdds
        self.fairClosingProbability = pClose
        self.oddsBased = betOdds / fairClosingOdds - 1.0
        self.probabilityBased = (pClose - pBet) / pBet
        self.beatClose = betOdds > fairClosingOdds
        self.devig = devig
    }
}

/// Why a CLV computation was rejected.
public enum CLVError: Error, Equatable, Hashable, Sendable {
    /// The bet's price is not finite or not > 1.
    case invalidBetOdds
    /// The fair closing price is not finite or not > 1.
    case invalidClosingOdds
    /// The selection index is not an outcome of the closing market.
    case selectionOutOfRange
    /// The closing market could not be de-vigged.
    case devig(DevigError)
}
