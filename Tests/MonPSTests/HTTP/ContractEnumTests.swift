import MonPSAPI
import MonPSCore
import Testing

@testable import MonPS

/// Every pair of enums the handlers convert with `bridged()`: the domain's and the contract's hold the same raw
/// values, so no conversion can fail at run time. A case added to one side only (a spec change, a new domain state)
/// fails here, naming the pair.
@Suite("Contract enums match the domain's")
struct ContractEnumTests {
    struct Pair: CustomTestStringConvertible, Sendable {
        let name: String
        let domain: Set<String>
        let contract: Set<String>
        /// Request-only enums may be narrower than the domain (the domain has values a client cannot ask for).
        let contractMayBeNarrower: Bool
        var testDescription: String { name }

        init<Domain: CaseIterable & RawRepresentable, Contract: CaseIterable & RawRepresentable>(
            _ domain: Domain.Type, _ contract: Contract.Type, requestOnly: Bool = false
        ) where Domain.RawValue == String, Contract.RawValue == String {
            name = "\(Domain.self) ↔ \(Contract.self)"
            self.domain = Set(Domain.allCases.map(\.rawValue))
            self.contract = Set(Contract.allCases.map(\.rawValue))
            contractMayBeNarrower = requestOnly
        }
    }

    static let pairs: [Pair] = [
        // Requests (contract → domain): every value a client may send has its domain case.
        Pair(MonPSCommands.ImportFormat.self, Operations.AdminImportFile.Input.Query.FormatPayload.self, requestOnly: true),
        Pair(BankrollTransaction.Kind.self, Components.Schemas.CreateTransactionRequest.KindPayload.self, requestOnly: true),
        Pair(BreakdownDimension.self, Operations.GetAnalyticsBreakdown.Input.Query.ByPayload.self, requestOnly: true),
        Pair(AnalyticsPeriodLength.self, Operations.GetAnalyticsWinRate.Input.Query.PeriodPayload.self, requestOnly: true),
        Pair(AgentComparison.Period.self, Operations.CompareAgents.Input.Query.PeriodPayload.self, requestOnly: true),
        Pair(TennisRetirementPolicy.self, Components.Schemas.SettleRequest.TennisRetirementPayload.self, requestOnly: true),
        Pair(SBRParser.Sport.self, Operations.AdminImportFile.Input.Query.SportPayload.self, requestOnly: true),
        Pair(ReportingRange.self, Components.Parameters.AnalyticsRange.self),
        Pair(ExportFormat.self, Components.Parameters.ExportFormat.self),
        Pair(AnalyticsPeriodLength.self, Operations.GetBankrollCurve.Input.Query.IntervalPayload.self, requestOnly: true),
        Pair(HeatmapClock.self, Operations.GetAnalyticsHeatmap.Input.Query.ByPayload.self, requestOnly: true),
        // Both ways, or responses (domain → contract): every domain value has its contract case.
        Pair(ImportIssue.Effect.self, Components.Schemas.ImportIssue.EffectPayload.self),
        Pair(LedgerKind.self, Components.Schemas.LedgerKind.self),
        Pair(LedgerCause.self, Components.Schemas.LedgerEntry.CausedByPayload.self),
        Pair(NotificationType.self, Components.Schemas.NotificationType.self),
        Pair(Scope.self, Components.Schemas.Scope.self),
        Pair(WebhookKind.self, Components.Schemas.WebhookKind.self),
        Pair(BetMarketKind.self, Components.Schemas.BetMarket.self),
        Pair(BetSelection.self, Components.Schemas.BetSelection.self),
        Pair(BetStatus.self, Components.Schemas.BetStatus.self),
        Pair(BetSource.self, Components.Schemas.Bet.SourcePayload.self),
        Pair(StakeSizingReason.Code.self, Components.Schemas.StakeSuggestionReason.CodePayload.self),
        Pair(DevigMethod.self, Components.Schemas.DevigMethod.self),
        Pair(AnalyticsPeriodLength.self, Components.Schemas.AnalyticsWinRate.PeriodLengthPayload.self),
        Pair(BacktestStatus.self, Components.Schemas.BacktestStatus.self),
        Pair(AgentComparison.Period.self, Components.Schemas.AgentComparison.PeriodPayload.self),
    ]

    @Test(arguments: pairs)
    func bothSidesHoldTheSameValues(_ pair: Pair) {
        if pair.contractMayBeNarrower {
            #expect(pair.contract.subtracting(pair.domain).isEmpty, "the contract accepts values the domain lacks")
        } else {
            #expect(pair.domain == pair.contract)
        }
    }

    @Test func aValueTheOtherSideLacksIsAFaultNotAStandIn() throws {
        #expect(throws: APIError.internalError) {
            _ = try BetStatus.pending.bridged(Components.Schemas.Bet.SourcePayload.self)
        }
        #expect(try BetOutcome.halfWon.bridged(Components.Schemas.BetStatus.self) == .halfWon)
    }

    /// The enums that cross by exhaustive switch (`Market+API.swift`, `OpportunitiesAPI.swift`, `Role+API.swift`,
    /// `AlertPreferences+API.swift`): the compiler checks
    /// that every case is mapped, this that each maps to the case of the same wire value and back.
    @Test func exhaustiveBridgesKeepTheWireValue() {
        Self.roundTrip(MarketType.self, Components.Schemas.Market.init, MarketType.init)
        Self.roundTrip(PriceOutcome.self, Components.Schemas.Outcome.init, PriceOutcome.init)
        Self.roundTrip(ResultOutcome.self, Components.Schemas.ResultOutcome.init, ResultOutcome.init)
        Self.roundTrip(MatchResultSelection.self, Components.Schemas.MatchWinner.init, MatchResultSelection.init)
        Self.roundTrip(BetOutcome.self, Components.Schemas.Grade.init, BetOutcome.init)
        Self.roundTrip(Verdict.self, Components.Schemas.Verdict.init, Verdict.init)
        Self.roundTrip(Role.self, Components.Schemas.Role.init, Role.init)
        Self.roundTrip(UserStatus.self, Components.Schemas.UserStatus.init, UserStatus.init)
        Self.roundTrip(NotificationChannel.self, Components.Schemas.NotificationChannel.init, NotificationChannel.init)
    }

    private static func roundTrip<Domain: CaseIterable & RawRepresentable & Equatable, Contract: CaseIterable & RawRepresentable>(
        _: Domain.Type, _ toContract: (Domain) -> Contract, _ toDomain: (Contract) -> Domain
    ) where Domain.RawValue == String, Contract.RawValue == String {
        #expect(Domain.allCases.count == Contract.allCases.count, "\(Domain.self) ↔ \(Contract.self)")
        for value in Domain.allCases {
            let wire = toContract(value)
            #expect(wire.rawValue == value.rawValue, "\(Domain.self).\(value) goes out as \(wire.rawValue)")
            #expect(toDomain(wire) == value, "\(Contract.self).\(wire) comes back as another case")
        }
    }
}
