import Foundation
import Logging
import Synchronization

/// Remembers when each API token was last used and writes it in batches, so authenticating with an API
/// token costs no database write. `record` is synchronous and cheap (a dictionary under a mutex);
/// `flush()` writes everything buffered in one `UPDATE … FROM unnest(…)`.
///
/// Lifecycle: the application runs `run()` for as long as it serves (e.g. wrapped as a ServiceLifecycle
/// service); cancelling it flushes one last time. Tests call `flush()` directly.
public final class TokenUsageRecorder: Sendable {
    /// Distinct tokens kept while the database is unreachable; beyond it the newest usage of unknown
    /// tokens is dropped (last-used times are informational, memory must stay bounded).
    public static let maximumBufferedTokens = 10_000

    private let repository: any APITokenRepository
    private let flushInterval: Duration
    private let logger: Logger
    private let pending = Mutex<[UUID: APITokenUsage]>([:])

    public convenience init(database: Database, flushInterval: Duration = .seconds(30), logger: Logger? = nil) {
        self.init(
            repository: PostgresAPITokenRepository(executor: database),
            flushInterval: flushInterval,
            logger: logger ?? database.logger)
    }

    init(repository: any APITokenRepository, flushInterval: Duration, logger: Logger) {
        precondition(flushInterval > .zero, "flush interval must be positive")
        self.repository = repository
        self.flushInterval = flushInterval
        self.logger = logger
    }

    /// Notes a use of `tokenID`; keeps the latest per token.
    public func record(tokenID: UUID, at time: Date, ip: String?) {
        let usage = APITokenUsage(tokenID: tokenID, usedAt: time, ip: ip.map { IdentityText.clip($0, 64) })
        pending.withLock { buffer in
            if let existing = buffer[tokenID] {
                if existing.usedAt <= time { buffer[tokenID] = usage }
            } else if buffer.count < Self.maximumBufferedTokens {
                buffer[tokenID] = usage
            }
        }
    }

    /// Number of tokens with an unwritten usage.
    public var pendingCount: Int { pending.withLock { $0.count } }

    /// Writes everything buffered. On failure the batch goes back into the buffer (newer entries win)
    /// and the error is rethrown.
    public func flush() async throws {
        let batch = pending.withLock { buffer -> [APITokenUsage] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return Array(buffer.values)
        }
        guard !batch.isEmpty else { return }
        do {
            try await repository.recordUsage(batch.sorted { $0.tokenID.uuidString < $1.tokenID.uuidString })
        } catch {
            pending.withLock { buffer in
                for usage in batch where buffer.count < Self.maximumBufferedTokens || buffer[usage.tokenID] != nil {
                    if let newer = buffer[usage.tokenID], newer.usedAt >= usage.usedAt { continue }
                    buffer[usage.tokenID] = usage
                }
            }
            throw error
        }
    }

    /// Flushes every `flushInterval` until cancelled, then flushes once more (outside the cancelled task).
    public func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: flushInterval)
            } catch {
                break
            }
            await flushLogging()
        }
        await Task { await self.flushLogging() }.value
    }

    private func flushLogging() async {
        do {
            try await flush()
        } catch {
            logger.warning(
                "could not record API token usage; will retry", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
