import Foundation
import Logging
import MonPSCore

/// Loads the quick start's demo data. Deterministic and idempotent: running it twice changes nothing.
/// Each capability of MonPS adds its step here so a new user sees it working.
struct DemoSeeder: Sendable {
    struct Report: Sendable {
        var lines: [String]
        var summary: String { lines.joined(separator: "\n") }
    }

    /// Local demo accounts. The passwords are public on purpose: this data is for a machine's own quick start.
    static let demoUser = (email: "demo@monps.local", password: "MonPS-demo-2026!", name: "Demo Bettor")
    static let demoAdmin = (email: "admin@monps.local", password: "MonPS-admin-2026!", name: "Demo Admin")

    let database: Database
    let auth: AuthServices
    /// The shared lists a detection run drops.
    let cache: ResponseCache
    let logger: Logger
    var now: @Sendable () -> Date = Date.init

    func seed() async throws -> Report {
        var lines: [String] = []
        lines.append(try await catalogue())
        lines.append(try await accounts())
        lines.append(try await odds())
        lines.append(try await DemoBets(database: database, logger: logger, audit: auth.admin.audit, now: now).seed(for: Self.demoUser.email))
        let found = try await OpportunityDetector(database: database, logger: logger)
            .detect(now: now(), refreshing: cache)
        lines.append("opportunities: \(found.active) active on \(found.events) upcoming events (GET /v1/opportunities)")
        lines.append(try await backtest())
        return Report(lines: lines)
    }

    /// The demo bettor's first backtest: the consensus over the demo history, already finished.
    private func backtest() async throws -> String {
        guard let user = try await database.query("SELECT id FROM users WHERE email = \(Self.demoUser.email)").first?
            .decode(UUID.self)
        else { return "backtest: no demo user" }
        if try await database.query("SELECT 1 FROM backtests WHERE user_id = \(user)").first != nil {
            return "backtest: already there (GET /v1/backtests)"
        }
        let repository = BacktestRepository(database: database)
        let parameters = BacktestParameters(
            strategy: "consensus", staking: .flat(2_500), bankroll: 100_000, seed: BacktestParameters.defaultSeed)
        // The user's first run (checked above), replayed here at once rather than queued: no waiting limit applies.
        let record = try await repository.create(parameters, user: user, admit: { _ in })
        let result = try await BacktestJob.replay(parameters, history: StoredHistory(database: database))
        try await repository.succeed(record.id, summary: result.summary, equity: result.equity, bets: result.bets)
        return "backtest: the consensus over the demo history, \(result.summary.figures.bets) bet(s) "
            + "(GET /v1/backtests/\(record.id.uuidString.lowercased()))"
    }

    /// A user and an admin; existing accounts are left as they are.
    private func accounts() async throws -> String {
        var created: [String] = []
        do {
            _ = try await auth.identity.register(
                email: Self.demoUser.email, password: Self.demoUser.password, displayName: Self.demoUser.name)
            created.append(Self.demoUser.email)
        } catch IdentityError.emailTaken {}
        do {
            _ = try await auth.admin.createAdmin(
                email: Self.demoAdmin.email, password: Self.demoAdmin.password, displayName: Self.demoAdmin.name)
            created.append(Self.demoAdmin.email)
        } catch IdentityError.emailTaken {}
        return """
            accounts: \(created.isEmpty ? "already present" : "created " + created.joined(separator: ", "))
              log in:  curl -s -X POST http://127.0.0.1:8080/v1/auth/login -H 'content-type: application/json' \\
                         -d '{"email":"\(Self.demoUser.email)","password":"\(Self.demoUser.password)"}'
              admin:   \(Self.demoAdmin.email) / \(Self.demoAdmin.password)
            """
    }

    /// Demo events and prices around today (see ``DemoOdds``); loading them again adds nothing.
    private func odds() async throws -> String {
        let events = DemoOdds.events(now: now())
        let summary = try await OddsLoader(database: database, logger: logger, now: now).load(events, source: .demo)
        return """
            demo odds: \(events.count) events (\(summary.eventsCreated) new), \(summary.snapshotsAdded) new prices, \
            \(summary.resultsStored) new results (GET /v1/events, /v1/events/{id}/odds)
            """
    }

    /// The sports catalogue comes with the migrations; report it so the user knows what is there.
    private func catalogue() async throws -> String {
        let rows = try await database.query(
            "SELECT count(*)::int AS sports, count(DISTINCT group_key)::int AS groups FROM sports WHERE active")
        let (sports, groups) = try rows.first.map { row in
            let read = RowReader(row)
            return (try read("sports", Int.self), try read("groups", Int.self))
        } ?? (0, 0)
        return "sports catalogue: \(sports) active sports in \(groups) groups (GET /v1/sports)"
    }
}
