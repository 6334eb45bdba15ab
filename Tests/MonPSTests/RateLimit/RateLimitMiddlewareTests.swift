// RateLimitMiddleware through HummingbirdTesting, against a real Redis.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MonPS

@Suite("Rate-limit middleware", .hangGuard)
struct RateLimitMiddlewareTests {
    static let policyName = HTTPField.Name("RateLimit-Policy")!
    static let rateLimit = HTTPField.Name("RateLimit")!
    static let xLimit = HTTPField.Name("X-RateLimit-Limit")!
    static let xRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let xReset = HTTPField.Name("X-RateLimit-Reset")!
    static let testIP = HTTPField.Name("X-Test-IP")!
    static let testUser = HTTPField.Name("X-Test-User")!

    /// Router: RateLimit (outermost, as recommended) → problem rendering → routes.
    /// Subject: `X-Test-User: <id>` → user, else anonymous by `X-Test-IP`.
    static func makeApp(limiter: any RateLimiter, policies: RateLimitPolicies, rateLimitInsideProblems: Bool = false)
        -> some ApplicationProtocol
    {
        let router = Router(context: AppRequestContext.self)
        let middleware = RateLimitMiddleware(limiter: limiter, policies: RateLimitPolicyStore(policies)) { request, _ in
            if let user = request.headers[testUser] { return .user(id: user, role: .user) }
            return .anonymous(ip: request.headers[testIP])
        }
        if rateLimitInsideProblems {
            router.add(middleware: RLProblemMiddleware())
            router.add(middleware: middleware)
        } else {
            router.add(middleware: middleware)
            router.add(middleware: RLProblemMiddleware())
        }
        router.get("/v1/things") { _, _ in "things" }
        router.post("/v1/things") { _, _ in "created" }
        router.post("/v1/auth/login") { _, _ in "token" }
        router.get("/v1/shared/abc") { _, _ in "shared" }
        router.get("/v1/missing") { _, _ -> String in throw APIError.notFound("no such thing") }
        router.get("/v1/bad") { _, _ -> String in throw HTTPError(.badRequest, message: "bad input") }
        router.get("/v1/crash") { _, _ -> String in throw Kaboom() }
        router.get("/healthz") { _, _ in "ok" }
        return Application(router: router)
    }

    static func headers(ip: String = "192.0.2.1", user: String? = nil) -> HTTPFields {
        var fields = HTTPFields()
        fields[testIP] = ip
        if let user { fields[testUser] = user }
        return fields
    }

    @Test("200s carry exact RateLimit headers; exhaustion is a 429 problem with Retry-After and the same headers")
    func headersAndExhaustion() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        var policies = RateLimitPolicies.defaults
        policies.set(RateLimitPolicy(name: "read.anonymous", limit: 3, windowSeconds: 60), for: .read, principal: .anonymous)
        let app = Self.makeApp(limiter: FailoverRateLimiter(redis: client), policies: policies)

