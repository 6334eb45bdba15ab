import AsyncHTTPClient
import Foundation
import Logging
import MonPSCore
import Prometheus

/// What both collection jobs share: the client settings, the loader and the sports to collect.
struct OddsFeed: Sendable {
    let platform: PlatformSettingsStore
    let database: Database
    let loader: OddsLoader
    let cache: ResponseCache?
    /// No redirects: the API key travels in the query.
    let http: OutboundHTTPClients
    /// Tells admins when the credits left fall under the reserve (`quota.low`, once a day).
    var outbox: NotificationOutbox?
    /// `monps_odds_api_credits_remaining`, the balance the last run saw (what the credits alert watches).
    var creditsRemaining: Gauge?
    /// The process clock: when a sport is due, and the day of a credits warning.
    var now: @Sendable () -> Date = Date.init

    /// A fresh client per run: its credit counter is that run's credits used.
    func client(logger: Logger) throws -> OddsAPIClient? {
        let config = platform.config
        guard let key = platform.oddsAPIKey else { return nil }
        let configuration = OddsAPIConfiguration(
            baseURL: config.oddsAPIBaseURL, apiKey: key, regions: config.oddsAPIRegions,
            reserveCredits: config.oddsAPIReserveCredits)
        return OddsAPIClient(configuration: configuration, httpClient: try http.client(), logger: logger)
    }

    /// Active catalogue sports that The Odds API covers: (MonPS key, Odds API key). Tennis has no fixed key: The Odds
    /// API lists it per tournament and the active set changes every week, so the active `tennis_atp_*` and
    /// `tennis_wta_*` keys of `listed` (the free `/v4/sports` answer of this very run) are collected into the
    /// catalogue's `tennis_atp` / `tennis_wta` while those are active. A tournament that ends drops out by itself.
    func sports(listed: [OddsAPISport]) async throws -> [(key: String, oddsAPIKey: String)] {
        let rows = try await database.query("SELECT key, odds_api_key FROM sports WHERE active ORDER BY key").map { row in
            let read = RowReader(row)
            return (try read("key", String.self), try read("odds_api_key", String?.self))
        }
        let fixed = rows.compactMap { key, remote in remote.map { (key: key, oddsAPIKey: $0) } }
        return fixed + Self.tennisTournaments(listed, activeTours: Set(rows.map(\.0)))
    }

    /// The active tournaments of `listed` for each active tour (outright markets excluded), by key.
    static func tennisTournaments(_ listed: [OddsAPISport], activeTours: Set<String>) -> [(key: String, oddsAPIKey: String)] {
        listed.filter { $0.active && !$0.hasOutrights }.compactMap { sport -> (key: String, oddsAPIKey: String)? in
            guard let tour = ["tennis_atp", "tennis_wta"].first(where: { sport.key.hasPrefix($0 + "_") }),
                  activeTours.contains(tour) else { return nil }
            return (tour, sport.key)
        }.sorted { $0.oddsAPIKey < $1.oddsAPIKey }
    }

    static let notConfigured = JobOutcome.skipped("no Odds API key (MONPS_ODDS_API_KEY or the admin settings): nothing collected")

    /// Whether `sport`'s collection interval has passed since its last collection (a few seconds' slack so a
    /// sport on the job's own interval is never skipped by timing jitter).
    func isDue(_ sport: String) async throws -> Bool {
        guard let last = try await database.query(
            "SELECT last_collected FROM odds_collection_state WHERE sport_key = \(sport)").first?.decode(Date.self)
        else { return true }
        let interval = Double(platform.oddsInterval(for: sport).components.seconds)
        return now().timeIntervalSince(last) >= interval - 5
    }

    func markCollected(_ sport: String) async throws {
        try await database.query(
            """
            INSERT INTO odds_collection_state (sport_key, last_collected) VALUES (\(sport), now())
            ON CONFLICT (sport_key) DO UPDATE SET last_collected = excluded.last_collected
            """)
    }

