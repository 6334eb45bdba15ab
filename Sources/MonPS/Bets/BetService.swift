import Foundation
import MonPSCore

/// Bets: validation and the rules around the repository (events, settings, the maths core). Handlers stay thin.
struct BetService: Sendable {
    let repository: any BetRepository
    let bankrolls: any BankrollRepository
    let settings: any SettingsRepository
    let events: any EventRepository
    let sports: any SportsRepository
    let opportunities: any OpportunityLookup
    var now: @Sendable () -> Date = Date.init

    static let maximumOdds = 10_000.0
    static let maximumStake: Int64 = 1_000_000_000_000_000

    /// What a client asks to record (raw values, checked by `place`).
    struct PlaceRequest: Sendable {
        var eventID: Int64?
        var eventDescription: String?
        var sport: String?
        var competition: String?
        var market: BetMarketKind
        var selection: BetSelection
        var point: Double?
        var bookmaker: String
        var odds: Double
        var stake: Int64
        var bankrollID: UUID?
        var fairProbability: Double?
        var tags: [String]
        var notes: String?
        var isLive: Bool
        var opportunityID: UUID? = nil
        var agent: String? = nil
    }

    func place(_ request: PlaceRequest, userID: UUID, context: AuditContext) async throws -> BetRecord {
        let odds = try Self.odds(request.odds)
        let stake = try Self.stake(request.stake)
        let bookmaker = try Self.bookmaker(request.bookmaker)
        let tags = try Self.tags(request.tags)
        let notes = try BettingText.optionalText(request.notes, field: "notes", maximum: 2000)
        let preferences = try await settings.get(userID: userID)
        let bankrollID = try Self.bankroll(request.bankrollID, settings: preferences)

        var sportKey: String
        var competition = try BettingText.optionalText(request.competition, field: "competition", maximum: 200)
        var description: String?
        if let eventID = request.eventID {
            guard request.eventDescription == nil else {
                throw BettingError.validation(field: "event_description", message: "give event_id or event_description, not both")
            }
            let event = try await existingEvent(eventID)
            try checkTiming(event, isLive: request.isLive)
            if let sport = request.sport, sport != event.sportKey {
                throw BettingError.validation(field: "sport", message: "does not match the event's sport \(event.sportKey)")
            }
            sportKey = event.sportKey
            competition = competition ?? event.competition
        } else {
            guard let text = try BettingText.optionalText(request.eventDescription, field: "event_description", maximum: 200)
            else { throw BettingError.validation(field: "event_id", message: "give event_id, or event_description and sport") }
            guard let sport = request.sport else {
                throw BettingError.validation(field: "sport", message: "is required with event_description")
            }
            sportKey = sport
            description = text
        }
        guard let sport = try await sports.get(key: sportKey) else {
            throw BettingError.validation(field: "sport", message: "is not a sport MonPS knows")
        }
        let line = try BetLine(market: request.market, selection: request.selection, point: request.point, hasDraw: sport.hasDraw)

        var edge: Double?
        var suggested: Double?
        if let probability = request.fairProbability {
            guard probability.isFinite, probability > 0, probability < 1 else {
                throw BettingError.validation(field: "fair_probability", message: "must be between 0 and 1 (exclusive)")
            }
            edge = try? ValueAnalysis.expectedValue(decimalOdds: odds, fairProbability: probability)
            suggested = try? Kelly.fraction(
                probability: probability, decimalOdds: odds, multiplier: preferences.kellyFraction,
                cap: preferences.maxStakeShare)
        }
        let bet = NewBet(
            userID: userID, bankrollID: bankrollID, eventID: request.eventID, eventDescription: description,
            sportKey: sportKey, competition: competition, line: line, bookmaker: bookmaker, odds: odds, stake: stake,
            potentialReturn: try Self.potentialReturn(stake: stake, odds: odds), fairProbability: request.fairProbability,
            edgeAtPlacement: edge, suggestedKellyFraction: suggested, tags: tags, notes: notes,
            source: request.opportunityID == nil ? .manual : .opportunity, isLive: request.isLive,
            opportunityID: request.opportunityID, agent: request.agent)
        return try await repository.create(bet, admit: StakeRules.placing(bet.stake), context: context)
    }

