import AsyncHTTPClient
import Foundation
import Testing

@testable import MonPS

@Suite("The Odds API – quota, retries and errors", .hangGuard)
struct OddsAPIClientTests {
    private typealias V = OddsAPITestValues
    private static let oddsPath = "/v4/sports/soccer_epl/odds"
    private static let scoresPath = "/v4/sports/soccer_epl/scores"

    private func odds(_ h: OddsAPIHarness) async throws -> OddsAPIOddsBatch {
        try await h.client.odds(sportKey: "soccer_epl", monpsSportKey: "soccer_epl")
    }

    // MARK: Quota

    @Test("quota headers are parsed, garbage keeps the previous values, credits are summed")
    func quotaHeaders() async throws {
        try await withOddsAPIHarness { h in
            #expect(await h.client.quota == .unknown)
            h.server.stub("/v4/sports", .json("[]", quota: (remaining: 480, used: 20, last: 0)))
            h.server.stub(
                Self.oddsPath,
                .json("[]", quota: (remaining: 471, used: 29, last: 9)),
                .json("[]", headers: ["x-requests-remaining": "462.5", "x-requests-used": "38", "x-requests-last": "9"]))
            h.server.stub(
                "/v4/sports/soccer_epl/events",
                .json("[]", headers: ["x-requests-remaining": "lots", "x-requests-used": "-4", "x-requests-last": ""]))

            _ = try await h.client.sports()
            #expect(await h.client.quota == OddsAPIQuota(remaining: 480, used: 20, last: 0, observedAt: V.now))
            let first = try await odds(h)
            #expect(first.quota == OddsAPIQuota(remaining: 471, used: 29, last: 9, observedAt: V.now))
            let second = try await odds(h)
            // Fractional credits round up (the reserve check errs on the safe side).
            #expect(second.quota == OddsAPIQuota(remaining: 463, used: 38, last: 9, observedAt: V.now))
            let events = try await h.client.events(sportKey: "soccer_epl", monpsSportKey: "soccer_epl")
            #expect(events.quota == second.quota)
            #expect(await h.client.quota == second.quota)
            #expect(await h.client.creditsSpent == 18)
            #expect(await h.client.requestsSent == 4)
        }
    }

    @Test("a paid call within the reserve is refused without any request")
    func reserveRefusal() async throws {
        try await withOddsAPIHarness(initialQuota: OddsAPIQuota(remaining: 25)) { h in
            let oddsError = await oddsAPIError { try await odds(h) }
            #expect(oddsError == .quotaReserved(remaining: 25, reserve: 25))
            let scoresError = await oddsAPIError {
                try await h.client.scores(sportKey: "soccer_epl", monpsSportKey: "soccer_epl", daysFrom: 1)
            }
            #expect(scoresError == .quotaReserved(remaining: 25, reserve: 25))
            #expect(h.server.received.isEmpty)
            #expect(await h.client.requestsSent == 0)
        }
    }

    @Test("the reserve counts the call's own cost and is re-checked before a retry")
    func reserveCountsCost() async throws {
        try await withOddsAPIHarness { h in
            // 30 left, an odds call may cost 3 markets × 3 regions = 9: 21 < 25 → refused.
            h.server.stub("/v4/sports", .json("[]", quota: (remaining: 30, used: 470, last: 0)))
            _ = try await h.client.sports()
            #expect(await oddsAPIError { try await odds(h) } == .quotaReserved(remaining: 30, reserve: 25))
            #expect(h.server.received(path: Self.oddsPath).isEmpty)

            // Scores cost 2: 30 − 2 ≥ 25 → sent; the 500 reports 26 left → the retry is refused.
            h.server.stub(
                Self.scoresPath, .json("{}", status: 500, quota: (remaining: 26, used: 474, last: 0)), .json("[]"))
            let error = await oddsAPIError {
                try await h.client.scores(sportKey: "soccer_epl", monpsSportKey: "soccer_epl", daysFrom: 2)
            }
            #expect(error == .quotaReserved(remaining: 26, reserve: 25))
            #expect(h.server.received(path: Self.scoresPath).count == 1)
        }
    }

    // MARK: Status handling

