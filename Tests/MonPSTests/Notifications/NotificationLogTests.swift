import Foundation
import HummingbirdTesting
import MonPSCore
import Testing
@testable import MonPS

/// The event log and the outbox: what each producer records, for whom, the deliveries it enqueues, and the API.
@Suite("Notifications: the event log, its producers and the outbox", .hangGuard)
struct NotificationLogTests {
    /// A webhook row as the webhooks API stores it (its target is irrelevant here: nothing is sent).
    static func webhook(_ database: Database, user: UUID, events: [String]) async throws -> UUID {
        try #require(try await database.query(
            """
            INSERT INTO webhooks (user_id, kind, name, target_sealed, target_display, events)
            VALUES (\(user), 'generic', 'sink', 'sealed', 'sink.example', \(events)) RETURNING id
            """).first).decode(UUID.self)
    }

    static func settings(_ client: any TestClientProtocol, _ user: BettingFixture.User, alerts: String) async throws {
        let response = try await client.postJSON("/v1/settings", #"{"alerts":\#(alerts)}"#, token: user.token, method: .put)
        #expect(response.status == .ok, "\(response.text)")
    }

    static func events(_ client: any TestClientProtocol, _ user: BettingFixture.User, query: String = "") async throws
        -> (items: [[String: Any]], unread: Int)
    {
        let response = try await client.get("/v1/notifications\(query)", token: user.token)
        #expect(response.status == .ok, "\(response.text)")
        let body = try response.json()
        return (body["data"] as? [[String: Any]] ?? [], body["unread"] as? Int ?? -1)
    }

    @Test func aSettledBetIsRecordedOnceWithItsDeliveriesAndCanBeReadAndMarked() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let database = app.services.database
            let user = try await fixture.user()
            let other = try await fixture.user()
            let bankroll = try #require(UUID(uuidString: try await fixture.bankrollID(user, initial: 100_000)))
            let (_, _, finished) = try await fixture.seedEvents()  // Man United 2–1 Liverpool
            let settledHook = try await Self.webhook(database, user: user.id, events: ["bet.settled"])
            _ = try await Self.webhook(database, user: user.id, events: ["bet.clv"])
            // Email and webhook on, but bet.settled only to the webhook and the stream.
            try await Self.settings(
                client, user,
                alerts: #"{"email":true,"websocket":true,"webhook":true,"min_edge":0.1,"channels":{"bet.settled":["webhook","websocket"]}}"#)
            let bet = try await SettlementTests.placeHistoricalBet(
                database, user: user.id, bankroll: bankroll, event: finished, market: "h2h", selection: "home",
                bookmaker: "bet365", odds: 2.05)

            let run = try await app.services.jobs.runNow("bets.settle", trigger: .manual)
            #expect(run.items == 1)
            let (items, unread) = try await Self.events(client, user)
            #expect(items.count == 1)
            #expect(unread == 1)
            let event = try #require(items.first)
            #expect(event["type"] as? String == "bet.settled")
            #expect(event["subject"] as? String == bet.uuidString.lowercased())
            #expect(event["read_at"] == nil)
            let payload = try #require(event["payload"] as? [String: Any])
            #expect(payload["status"] as? String == "won")
            #expect(payload["payout"] as? Int == 20_500)
            #expect(payload["profit"] as? Int == 10_500)
            #expect(payload["currency"] as? String == "EUR")
            #expect(payload["event"] as? String == "Man United v Liverpool")

            // One webhook delivery (the endpoint subscribed to bet.settled), no email: the user narrowed the type.
            let deliveries = try await database.query(
                "SELECT channel, webhook_id, status FROM notification_deliveries WHERE user_id = \(user.id)"
            ).map { try $0.decode((String, UUID?, String).self) }
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.0 == "webhook")
            #expect(deliveries.first?.1 == settledHook)
            #expect(deliveries.first?.2 == "pending")

            // Recording the same cause again adds nothing.
            let again = try await database.transaction { connection in
                try await app.services.notifications.outbox.record(
                    try await BetNotice.drafts(.betSettled, betIDs: [bet], on: connection), on: connection)
            }
            #expect(again.isEmpty)
            #expect(try await database.count("SELECT count(*) FROM notification_deliveries") == 1)

            // Nobody else sees it.
            #expect(try await Self.events(client, other).items.isEmpty)

            let id = try #require(event["id"] as? Int)
            let bad = try await client.postJSON("/v1/notifications/read", #"{"ids":[\#(id)],"up_to":\#(id)}"#, token: user.token)
            try bad.expectProblem(.unprocessableContent, slug: "validation-failed", field: "ids")
            let notMine = try await client.postJSON("/v1/notifications/read", #"{"ids":[\#(id)]}"#, token: other.token)
            #expect(try notMine.json()["updated"] as? Int == 0)
            let marked = try await client.postJSON("/v1/notifications/read", #"{"up_to":\#(id)}"#, token: user.token)
            #expect(marked.status == .ok)
            #expect(try marked.json()["updated"] as? Int == 1)
            #expect(try marked.json()["unread"] as? Int == 0)
            #expect(try await Self.events(client, user, query: "?unread=true").items.isEmpty)
            #expect(try await Self.events(client, user, query: "?type=bet.settled").items.count == 1)
            #expect(try await Self.events(client, user, query: "?type=bet.clv").items.isEmpty)
        }
    }

    @Test func quietHoursDeferWebhookDeliveriesToTheirEnd() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let database = app.services.database
            let user = try await fixture.user()
            _ = try await Self.webhook(database, user: user.id, events: ["bet.settled"])
            // Quiet from an hour ago to an hour from now (UTC, the default zone).
            func hhmm(_ date: Date) -> String {
                let (_, second) = UTCCalendar.split(epochSeconds: Int(date.timeIntervalSince1970))
                let hours = second / 3600, minutes = second % 3600 / 60
                return String(format: "%02d:%02d", hours, minutes)
            }
            let now = Date()
            try await Self.settings(
                client, user,
                alerts: #"{"email":false,"websocket":true,"webhook":true,"min_edge":0.1,"quiet_hours":{"start":"\#(hhmm(now.addingTimeInterval(-3600)))","end":"\#(hhmm(now.addingTimeInterval(3600)))"}}"#)
            let stored = try await client.get("/v1/settings", token: user.token).json()
            let quiet = try #require((stored["alerts"] as? [String: Any])?["quiet_hours"] as? [String: Any])
            #expect(quiet["end"] as? String == hhmm(now.addingTimeInterval(3600)))

            let recorded = try await database.transaction { connection in
                try await app.services.notifications.outbox.record(
                    [try NotificationDraft(userID: user.id, type: .betSettled, subject: "quiet-test", payload: ["status": "won"])],
                    on: connection, at: now)
            }
            #expect(recorded.count == 1)
            let due = try #require(try await database.query(
                "SELECT next_attempt_at FROM notification_deliveries WHERE user_id = \(user.id)").first?.decode(Date.self))
            #expect(due > now.addingTimeInterval(59 * 60))
            #expect(due <= now.addingTimeInterval(3600))
        }
    }

    @Test func opportunityAlertsFollowEachUsersThresholdSportAndVerdict() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let database = app.services.database
            _ = try await OpportunitiesTests.seed(app)
            let detector = OpportunityDetector(
                database: database, logger: TestEnvironment.logger, outbox: app.services.notifications.outbox)
            // First a run nobody hears of, to learn the opportunity's edge and verdict.
            let quiet = OpportunityDetector(database: database, logger: TestEnvironment.logger)
            #expect(try await quiet.detect(now: Date()).active == 1)
            let (edge, verdict) = try #require(try await database.query("SELECT edge, verdict FROM opportunities").first?
                .decode((Double, String).self))
            let under = try await fixture.user(), over = try await fixture.user()
            let otherSport = try await fixture.user(), otherVerdict = try await fixture.user()
            let viewer = try await fixture.user(role: .viewer)
            let low = edge - 0.001
            try await Self.settings(client, under, alerts: #"{"email":false,"websocket":true,"webhook":false,"min_edge":\#(low)}"#)
            try await Self.settings(client, over, alerts: #"{"email":false,"websocket":true,"webhook":false,"min_edge":\#(edge + 0.001)}"#)
            try await Self.settings(
                client, otherSport, alerts: #"{"email":false,"websocket":true,"webhook":false,"min_edge":\#(low),"sports":["icehockey_nhl"]}"#)
            let otherSide = verdict == "analyze" ? "caution" : "analyze"
            try await Self.settings(
                client, otherVerdict, alerts: #"{"email":false,"websocket":true,"webhook":false,"min_edge":\#(low),"verdicts":["\#(otherSide)"]}"#)
            // The viewer keeps the defaults (min_edge 0.10): hears of it only when the edge reaches 10%.

            // Accounts that never saved settings (the viewer, the admin that created it…) have the 0.10 default.
            let defaults = try await database.count(
                "SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM user_settings s WHERE s.user_id = u.id)")
            let summary = try await detector.detect(now: Date())
            #expect(summary.active == 1)
            let (heard, _) = try await Self.events(client, under)
            #expect(heard.count == 1)
            let payload = try #require(heard.first?["payload"] as? [String: Any])
            #expect(payload["event"] as? String == "Arsenal v Chelsea")
            #expect(abs((payload["edge"] as? Double ?? 0) - edge) < 1e-9)
            #expect(payload["verdict"] as? String == verdict)
            #expect(try await Self.events(client, over).items.isEmpty)
            #expect(try await Self.events(client, otherSport).items.isEmpty)
            #expect(try await Self.events(client, otherVerdict).items.isEmpty)
            #expect(try await Self.events(client, viewer).items.count == (edge >= 0.10 ? 1 : 0))
            #expect(summary.notified == 1 + (edge >= 0.10 ? defaults : 0))

            // Found again: nobody hears of it twice.
            #expect(try await detector.detect(now: Date()).notified == 0)
            #expect(try await Self.events(client, under).items.count == 1)
        }
    }

    @Test func kickoffRemindersGoOutOnceAndOldEventsArePruned() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let database = app.services.database
            let user = try await fixture.user()
            let bankroll = try #require(UUID(uuidString: try await fixture.bankrollID(user)))
            let soon = try await app.services.loader.load(
                [SampleEvents.footballMatch(home: "Everton", away: "Fulham", startsAt: Date().addingTimeInterval(20 * 60),
                                            externalID: "kickoff-soon", result: nil),
                 SampleEvents.footballMatch(home: "Everton", away: "Leeds", startsAt: Date().addingTimeInterval(3 * 3600),
                                            externalID: "kickoff-later", result: nil)],
                source: .file(.genericCSV)).eventIDs
            let near = try await SettlementTests.placeHistoricalBet(
                database, user: user.id, bankroll: bankroll, event: soon[0], market: "h2h", selection: "draw",
                bookmaker: "bet365", odds: 3.40)
            _ = try await SettlementTests.placeHistoricalBet(
                database, user: user.id, bankroll: bankroll, event: soon[1], market: "h2h", selection: "home",
                bookmaker: "bet365", odds: 2.05)
            let first = try await app.services.jobs.runNow("notifications.kickoff", trigger: .manual)
            #expect(first.items == 1)
            #expect(try await app.services.jobs.runNow("notifications.kickoff", trigger: .manual).items == 0)
            let (items, _) = try await Self.events(client, user)
            #expect(items.map { $0["type"] as? String } == ["bet.kickoff_soon"])
            #expect(items.first?["subject"] as? String == near.uuidString.lowercased())

            // An event older than 7 days goes; the fresh one stays.
            try await database.query(
                """
                INSERT INTO notification_events (user_id, type, subject, payload, created_at)
                VALUES (\(user.id), 'bet.settled', 'old', '{}', now() - interval '8 days')
                """)
            let pruned = try await app.services.jobs.runNow("notifications.prune", trigger: .manual)
            #expect(pruned.items == 1)
            #expect(try await database.count("SELECT count(*) FROM notification_events") == 1)

            // Account tokens a day past their expiry go; one that expired an hour ago stays.
            for (hash, expired) in [(String(repeating: "a", count: 64), "2 days"), (String(repeating: "b", count: 64), "1 hour")] {
                try await database.query(
                    """
                    INSERT INTO account_tokens (user_id, purpose, token_hash, created_at, expires_at)
                    VALUES (\(user.id), 'password_reset', \(hash), now() - interval '3 days', now() - \(expired)::interval)
                    """)
            }
            #expect(try await app.services.jobs.runNow("accounts.prune", trigger: .manual).items == 1)
            #expect(try await database.count("SELECT count(*) FROM account_tokens") == 1)
        }
    }

    struct FailingJob: Job {
        var name: String { "test.fails" }
        var summary: String { "always fails" }
        var interval: Duration { .seconds(3600) }
        func run(_ context: JobContext) async throws -> JobOutcome { throw TestFailure("boom") }
    }

    @Test func aFailedJobIsToldToAdminsOnly() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let admin = try await fixture.user(role: .admin), user = try await fixture.user()
            let runner = JobRunner(
                jobs: [FailingJob()], database: app.services.database, outbox: app.services.notifications.outbox,
                logger: TestEnvironment.logger)
            let run = try await runner.runNow("test.fails", trigger: .manual)
            #expect(run.status == .failed)
            let (items, _) = try await Self.events(client, admin)
            #expect(items.count == 1)
            #expect(items.first?["type"] as? String == "job.failed")
            #expect((items.first?["payload"] as? [String: Any])?["job"] as? String == "test.fails")
            #expect(try await Self.events(client, user).items.isEmpty)
        }
    }

    @Test func aFinishedBacktestIsToldToItsRequester() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let user = try await fixture.user(), other = try await fixture.user()
            let queued = try await client.postJSON("/v1/backtests", #"{"strategy":"steam"}"#, token: user.token)
            #expect(queued.status == .accepted, "\(queued.text)")
            let id = try #require(try queued.json()["id"] as? String)
            // The request starts backtests.run itself: wait for its event.
            var items: [[String: Any]] = []
            for _ in 0..<300 where items.isEmpty {
                items = try await Self.events(client, user).items
                if items.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(items.map { $0["type"] as? String } == ["backtest.finished"])
            let payload = try #require(items.first?["payload"] as? [String: Any])
            #expect(payload["backtest_id"] as? String == id)
            #expect(payload["strategy"] as? String == "steam")
            #expect(["succeeded", "failed"].contains(payload["status"] as? String ?? ""))
            #expect(try await Self.events(client, other).items.isEmpty)
        }
    }

    @Test func lowCreditsAreToldToAdminsOnceADay() async throws {
        let server = OddsAPIFakeServer()
        server.stub("/v4/sports", .json(OddsAPIFixtures.sports, quota: (10, 490, 0)))
        try await server.run { port in
            let app = try await TestApp.make(overrides: [
                "MONPS_ODDS_API_URL": "http://127.0.0.1:\(port)", "MONPS_ODDS_API_KEY": "test-key-123",
                "MONPS_RATE_LIMITS": #"{"auth":{"*":{"limit":1000,"window":60}}}"#,
            ])
            try await app.test { client in
                let fixture = BettingFixture(app: app, client: client)
                let admin = try await fixture.user(role: .admin), user = try await fixture.user()
                try await app.services.database.query("UPDATE sports SET active = (key = 'soccer_epl')")
                _ = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                _ = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                let (items, _) = try await Self.events(client, admin)
                #expect(items.map { $0["type"] as? String } == ["quota.low"])
                let payload = try #require(items.first?["payload"] as? [String: Any])
                #expect(payload["remaining"] as? Int == 10)
                #expect(payload["reserve"] as? Int == 25)
                var exposition: [UInt8] = []
                app.services.registry.emit(into: &exposition)
                #expect(String(decoding: exposition, as: UTF8.self).contains("monps_odds_api_credits_remaining 10"))
                #expect(try await Self.events(client, user).items.isEmpty)
            }
        }
    }
}