    /// Validates changes to a pending bet and applies them (an empty change returns the bet as it is).
    func update(
        id: UUID, userID: UUID, odds: Double?, stake: Int64?, tags: [String]?, notes: String?, context: AuditContext
    ) async throws -> BetRecord {
        var changes = BetChanges()
        changes.odds = try odds.map(Self.odds)
        changes.stake = try stake.map(Self.stake)
        changes.tags = try tags.map(Self.tags)
        if let notes { changes.notes = .some(try BettingText.optionalText(notes, field: "notes", maximum: 2000)) }
        guard !changes.isEmpty else { return try await get(id: id, userID: userID) }
        return try await repository.update(
            id: id, owner: userID, changes: changes, admit: StakeRules.restaking, context: context)
    }

    func existingEvent(_ id: Int64) async throws -> EventRecord {
        guard id > 0, let event = try await events.get(id: id) else {
            throw BettingError.validation(field: "event_id", message: "no event with id \(id)")
        }
        return event
    }

    /// Not started (scheduled, start in the future) unless a live bet; a live bet needs an event still in play.
    private func checkTiming(_ event: EventRecord, isLive: Bool) throws(BettingError) {
        let started = event.startsAt <= now() || event.status != .scheduled
        if !isLive && started { throw .eventStarted }
        if isLive && ![.scheduled, .live].contains(event.status) {
            throw .validation(field: "event_id", message: "the event is \(event.status.rawValue); it takes no more bets")
        }
    }

    static func bankroll(_ requested: UUID?, settings: UserSettingsRecord) throws(BettingError) -> UUID {
        guard let id = requested ?? settings.defaultBankrollID else {
            throw .validation(field: "bankroll_id", message: "is required: your settings name no default bankroll")
        }
        return id
    }

    static func odds(_ odds: Double) throws(BettingError) -> Double {
        guard Odds.isValidDecimal(odds), odds <= maximumOdds else {
            throw .validation(field: "odds", message: "must be decimal odds greater than 1 and at most \(Int(maximumOdds))")
        }
        return odds
    }

    static func stake(_ stake: Int64) throws(BettingError) -> Int64 {
        guard stake > 0 else { throw .validation(field: "stake", message: "must be greater than 0") }
        guard stake <= maximumStake else { throw .validation(field: "stake", message: "must be at most \(maximumStake)") }
        return stake
    }

    static func bookmaker(_ key: String) throws(BettingError) -> String {
        guard key.range(of: "^[a-z0-9_]{1,64}$", options: .regularExpression) != nil else {
            throw .validation(field: "bookmaker", message: "must be a bookmaker key (a-z, 0-9, _), such as bet365")
        }
        return key
    }

    /// Trimmed, 1–40 characters each, no control characters, duplicates dropped, at most 20.
    static func tags(_ raw: [String]) throws(BettingError) -> [String] {
        var tags: [String] = []
        for value in raw {
            guard let tag = try BettingText.optionalText(value, field: "tags", maximum: 40) else {
                throw .validation(field: "tags", message: "must not contain empty tags")
            }
            guard !tag.contains("\n") else { throw .validation(field: "tags", message: "must be single-line") }
            if !tags.contains(tag) { tags.append(tag) }
        }
        guard tags.count <= 20 else { throw .validation(field: "tags", message: "at most 20 tags") }
        return tags
    }

    static func potentialReturn(stake: Int64, odds: Double) throws(BettingError) -> Int64 {
        do {
            return try Money.payout(stake: stake, decimalOdds: odds)
        } catch {
            throw .validation(field: "stake", message: "stake × odds is too large")
        }
    }
}