    @Test("401 is unauthorized, without retry")
    func unauthorized() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub(Self.oddsPath, .error(401, message: "API key is not valid", code: "INVALID_KEY"))
            #expect(await oddsAPIError { try await odds(h) } == .unauthorized(message: "API key is not valid"))
            #expect(h.server.received.count == 1)
            #expect(h.sleeps.waits.isEmpty)
        }
    }

    @Test("500, 500, 200 succeeds on the third request after two jittered backoffs")
    func serverErrorsThenSuccess() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub(
                Self.oddsPath, .error(500, message: "oops"), .error(502, message: "bad gateway"),
                .json(OddsAPIFixtures.odds, quota: (remaining: 400, used: 100, last: 9)))
            let batch = try await odds(h)
            #expect(batch.events.count == 2)
            #expect(h.server.received.count == 3)
            // base 1 ms, jitter 0.5: 0.5 × 1 ms, then 0.5 × 2 ms.
            #expect(h.sleeps.waits == [.microseconds(500), .milliseconds(1)])
        }
    }

    @Test("429 honours Retry-After (capped) and then succeeds")
    func retryAfter() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub(
                Self.oddsPath,
                .error(429, message: "Too many requests", code: "EXCEEDED_FREQ_LIMIT", headers: ["Retry-After": "2"]),
                .error(429, message: "Too many requests", code: "EXCEEDED_FREQ_LIMIT", headers: ["Retry-After": "3600"]),
                .json("[]", quota: (remaining: 400, used: 100, last: 0)))
            _ = try await odds(h)
            #expect(h.server.received.count == 3)
            #expect(h.sleeps.waits == [.seconds(2), .seconds(30)])
        }
    }

    @Test("429 without Retry-After on every attempt is rateLimited after maxAttempts")
    func rateLimitedAfterRetries() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub(Self.oddsPath, .error(429, message: "Too many requests", code: "EXCEEDED_FREQ_LIMIT"))
            #expect(await oddsAPIError { try await odds(h) } == .rateLimited)
            #expect(h.server.received.count == 4)
            #expect(h.sleeps.waits == [.microseconds(500), .milliseconds(1), .milliseconds(2)])
        }
    }

    @Test("quota exhaustion (429 with 0 remaining, or the usage-credits error) is not retried")
    func quotaExhausted() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub(
                Self.oddsPath,
                .error(
                    429, message: "Usage quota has been reached",
                    headers: ["x-requests-remaining": "0", "x-requests-used": "500"]))
            #expect(await oddsAPIError { try await odds(h) } == .quotaExhausted(message: "Usage quota has been reached"))
            #expect(h.server.received.count == 1)
            #expect(await h.client.quota.remaining == 0)

            h.server.stub(Self.scoresPath, .error(401, message: "Out of usage credits", code: "OUT_OF_USAGE_CREDITS"))
            let fresh = OddsAPIClientTests.freshClient(h)
            let error = await oddsAPIError {
                try await fresh.scores(sportKey: "soccer_epl", monpsSportKey: "soccer_epl", daysFrom: 1)
            }
            #expect(error == .quotaExhausted(message: "Out of usage credits"))
            #expect(h.server.received(path: Self.scoresPath).count == 1)
            #expect(h.sleeps.waits.isEmpty)
        }
    }

    @Test("other 4xx fail at once; 5xx fail after maxAttempts with the API message truncated")
    func httpErrors() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub(Self.oddsPath, .error(422, message: "Invalid markets"))
            #expect(await oddsAPIError { try await odds(h) } == .http(status: 422, message: "Invalid markets"))
            #expect(h.server.received.count == 1)

            h.server.stub(Self.oddsPath, .error(503, message: String(repeating: "overloaded ", count: 100)))
            let error = await oddsAPIError { try await odds(h) }
            guard case .http(let status, let message) = error else {
                Issue.record("expected http error, got \(String(describing: error))")
                return
            }
            #expect(status == 503)
            #expect(message.hasPrefix("overloaded overloaded"))
            #expect(message.count == 201)  // 200 characters + "…"
            #expect(h.server.received.count == 1 + 4)
        }
    }

    @Test("a server slower than requestTimeout is a timeout after maxAttempts")
    func timeout() async throws {
        try await withOddsAPIHarness(configure: {
            $0.requestTimeout = .milliseconds(150)
            $0.maxAttempts = 3
        }) { h in
            h.server.stub(Self.oddsPath, .json("[]", delay: .seconds(3)))
            #expect(await oddsAPIError { try await odds(h) } == .timeout)
            #expect(h.server.received.count == 3)
            #expect(h.sleeps.waits.count == 2)
        }
    }

    /// AsyncHTTPClient keeps retrying a refused connection until the deadline, then reports the
    /// connection error: a transport error after `requestTimeout` per attempt.
    @Test("an unreachable server is a transport error or a timeout, after retries")
    func unreachable() async throws {
        try await withOddsAPIHarness(configure: {
            $0.baseURL = "http://127.0.0.1:1"
            $0.requestTimeout = .milliseconds(300)
            $0.maxAttempts = 2
        }) { h in
            let error = await oddsAPIError { try await h.client.sports() }
            switch error {
            case .transport?, .timeout?: break
            default: Issue.record("expected transport or timeout, got \(String(describing: error))")
            }
            #expect(h.sleeps.waits.count == 1)
        }
    }

    @Test("daysFrom outside 1…3 is refused before any request")
    func daysFromValidation() async throws {
        try await withOddsAPIHarness { h in
            for days in [0, 4, -1, 365] {
                let error = await oddsAPIError {
                    try await h.client.scores(sportKey: "soccer_epl", monpsSportKey: "soccer_epl", daysFrom: days)
                }
                #expect(error == .invalidRequest("daysFrom must be 1...3, got \(days)"))
            }
            #expect(h.server.received.isEmpty)
        }
    }

    @Test("the API key appears in no error description and no log line")
    func keyNeverLeaks() async throws {
        let key = V.apiKey
        try await withOddsAPIHarness(configure: { $0.maxAttempts = 2 }) { h in
            var errors: [OddsAPIError?] = []
            // The server echoes the key back in its messages.
            h.server.stub(Self.oddsPath, .error(401, message: "API key \(key) is not valid"))
            errors.append(await oddsAPIError { try await odds(h) })
            h.server.stub(Self.oddsPath, .error(500, message: "failed for apiKey=\(key)"))
            errors.append(await oddsAPIError { try await odds(h) })
            h.server.stub(Self.oddsPath, .error(429, message: "quota of \(key) reached"))
            errors.append(await oddsAPIError { try await odds(h) })
            h.server.stub(Self.oddsPath, .error(418, message: String(repeating: "x", count: 190) + key))
            errors.append(await oddsAPIError { try await odds(h) })
            h.server.stub(Self.oddsPath, .json(#"{"message": "key \#(key)"}"#))
            errors.append(await oddsAPIError { try await odds(h) })
            errors.append(await oddsAPIError {
                try await h.client.scores(sportKey: "soccer_epl", monpsSportKey: "soccer_epl", daysFrom: 9)
            })

            #expect(errors.count == 6)
            for error in errors {
                let error = try #require(error)
                #expect(!error.description.contains(key), "\(error)")
                #expect(!String(describing: error).contains(key))
                #expect(!String(reflecting: error).contains(key))
            }
            #expect(errors[0] == .unauthorized(message: "API key *** is not valid"))
            #expect(!String(describing: h.client.configuration).contains(key))
            #expect(!String(reflecting: h.client.configuration).contains(key))
            #expect(h.server.received.allSatisfy { $0.query["apiKey"] == key })
            let lines = h.logs.lines
            #expect(lines.contains { $0.contains("apiKey=***") })
            #expect(!lines.contains { $0.contains(key) })
        }

        // Transport failures too.
        try await withOddsAPIHarness(configure: {
            $0.baseURL = "http://127.0.0.1:1"
            $0.requestTimeout = .milliseconds(300)
            $0.maxAttempts = 1
        }) { h in
            let error = try #require(await oddsAPIError { try await h.client.sports() })
            #expect(!error.description.contains(key))
            #expect(!h.logs.lines.contains { $0.contains(key) })
        }
    }

    /// A second client on the same server (fresh quota), sharing the harness' recorders. It uses
    /// the process-wide `HTTPClient.shared`, which is never shut down.
    private static func freshClient(_ h: OddsAPIHarness) -> OddsAPIClient {
        OddsAPIClient(configuration: h.client.configuration, httpClient: .shared, logger: h.logs.logger)
    }
}