    /// Runs `collect` for every sport with a fresh client; an upstream error costs that sport only, except
    /// those that will fail every sport (credits, key), which end the run. Credits used come from the client.
    /// `collect` returns what it loaded; the jobs the loads call for are started once, after every sport.
    func eachSport(
        logger: Logger, summary: (JobOutcome) -> String, follow: (String) -> Void,
        _ collect: (OddsAPIClient, _ sport: (key: String, oddsAPIKey: String), inout JobOutcome, inout [String])
            async throws -> LoadSummary?
    ) async throws -> JobOutcome {
        guard let client = try client(logger: logger) else { return Self.notConfigured }
        var outcome = JobOutcome()
        var notes: [String] = []
        var loaded = LoadSummary()
        // Free call: learns the credit balance before any paid one, and which tennis tournaments are on.
        let listed = try await client.sports()
        for sport in try await sports(listed: listed) {
            do {
                if let load = try await collect(client, sport, &outcome, &notes) { loaded = loaded + load }
            } catch let error as OddsAPIError {
                outcome.errors += 1
                notes.append("\(sport.key): \(error)")
                if error.failsEverySport { break }
            }
        }
        outcome.creditsUsed = await client.creditsSpent
        if let remaining = await client.quota.remaining {
            creditsRemaining?.set(Double(remaining))
            await warnIfLow(remaining: remaining)
        }
        outcome.message = notes.isEmpty ? summary(outcome) : notes.joined(separator: "; ")
        loaded.followUpJobs.forEach(follow)
        if loaded.snapshotsAdded + loaded.resultsStored > 0 { try? await cache?.invalidate(tag: "events") }
        return outcome
    }
}

extension OddsFeed {
    /// `quota.low` for admins when `remaining` is under the reserve: one event per UTC day (its subject).
    func warnIfLow(remaining: Int) async {
        let reserve = platform.config.oddsAPIReserveCredits
        guard let outbox, remaining < reserve else { return }
        struct Low: Encodable {
            let remaining: Int
            let reserve: Int
        }
        let (year, month, day) = UTCCalendar.civil(fromDays: Int(now().timeIntervalSince1970) / 86_400)
        await outbox.tellAdmins(
            type: .quotaLow, subject: "credits:\(year)-\(month)-\(day)", payload: Low(remaining: remaining, reserve: reserve),
            database: database)
    }
}

/// `odds.collect`: current prices of every active sport into the time series, each sport at its own frequency
/// (platform settings; the job wakes as often as the most frequent sport needs).
struct OddsCollectionJob: Job {
    let feed: OddsFeed
    var interval: Duration { feed.platform.oddsTick }

    var name: String { "odds.collect" }
    var summary: String { "Current h2h, spreads and totals prices from The Odds API, for every active sport" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        var due: [String: Bool] = [:]
        return try await feed.eachSport(
            logger: context.logger, summary: { "\($0.items) new price(s)" }, follow: context.follow
        ) { client, sport, outcome, notes in
            // A manual run collects everything now; a scheduled one only the sports that are due, decided once per
            // catalogue sport before any of its keys is marked (several tennis tournaments share one sport).
            if context.trigger == .schedule {
                let isDue: Bool
                if let known = due[sport.key] { isDue = known } else { isDue = try await feed.isDue(sport.key) }
                due[sport.key] = isDue
                if !isDue { return nil }
            }
            let batch = try await client.odds(sportKey: sport.oddsAPIKey, monpsSportKey: sport.key)
            let loaded = try await feed.loader.load(batch.events, source: .oddsAPI, options: LoadOptions(updatesSchedule: true))
            outcome.items += loaded.snapshotsAdded
            outcome.errors += batch.issues.count + loaded.rejected.count
            if !batch.issues.isEmpty { notes.append("\(sport.key): \(batch.issues.count) item(s) skipped") }
            if let first = loaded.rejected.first {
                notes.append("\(sport.key): \(loaded.rejected.count) event(s) with refused prices, e.g. \(first.reason)")
            }
            try await feed.markCollected(sport.key)
            return loaded
        }
    }
}

/// `scores.collect`: final scores of the last three days, so bets can settle.
struct ScoresCollectionJob: Job {
    let feed: OddsFeed
    var interval: Duration
    var daysFrom = 3

    var name: String { "scores.collect" }
    var summary: String { "Final scores of the last \(daysFrom) days from The Odds API" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        try await feed.eachSport(
            logger: context.logger, summary: { "\($0.items) result(s) stored" }, follow: context.follow
        ) { client, sport, outcome, _ in
            let batch = try await client.scores(sportKey: sport.oddsAPIKey, monpsSportKey: sport.key, daysFrom: daysFrom)
            let finished = batch.items.enumerated().compactMap { index, score -> ImportedEvent? in
                guard score.completed, let result = score.result else { return nil }
                return ImportedEvent(
                    sportKey: score.sportKey, competition: nil, home: score.home, away: score.away,
                    startsAt: score.startsAt, externalID: score.externalID, snapshots: [], result: result,
                    sourceLine: index + 1)
            }
            let loaded = try await feed.loader.load(finished, source: .oddsAPI)
            outcome.items += loaded.resultsStored
            outcome.errors += batch.issues.count + loaded.rejected.count
            return loaded
        }
    }
}

extension OddsAPIError {
    /// Errors that the next sport would meet too (credits, key): the run stops instead of trying them all.
    var failsEverySport: Bool {
        switch self {
        case .quotaReserved, .quotaExhausted, .unauthorized: true
        default: false
        }
    }
}
