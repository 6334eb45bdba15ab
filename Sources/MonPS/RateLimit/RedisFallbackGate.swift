// Shared "Redis or fallback" switch: one warning when Redis goes away, one notice when it is back,
// and at most one probe per interval while it is down.

import Logging
import Metrics
import Synchronization

/// Runs an operation on Redis, or its fallback while Redis is considered down.
///
/// - Healthy: every call runs `primary`. A failure (any error) runs `fallback` for that call and marks
///   Redis down (logged once at warning).
/// - Down: calls run `fallback` directly, without touching Redis, except that once per `probeInterval` a
///   single call is let through to `primary` as a probe (so a dead Redis costs its connect timeout once per
///   interval, not on every request). A successful probe marks Redis up again (logged once at notice).
/// - Every call answered by `fallback` increments the counter `counterLabel` {component} and
///   `fallbackCount`.
///
/// Cancellation of the calling task is not a Redis failure: it only answers that call with the fallback.
public final class RedisFallbackGate: Sendable {
    private struct State {
        var down = false
        var probing = false
        var nextProbe = ContinuousClock.now
    }

    public let component: String
    public let probeInterval: Duration
    private let fallbackDescription: String
    private let counterLabel: String
    private let logger: Logger
    private let metricsFactory: (any MetricsFactory)?
    private let state = Mutex(State())
    private let fallbacks = Atomic<Int>(0)
    private let now: @Sendable () -> ContinuousClock.Instant

    /// - Parameters:
    ///   - component: label value of the counter's `component` dimension and of log lines.
    ///   - metricsFactory: `nil` uses the global `MetricsSystem.factory` at the time of each increment
    ///     (so a gate created before `MetricsSystem.bootstrap` still reports).
    ///   - fallbackDescription: what happens instead, for the warning ("uses its in-process fallback").
    ///   - now: the clock the probe interval is measured on (tests move it by hand).
    public init(
        component: String, counterLabel: String, probeInterval: Duration = .seconds(5),
        fallbackDescription: String = "uses its in-process fallback",
        logger: Logger = Logger(label: "monps.redis-fallback"), metricsFactory: (any MetricsFactory)? = nil,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.now = now
        self.component = component
        self.fallbackDescription = fallbackDescription
        self.counterLabel = counterLabel
        self.probeInterval = probeInterval
        self.logger = logger
        self.metricsFactory = metricsFactory
    }

    /// Whether the gate currently answers from the fallback.
    public var isUsingFallback: Bool { state.withLock { $0.down } }

    /// Calls answered by the fallback since creation.
    public var fallbackCount: Int { fallbacks.load(ordering: .relaxed) }

    public func run<Result: Sendable>(
        _ primary: () async throws -> Result,
        fallback: () async -> Result
    ) async -> Result {
        let now = self.now()
        let (usePrimary, isProbe) = state.withLock { state -> (Bool, Bool) in
            guard state.down else { return (true, false) }
            guard !state.probing, now >= state.nextProbe else { return (false, false) }
            state.probing = true
            return (true, true)
        }
        guard usePrimary else { return await answerWithFallback(fallback) }
        do {
            let result = try await primary()
            if isProbe { markUp() }
            return result
        } catch is CancellationError {
            if isProbe { state.withLock { $0.probing = false } }
            return await answerWithFallback(fallback)
        } catch {
            markDown(error, wasProbe: isProbe)
            return await answerWithFallback(fallback)
        }
    }

    private func answerWithFallback<Result>(_ fallback: () async -> Result) async -> Result {
        fallbacks.add(1, ordering: .relaxed)
        let dimensions = [("component", component)]
        if let metricsFactory {
            Counter(label: counterLabel, dimensions: dimensions, factory: metricsFactory).increment()
        } else {
            Counter(label: counterLabel, dimensions: dimensions).increment()
        }
        return await fallback()
    }

    private func markUp() {
        let wasDown = state.withLock { state -> Bool in
            let wasDown = state.down
            state.down = false
            state.probing = false
            return wasDown
        }
        if wasDown { logger.notice("Redis is reachable again; \(component) is back on Redis") }
    }

    private func markDown(_ error: any Error, wasProbe: Bool) {
        let probeInterval = self.probeInterval
        let now = self.now()
        let wasDown = state.withLock { state -> Bool in
            let wasDown = state.down
            // A call that was already in flight when Redis went down does not reschedule a running probe.
            if !wasDown || wasProbe {
                state.nextProbe = now + probeInterval
            }
            if wasProbe { state.probing = false }
            state.down = true
            return wasDown
        }
        if wasDown {
            logger.debug("Redis still unavailable for \(component)", metadata: ["error": "\(error)"])
        } else {
            logger.warning(
                "Redis unavailable; \(component) \(fallbackDescription)",
                metadata: ["error": "\(error)", "probe_interval": "\(probeInterval)"])
        }
    }
}
