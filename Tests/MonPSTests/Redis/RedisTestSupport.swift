// Shared helpers of the Redis client tests.

import MonPS
import Testing

enum RedisTestSupport {
    /// The error thrown by `body` if it is a `RedisError`; records an issue and returns nil otherwise.
    static func redisError(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async -> RedisError? {
        do {
            try await body()
            Issue.record("expected a RedisError, nothing was thrown", sourceLocation: sourceLocation)
            return nil
        } catch let error as RedisError {
            return error
        } catch {
            Issue.record("expected a RedisError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

}

extension RedisServerProcess {
    /// A client configuration for this server.
    func redisConfiguration(
        poolSize: Int = 4,
        keyPrefix: String = "test:",
        commandTimeout: Duration = .seconds(2)
    ) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: self.url)
        configuration.poolSize = poolSize
        configuration.keyPrefix = keyPrefix
        configuration.connectTimeout = .seconds(1)
        configuration.commandTimeout = commandTimeout
        return configuration
    }
}

extension RedisError {
    /// The case name without its payload, for assertions.
    var redisCaseName: String {
        switch self {
        case .connectionFailed: return "connectionFailed"
        case .timeout: return "timeout"
        case .protocolError: return "protocolError"
        case .serverError: return "serverError"
        case .poolClosed: return "poolClosed"
        case .invalidURL: return "invalidURL"
        }
    }
}
