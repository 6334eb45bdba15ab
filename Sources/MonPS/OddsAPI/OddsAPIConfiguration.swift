import Foundation

/// Settings of ``OddsAPIClient`` (The Odds API v4).
///
/// The defaults suit production; tests shrink `backoffBase`/`requestTimeout` and inject `sleep`,
/// `random` and `now` so retries are observable as values instead of wall-clock time.
public struct OddsAPIConfiguration: Sendable {
    /// Scheme + host (+ port), no trailing path, e.g. `https://api.the-odds-api.com`.
    public var baseURL: String
    /// Secret. Sent only as the `apiKey` query parameter; never logged nor put in errors.
    public var apiKey: String
    /// `regions` of the odds endpoint (each region multiplies the credit cost).
    public var regions: [String]
    /// `markets` of the odds endpoint (each market multiplies the credit cost).
    public var markets: [String]
    /// Paid calls are refused (``OddsAPIError/quotaReserved(remaining:reserve:)``) when they could
    /// leave fewer than this many credits: the last credits stay available for manual checks.
    public var reserveCredits: Int
    /// Per-attempt limit covering connection, response head and the whole body.
    public var requestTimeout: Duration
    /// Attempts per call, the first included (≥ 1).
    public var maxAttempts: Int
    /// First backoff step; attempt n waits a uniformly random time in `0 ... min(cap, base·2ⁿ⁻¹)`.
    public var backoffBase: Duration
    /// Upper bound of one exponential backoff wait.
    public var backoffCap: Duration
    /// Upper bound of a `Retry-After` wait on HTTP 429 (a hostile header cannot park the job).
    public var retryAfterCap: Duration
    /// Bodies larger than this are refused (``OddsAPIError/responseTooLarge(limit:)``).
    public var maxResponseBytes: Int
    /// Waits between attempts. Injectable so tests can record the waits instead of sleeping.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Uniform random number in `0 ..< 1` for the backoff jitter.
    public var random: @Sendable () -> Double
    /// Current time: `observedAt` of the quota and the fallback `capturedAt` of prices.
    public var now: @Sendable () -> Date

    public init(
        baseURL: String = "https://api.the-odds-api.com",
        apiKey: String,
        regions: [String] = ["uk", "eu", "us"],
        markets: [String] = ["h2h", "spreads", "totals"],
        reserveCredits: Int = 25,
        requestTimeout: Duration = .seconds(15),
        maxAttempts: Int = 4,
        backoffBase: Duration = .milliseconds(500),
        backoffCap: Duration = .seconds(10),
        retryAfterCap: Duration = .seconds(30),
        maxResponseBytes: Int = 32 * 1024 * 1024,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.regions = regions
        self.markets = markets
        self.reserveCredits = reserveCredits
        self.requestTimeout = requestTimeout
        self.maxAttempts = maxAttempts
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.retryAfterCap = retryAfterCap
        self.maxResponseBytes = maxResponseBytes
        self.sleep = sleep
        self.random = random
        self.now = now
    }

    /// Upper-bound credit cost of one odds call (the API charges markets × regions, or 0 when
    /// no event is returned).
    var estimatedOddsCost: Int { max(1, markets.count) * max(1, regions.count) }

    /// Full-jitter exponential backoff before attempt `attempt + 1` (`attempt` ≥ 1 failed).
    func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(backoffCap, backoffBase * (1 << exponent))
        let fraction = min(max(random(), 0), 1)
        return ceiling * fraction
    }
}

// Printing a configuration (logs, test failures) must not print the key.
extension OddsAPIConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "OddsAPIConfiguration(baseURL: \(baseURL), apiKey: ***, regions: \(regions), markets: \(markets), "
            + "reserveCredits: \(reserveCredits), requestTimeout: \(requestTimeout), maxAttempts: \(maxAttempts))"
    }

    public var debugDescription: String { description }
}