        try await app.test(.router) { client in
            for (remaining, reset) in [(2, 20), (1, 40), (0, 60)] {
                let response = try await client.execute(uri: "/v1/things", method: .get, headers: Self.headers())
                #expect(response.status == .ok)
                #expect(response.headers[Self.policyName] == #""read.anonymous";q=3;w=60"#)
                // Time runs on between requests (a loaded machine can spend seconds here): the reset may fall short of
                // its ideal value by up to 2 s, never exceed it.
                let shown = Int(response.headers[Self.xReset] ?? "") ?? -1
                #expect((reset - 2)...reset ~= shown, "X-RateLimit-Reset \(shown), ideal \(reset)")
                #expect(response.headers[Self.rateLimit] == "\"read.anonymous\";r=\(remaining);t=\(shown)")
                #expect(response.headers[Self.xLimit] == "3")
                #expect(response.headers[Self.xRemaining] == String(remaining))
            }
            let refused = try await client.execute(uri: "/v1/things", method: .get, headers: Self.headers())
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let retryAfter = Int(refused.headers[.retryAfter] ?? "") ?? 0
            #expect(retryAfter >= 1 && retryAfter <= 20)
            #expect(refused.headers[Self.policyName] == #""read.anonymous";q=3;w=60"#)
            // Whole seconds: on a loaded machine seconds may pass between the first 200 and this request.
            let refusedLimit = refused.headers[Self.rateLimit] ?? ""
            #expect((57...60).map { "\"read.anonymous\";r=0;t=\($0)" }.contains(refusedLimit), "\(refusedLimit)")
            #expect(refused.headers[Self.xRemaining] == "0")
            let problem = try JSONSerialization.jsonObject(with: Data(refused.body.readableBytesView)) as? [String: Any]
            #expect(problem?["status"] as? Int == 429)
            #expect(problem?["type"] as? String == "https://monps.dev/problems/too-many-requests")

            // Another client address has its own bucket; a signed-in user too.
            let other = try await client.execute(uri: "/v1/things", method: .get, headers: Self.headers(ip: "192.0.2.2"))
            #expect(other.status == .ok && other.headers[Self.xRemaining] == "2")
            let user = try await client.execute(uri: "/v1/things", method: .get, headers: Self.headers(user: "42"))
            #expect(user.status == .ok)
            #expect(user.headers[Self.policyName] == #""read.user";q=300;w=60"#)
        }
    }

    @Test("exempt paths carry no headers and are not counted")
    func exemptPaths() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        var policies = RateLimitPolicies.defaults
        policies.set(RateLimitPolicy(name: "tiny", limit: 1, windowSeconds: 60), for: .read, principal: .anonymous)
        let app = Self.makeApp(limiter: FailoverRateLimiter(redis: client), policies: policies)

        try await app.test(.router) { client in
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/healthz", method: .get, headers: Self.headers())
                #expect(response.status == .ok)
                #expect(response.headers[Self.policyName] == nil && response.headers[Self.rateLimit] == nil)
                #expect(response.headers[Self.xLimit] == nil)
            }
            let counted = try await client.execute(uri: "/v1/things", method: .get, headers: Self.headers())
            #expect(counted.status == .ok && counted.headers[Self.xRemaining] == "0")
        }
    }

    @Test("route classes: auth is stricter than read; write and public_share have their own policies")
    func routeClasses() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let app = Self.makeApp(limiter: FailoverRateLimiter(redis: client), policies: .defaults)

        try await app.test(.router) { client in
            let read = try await client.execute(uri: "/v1/things", method: .get, headers: Self.headers())
            let auth = try await client.execute(uri: "/v1/auth/login", method: .post, headers: Self.headers())
            let write = try await client.execute(uri: "/v1/things", method: .post, headers: Self.headers())
            let share = try await client.execute(uri: "/v1/shared/abc", method: .get, headers: Self.headers())
            #expect(read.headers[Self.policyName] == #""read.anonymous";q=120;w=60"#)
            #expect(auth.headers[Self.policyName] == #""auth.anonymous";q=10;w=60"#)
            #expect(write.headers[Self.policyName] == #""write.anonymous";q=30;w=60"#)
            #expect(share.headers[Self.policyName] == #""public_share.anonymous";q=60;w=60"#)
            #expect(Int(auth.headers[Self.xLimit] ?? "")! < Int(read.headers[Self.xLimit] ?? "")!)
            // The router skips empty segments, and so does the classification: these reach login, limited as login.
            for path in ["/v1//auth/login", "/v1/auth//login/"] {
                let sneaky = try await client.execute(uri: path, method: .post, headers: Self.headers(ip: "192.0.2.77"))
                #expect(sneaky.status == .ok, "\(path) is routed to login")
                #expect(sneaky.headers[Self.policyName] == #""auth.anonymous";q=10;w=60"#, "\(path)")
            }
            #expect(RateLimitRouteClass.classify(method: "POST", path: "//v1/auth/login") == .auth)
            #expect(RateLimitRouteClass.classify(method: "GET", path: "//v1//shared/x") == .publicShare)
            #expect(RateLimitRouteClass.classify(method: "POST", path: "/v1/authx") == .write)

            // 10 logins exhaust auth while reads go on.
            for _ in 0..<9 { _ = try await client.execute(uri: "/v1/auth/login", method: .post, headers: Self.headers()) }
            let refused = try await client.execute(uri: "/v1/auth/login", method: .post, headers: Self.headers())
            #expect(refused.status == .tooManyRequests)
            let stillReading = try await client.execute(uri: "/v1/things", method: .get, headers: Self.headers())
            // 2 reads so far; the read bucket refills one request every 0.5 s, so allow for a slow machine.
            let readRemaining = Int(stillReading.headers[Self.xRemaining] ?? "") ?? -1
            #expect(stillReading.status == .ok && (118...119).contains(readRemaining))
        }
    }

    @Test("error responses carry the headers, outside and inside the problem middleware")
    func errorsCarryHeaders() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }

        // One request per minute of refill, so that the remaining counts below are exact even on a slow machine.
        var policies = RateLimitPolicies.defaults
        policies.set(RateLimitPolicy(name: "read.anonymous", limit: 120, windowSeconds: 7200), for: .read, principal: .anonymous)
        for inside in [false, true] {
            let app = Self.makeApp(
                limiter: FailoverRateLimiter(redis: client), policies: policies, rateLimitInsideProblems: inside)
            try await app.test(.router) { client in
                let ip = inside ? "198.51.100.1" : "198.51.100.2"
                let expectations: [(String, HTTPResponse.Status)] = [
                    ("/v1/missing", .notFound), ("/v1/bad", .badRequest), ("/v1/crash", .internalServerError),
                ]
                for (index, (uri, status)) in expectations.enumerated() {
                    let response = try await client.execute(uri: uri, method: .get, headers: Self.headers(ip: ip))
                    #expect(response.status == status, "\(uri)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(response.headers[Self.policyName] == #""read.anonymous";q=120;w=7200"#, "\(uri)")
                    #expect(response.headers[Self.xRemaining] == String(119 - index), "\(uri)")
                }
            }
        }
    }

    @Test("Redis down: the middleware keeps limiting in-process")
    func redisDown() async throws {
        let server = try await RedisServerProcess()
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        server.stop()
        var policies = RateLimitPolicies.defaults
        policies.set(RateLimitPolicy(name: "two", limit: 2, windowSeconds: 60), for: .read, principal: .anonymous)
        let limiter = FailoverRateLimiter(redis: client)
        let app = Self.makeApp(limiter: limiter, policies: policies)

        try await app.test(.router) { client in
            let statuses = try await [
                client.execute(uri: "/v1/things", method: .get, headers: Self.headers()).status,
                client.execute(uri: "/v1/things", method: .get, headers: Self.headers()).status,
                client.execute(uri: "/v1/things", method: .get, headers: Self.headers()).status,
            ]
            #expect(statuses == [.ok, .ok, .tooManyRequests])
        }
        #expect(limiter.fallbackDecisionCount == 3)
    }

    @Test("subjects: IPv6 grouped by /64, IPv4-mapped as IPv4, odd ids hashed")
    func subjects() {
        #expect(RateLimitSubject.anonymous(ip: "2001:db8:1:2:aaaa::1").bucketKey == RateLimitSubject.anonymous(ip: "2001:db8:1:2:bbbb::9").bucketKey)
        #expect(RateLimitSubject.anonymous(ip: "2001:db8:1:2::1").bucketKey != RateLimitSubject.anonymous(ip: "2001:db8:1:3::1").bucketKey)
        #expect(RateLimitSubject.anonymous(ip: "::ffff:192.0.2.7").bucketKey == "anonymous:192.0.2.7")
        #expect(RateLimitSubject.anonymous(ip: nil).bucketKey == "anonymous:unknown")
        #expect(RateLimitSubject.user(id: "u-1", role: .admin).bucketKey == "admin:u-1")
        let odd = RateLimitSubject.apiToken(id: "has spaces and ünïcode").bucketKey
        #expect(odd.hasPrefix("api_token:h") && odd.count == "api_token:h".count + 32)
    }

    @Test("policies: JSON overrides, wildcard, strict validation")
    func policyOverrides() throws {
        let json = Data(
            #"{"auth": {"*": {"limit": 20}, "anonymous": {"limit": 5, "burst": 2}}, "read": {"api_token": {"window": 30, "name": "tok"}}}"#
                .utf8)
        let policies = try RateLimitPolicies(json: json)
        #expect(policies.policy(for: .auth, principal: .user) == RateLimitPolicy(name: "auth.user", limit: 20, windowSeconds: 60))
        #expect(policies.policy(for: .auth, principal: .anonymous) == RateLimitPolicy(name: "auth.anonymous", limit: 5, windowSeconds: 60, burst: 2))
        #expect(policies.policy(for: .read, principal: .apiToken) == RateLimitPolicy(name: "tok", limit: 600, windowSeconds: 30))
        #expect(policies.policy(for: .write, principal: .user) == RateLimitPolicies.defaults.policy(for: .write, principal: .user))

        #expect(throws: RateLimitConfigurationError.unknownRouteClass("reed")) {
            try RateLimitPolicies(json: Data(#"{"reed": {}}"#.utf8))
        }
        #expect(throws: RateLimitConfigurationError.unknownPrincipalKind("robot")) {
            try RateLimitPolicies(json: Data(#"{"read": {"robot": {"limit": 1}}}"#.utf8))
        }
        #expect(throws: RateLimitConfigurationError.self) {
            try RateLimitPolicies(json: Data(#"{"read": {"user": {"limit": 0}}}"#.utf8))
        }
        #expect(throws: RateLimitConfigurationError.self) {
            try RateLimitPolicies(json: Data(#"{"read": {"user": {"limt": 10}}}"#.utf8))
        }
        #expect(RateLimitRouteClass.classify(method: "HEAD", path: "/v1/sports") == .read)
        #expect(RateLimitRouteClass.classify(method: "POST", path: "/v1/shared/x") == .publicShare)
        #expect(RateLimitRouteClass.classify(method: "GET", path: "/v1/authors") == .read)
    }
}

private struct Kaboom: Error {}
