import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Synchronization
import Testing
@testable import MonPS

/// No credential reaches a log line: neither through the error descriptions the HTTP layer logs (OpenAPIRuntime's
/// `ServerError` prints the whole request, headers included) nor through anything else written to the log.
@Suite("Log redaction")
struct LogRedactionTests {
    static let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    static let apiToken = "mps_AbCdEf0123456789AbCdEf0123456789xyz"

    /// A line holding a credential, named by what it shows: the test log lists arguments, and must not list secrets.
    struct CredentialLine: Sendable, CustomTestStringConvertible {
        var name: String
        var line: String
        var testDescription: String { name }
    }

    @Test("credentials are masked wherever they appear", arguments: [
        CredentialLine(name: "authorization header", line: "authorization: Bearer \(jwt)"),
        CredentialLine(name: "header list", line: "headers: [Authorization: Bearer \(jwt)]"),
        CredentialLine(name: "API token in prose", line: "token \(apiToken) used"),
        CredentialLine(name: "JSON password", line: #"{"email":"a@b.c","password":"hunter2-secret"}"#),
        CredentialLine(name: "Odds API key in a URL", line: "GET /v4/sports/soccer_epl/odds?apiKey=0123456789abcdef&regions=uk"),
        CredentialLine(name: "refresh cookie", line: "cookie: monps_refresh=abcdef0123456789"),
        CredentialLine(name: "form refresh token", line: "refresh_token=rt_0123456789abcdef0123"),
    ])
    func masked(_ sample: CredentialLine) {
        let scrubbed = LogRedaction.scrub(sample.line)
        for secret in [Self.jwt, Self.apiToken, "hunter2-secret", "0123456789abcdef", "abcdef0123456789", "rt_0123456789abcdef0123"] {
            // The message names the sample, never the unmasked line (it would put the secret in the test log).
            #expect(!scrubbed.contains(secret), "\(sample.name): a credential survived scrubbing")
        }
        #expect(scrubbed.contains(LogRedaction.mask))
    }

    @Test func ordinaryLinesAreUntouched() {
        let line = #"ts=2026-12-05 level=info msg=request method=GET route=/v1/bets status=200 duration_ms=1.20"#
        #expect(LogRedaction.scrub(line) == line)
    }

    @Test("a failed authenticated request's error line, as the log handler writes it, holds no bearer token")
    func serverErrorThroughTheLogHandler() {
        var request = HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/v1/bets")
        request.headerFields[.authorization] = "Bearer \(Self.jwt)"
        let error = ServerError(
            operationID: "listBets", request: request, requestBody: nil, requestMetadata: .init(), operationInput: nil,
            operationOutput: nil, causeDescription: "User handler threw an error.", underlyingError: CancellationError())
        #expect(String(reflecting: error).contains(Self.jwt), "the premise: the runtime's description embeds the header")
        let lines = Mutex<[String]>([])
        let handler = LogfmtLogHandler(label: "test", level: .trace) { line in lines.withLock { $0.append(line) } }
        let logger = Logger(label: "test") { _ in handler }
        logger.error("request failed", metadata: ["error": .string(String(reflecting: error))])
        logger.error("request failed", metadata: ["error": .string(LogRedaction.describe(error))])
        let written = lines.withLock { $0 }
        #expect(written.count == 2)
        #expect(written.allSatisfy { !$0.contains(Self.jwt) }, "\(written)")
    }
}
