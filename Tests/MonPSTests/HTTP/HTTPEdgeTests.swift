import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing
@testable import MonPS

/// What every response carries and who may cross the edge (issue #14, findings 6–9 and CORS).
@Suite("HTTP edge: security headers, CORS, metrics access, timeouts")
struct HTTPEdgeTests {
    @Test func everyResponseIsNosniffNoReferrerAndPerUserOnesAreNoStore() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_HSTS_MAX_AGE": "31536000"])
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let email = "edge-\(UUID().uuidString.prefix(8))@example.com"
            let token = try await accounts.token(email: email)
            let login = try await client.postJSON(
                "/v1/auth/login", #"{"email":"\#(email)","password":"\#(TestAccounts.password)"}"#)
            let me = try await client.get("/v1/me", token: token)
            let bankrolls = try await client.get("/v1/bankrolls", token: token)
            let shared = try await client.get("/v1/sports", token: token)
            let problem = try await client.get("/v1/nowhere")
            let page = try await client.get("/")
            for response in [login, me, bankrolls, shared, problem, page] {
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
            }
            #expect(login.status == .ok)
            for response in [login, me, bankrolls, problem] {
                #expect(response.headers[.cacheControl] == "no-store", "\(response.status)")
            }
            // Shared, caller-independent data keeps the cache middleware's own policy.
            #expect(shared.status == .ok)
            #expect(shared.headers[.cacheControl] != nil && shared.headers[.cacheControl] != "no-store")
        }
    }

    @Test func noHSTSUnlessConfigured() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/healthz")
            #expect(response.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }

    @Test func corsAnswersAllowedOriginsOnlyWithTheRoutesOwnMethods() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_CORS_ORIGINS": "https://client.example.com, http://localhost:3000"])
        try await app.test { client in
            let preflightHeaders: HTTPFields = [
                HTTPField.Name("Origin")!: "https://client.example.com",
                HTTPField.Name("Access-Control-Request-Method")!: "GET",
            ]
            let summary = try await client.execute(uri: "/v1/bets/summary", method: .options, headers: preflightHeaders)
            #expect(summary.status == .noContent)
            #expect(summary.headers[CORSMiddleware.allowOrigin] == "https://client.example.com")
            #expect(summary.headers[CORSMiddleware.allowMethods] == "GET, HEAD")
            #expect(summary.headers[CORSMiddleware.allowHeaders]?.contains("Authorization") == true)

            let bet = try await client.execute(uri: "/v1/bets/\(UUID())", method: .options, headers: preflightHeaders)
            #expect(bet.headers[CORSMiddleware.allowMethods] == "DELETE, GET, HEAD, PATCH")

            var stranger = preflightHeaders
            stranger[HTTPField.Name("Origin")!] = "https://evil.example.net"
            let refused = try await client.execute(uri: "/v1/bets/summary", method: .options, headers: stranger)
            #expect(refused.status == .methodNotAllowed)
            #expect(refused.headers[CORSMiddleware.allowOrigin] == nil)

            let simple = try await client.execute(
                uri: "/v1/sports", method: .get, headers: [HTTPField.Name("Origin")!: "http://localhost:3000"])
            #expect(simple.status == .ok)
            #expect(simple.headers[CORSMiddleware.allowOrigin] == "http://localhost:3000")
            #expect(simple.headers[CORSMiddleware.exposeHeaders]?.contains("RateLimit") == true)
            #expect(simple.headers[values: .vary].contains { $0.contains("Origin") })

            let problem = try await client.execute(
                uri: "/v1/bankrolls", method: .get, headers: [HTTPField.Name("Origin")!: "http://localhost:3000"])
            #expect(problem.status == .unauthorized)
            #expect(problem.headers[CORSMiddleware.allowOrigin] == "http://localhost:3000", "a client must be able to read its 401")

            let other = try await client.execute(
                uri: "/v1/sports", method: .get, headers: [HTTPField.Name("Origin")!: "https://evil.example.net"])
            #expect(other.headers[CORSMiddleware.allowOrigin] == nil)
        }
    }

    @Test func corsIsOffByDefault() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.execute(
                uri: "/v1/sports", method: .get, headers: [HTTPField.Name("Origin")!: "https://client.example.com"])
            #expect(response.headers[CORSMiddleware.allowOrigin] == nil)
        }
    }

    @Test(arguments: ["*", "https://app.example.com/path", "null", "ftp://x.example.com"])
    func corsOriginsMustBeOrigins(_ origin: String) throws {
        #expect(throws: ConfigError.self) {
            _ = try HTTPEdgeSettings(reading: ConfigReader(environment: ["MONPS_CORS_ORIGINS": origin]))
        }
    }

    @Test func metricsNeedTheirTokenOrALoopbackPeer() async throws {
        let open = try await TestApp.make()
        try await open.test { client in
            // The router test client has no peer address: not loopback.
            let response = try await client.get("/metrics")
            #expect(response.status == .forbidden)
        }
        let guarded = try await TestApp.make(overrides: ["MONPS_METRICS_TOKEN": "scraper-secret-0123456789"])
        try await guarded.test { client in
            #expect(try await client.get("/metrics").status == .unauthorized)
            #expect(try await client.get("/metrics", token: "scraper-secret-012345678x").status == .unauthorized)
            let scraped = try await client.get("/metrics", token: "scraper-secret-0123456789")
            #expect(scraped.status == .ok)
            #expect(scraped.text.contains("monps_http_requests_total"))
        }
        let elsewhere = try await TestApp.make(overrides: ["MONPS_METRICS_ADDRESS": "127.0.0.1:1"])
        try await elsewhere.test { client in
            let response = try await client.get("/metrics")
            #expect(response.status == .notFound)
        }
        #expect(MetricsAccessMiddleware.isLoopback("127.0.0.1"))
        #expect(MetricsAccessMiddleware.isLoopback("::1"))
        #expect(!MetricsAccessMiddleware.isLoopback("10.0.0.1"))
        #expect(!MetricsAccessMiddleware.isLoopback(nil))
    }

    @Test func viewersChangeTheirOwnPassword() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let email = "viewer-\(UUID().uuidString.prefix(8))@example.com"
            let token = try await accounts.token(role: .viewer, email: email)
            let response = try await client.postJSON(
                "/v1/me", #"{"current_password":"\#(TestAccounts.password)","new_password":"Harbour-Violet-93-Compass"}"#,
                token: token, method: .patch)
            #expect(response.status == .ok, "\(response.text)")
            _ = try await accounts.login(email: email, password: "Harbour-Violet-93-Compass")
        }
    }

    @Test func slowHeadersAndSlowBodiesAreCutOff() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_HTTP_IDLE_TIMEOUT": "1", "MONPS_HTTP_BODY_TIMEOUT": "1"])
        let application = try buildApplication(services: app.services)
        try await application.test(.live) { client in
            let port = try #require(client.port)
            // A whole request is answered (first: the client's kept-alive connection is itself closed once idle).
            // Once more if the server's 1 s idle timeout closed the fresh connection before a starved test wrote on it.
            let health: TestResponse
            do {
                health = try await client.execute(uri: "/healthz", method: .get)
            } catch {
                health = try await client.execute(uri: "/healthz", method: .get)
            }
            #expect(health.status == .ok)
            // A request head that never completes. The bound only proves "closed, not left hanging": the suite
            // shares two cores with hundreds of tests.
            #expect(try await RawConnection.closesWithin(.seconds(30), port: port, sending: "GET /v1/sports HTTP/1.1\r\nHost: x\r\n"))
            // A body that never arrives whole.
            #expect(try await RawConnection.closesWithin(.seconds(30), port: port, sending:
                "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\""))
        }
    }
}

/// A TCP client that writes raw bytes and waits for the server to close the connection.
enum RawConnection {
    static func closesWithin(_ limit: Duration, port: Int, sending text: String) async throws -> Bool {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text)).get()
        } catch ChannelError.ioOnClosedChannel {
            // On a loaded machine the server's idle timeout can close the connection before these bytes go out:
            // closed, which is what is asked.
            return true
        }
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await channel.closeFuture.get(); return true }
            group.addTask { try await Task.sleep(for: limit); return false }
            let first = try await group.next() ?? false
            group.cancelAll()
            if !first { try? await channel.close() }
            return first
        }
    }
}
