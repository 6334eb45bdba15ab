import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import MonPS

/// An application wired to its own migrated database and its own Redis key prefix.
struct TestApp {
    let services: AppServices

    /// Builds services for a fresh migrated database (or `database` when given).
    static func make(database: DatabaseURL? = nil, overrides: [String: String] = [:]) async throws -> TestApp {
        let url: DatabaseURL
        if let database { url = database } else { url = try await TestDatabases.shared.makeMigrated() }
        let config = try TestEnvironment.config(database: url, overrides: overrides)
        let prefix = "test:\(UUID().uuidString.prefix(8)):"
        return TestApp(services: try AppServices(config: config, logger: TestEnvironment.logger, redisKeyPrefix: prefix))
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
