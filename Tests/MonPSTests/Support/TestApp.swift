import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import MonPS

/// An application wired to its own migrated database and its own Redis key prefix.
struct TestApp {
    let services: AppServices

    /// Builds services for a fresh migrated database (or `database` when given); `now` is the identity clock.
    static func make(
        database: DatabaseURL? = nil, overrides: [String: String] = [:], now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> TestApp {
        let url: DatabaseURL
        if let database { url = database } else { url = try await TestDatabases.shared.makeMigrated() }
        let config = try TestEnvironment.config(database: url, overrides: overrides)
        let prefix = "test:\(UUID().uuidString.prefix(8)):"
        return TestApp(services: try AppServices(config: config, logger: TestEnvironment.logger, redisKeyPrefix: prefix, now: now))
    }

    /// Runs `body` against the app through HummingbirdTesting's router client (services running).
    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let app = try buildApplication(services: services)
        return try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// GET `uri` and return status, headers and body text.
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        guard let dictionary = object as? [String: Any] else { throw TestFailure("expected a JSON object, got \(text)") }
        return dictionary
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Accounts and tokens for tests, created through the real API (and the admin service for privileged roles).
struct TestAccounts {
    let app: TestApp
    let client: any TestClientProtocol
    static let password = "Quartz-Lantern-47-Meadow"

    /// Creates an account with `role` and returns a fresh access token for it.
    func token(role: Role = .user, email: String = "user-\(UUID().uuidString.prefix(8))@example.com") async throws -> String {
        switch role {
        case .user:
            let response = try await client.postJSON(
                "/v1/auth/register", #"{"email":"\#(email)","password":"\#(Self.password)","display_name":"Test"}"#)
            guard response.status == .created else { throw TestFailure("register failed: \(response.status) \(response.text)") }
        case .admin:
            _ = try await app.services.auth.admin.createAdmin(email: email, password: Self.password)
        case .viewer:
            let admin = try await adminPrincipal()
            _ = try await app.services.auth.admin.createUser(
                actor: admin, email: email, password: Self.password, displayName: "Viewer", role: .viewer)
        }
        return try await login(email: email)
    }

    func login(email: String, password: String = TestAccounts.password) async throws -> String {
        let response = try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"\#(password)"}"#)
        guard response.status == .ok, let token = try response.json()["access_token"] as? String else {
            throw TestFailure("login failed: \(response.status) \(response.text)")
        }
        return token
    }

    func adminPrincipal() async throws -> Principal {
        let email = "admin-\(UUID().uuidString.prefix(8))@example.com"
        _ = try await app.services.auth.admin.createAdmin(email: email, password: Self.password)
        return try await app.services.auth.identity.authenticate(bearer: try await login(email: email))
    }
}

extension TestClientProtocol {
    func postJSON(_ uri: String, _ json: String, token: String? = nil, method: HTTPRequest.Method = .post) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: json))
    }

    func get(_ uri: String, token: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"])
    }
}
