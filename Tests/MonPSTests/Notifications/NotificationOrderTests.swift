import Foundation
import HummingbirdTesting
import MonPSCore
import Testing
@testable import MonPS

/// The live stream reads a user's log after the last id it sent, so a user's event ids must follow commit order:
/// two transactions recording for one user take their ids one after the other's commit (real PostgreSQL).
@Suite("Notifications: a user's event ids follow commit order", .hangGuard)
struct NotificationOrderTests {
    static func draft(_ user: UUID, _ subject: String) throws -> NotificationDraft {
        try NotificationDraft(
            userID: user, type: .betSettled, subject: subject, payload: StreamEvents.Payload(status: "won", profit: 1))
    }

    @Test func aSecondTransactionForTheSameUserWaitsForTheFirstsCommit() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let user = try await fixture.user(), other = try await fixture.user()
            let database = app.services.database, outbox = app.services.notifications.outbox
            let (recordedFirst, firstRecorded) = AsyncStream<Void>.makeStream()
            let (release, released) = AsyncStream<Void>.makeStream()

            // The first records an event and stays open until released.
            let first = Task {
                try await database.transaction { connection in
                    let recorded = try await outbox.record([try Self.draft(user.id, "first")], on: connection)
                    firstRecorded.yield()
                    for await _ in release { break }
                    return recorded
                }
            }
            for await _ in recordedFirst { break }
            let second = Task {
                try await database.transaction { connection in
                    try await outbox.record([try Self.draft(user.id, "second")], on: connection)
                }
            }
            var waiting = 0
            for _ in 0..<200 where waiting == 0 {
                try await Task.sleep(for: .milliseconds(50))
                waiting = try await database.count(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            }
            #expect(waiting == 1, "the second transaction waits for the first")
            // Another user's events are not held up.
            let unrelated = try await database.transaction { connection in
                try await outbox.record([try Self.draft(other.id, "other")], on: connection)
            }
            #expect(unrelated.count == 1)

            released.yield()
            let firstIDs = try await first.value, secondIDs = try await second.value
            #expect(firstIDs.count == 1 && secondIDs.count == 1)
            #expect(secondIDs[0].id > firstIDs[0].id)
            #expect(unrelated[0].id < secondIDs[0].id)
        }
    }
}
