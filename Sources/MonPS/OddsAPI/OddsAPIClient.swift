import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1

/// Client of The Odds API v4 (`https://the-odds-api.com/liveapi/guides/v4/`).
///
/// - Paid calls (``odds(sportKey:monpsSportKey:)``, ``scores(sportKey:monpsSportKey:daysFrom:)``)
///   are refused locally when they could eat into ``OddsAPIConfiguration/reserveCredits``; free
///   calls (``sports(all:)``, ``events(sportKey:monpsSportKey:)``) always go through, so a job can
///   learn the balance for free first.
/// - HTTP 429 (not quota), 5xx, timeouts and connection errors are retried with full-jitter
///   exponential backoff (`Retry-After` honoured on 429, capped); 401, other 4xx and quota
///   exhaustion are not.
/// - The API key is only ever in the request URL: logs show `apiKey=***`, errors are redacted.
///
/// Methods throw ``OddsAPIError``, or `CancellationError` when the calling task is cancelled.
public actor OddsAPIClient {
    public nonisolated let configuration: OddsAPIConfiguration
    private let transport: OddsAPITransport
    private let logger: Logger
    private let redactor: OddsAPIRedactor

    /// Quota from the latest response that carried quota headers.
    public private(set) var quota: OddsAPIQuota
    /// Sum of `x-requests-last` over every response this instance received (retries included).
    public private(set) var creditsSpent = 0
    /// HTTP requests sent by this instance (retries included).
    public private(set) var requestsSent = 0

    /// - Parameter initialQuota: last known quota (e.g. persisted by a previous run), so the
    ///   reserve applies from the first call.
    public init(
        configuration: OddsAPIConfiguration, httpClient: HTTPClient, logger: Logger,
        initialQuota: OddsAPIQuota = .unknown
    ) {
        self.configuration = configuration
        self.redactor = OddsAPIRedactor(apiKey: configuration.apiKey)
        self.transport = OddsAPITransport(httpClient: httpClient, redactor: redactor)
        self.logger = logger
        self.quota = initialQuota
    }

    // MARK: - Endpoints

    /// `GET /v4/sports` (free). `all: true` includes out-of-season sports.
    public func sports(all: Bool = false) async throws -> [OddsAPISport] {
        let response = try await get("/v4/sports", query: all ? [("all", "true")] : [], cost: nil)
        let items = try OddsAPIDecoding.array(of: OddsAPISportPayload.self, from: response.body, redactor: redactor)
        return items.compactMap { item in
            // Only the key is essential; a sport without one cannot be queried.
            guard let payload = item.value, case .value(let key) = payload.key, OddsAPIValidation.isKey(key) else {
                return nil
            }
            return OddsAPISport(
                key: key, group: payload.group.value ?? "", title: payload.title.value ?? key,
                description: payload.description.value ?? "", active: payload.active.value ?? false,
                hasOutrights: payload.hasOutrights.value ?? false)
        }
    }

    /// `GET /v4/sports/{sport}/odds` with the configured regions and markets, decimal odds.
    /// Costs markets × regions credits (0 when no event is returned).
    /// - Parameters:
    ///   - sportKey: The Odds API key, e.g. `soccer_epl`.
    ///   - monpsSportKey: MonPS catalogue key written to the events.
    public func odds(sportKey: String, monpsSportKey: String) async throws -> OddsAPIOddsBatch {
        try Self.checkKey(sportKey)
        let query = [
            ("regions", configuration.regions.joined(separator: ",")),
            ("markets", configuration.markets.joined(separator: ",")),
            ("oddsFormat", "decimal"), ("dateFormat", "iso"),
        ]
        let response = try await get(
            "/v4/sports/\(sportKey)/odds", query: query, cost: configuration.estimatedOddsCost)
        return try await Self.decodeEvents(
            response.body, monpsSportKey: monpsSportKey, withPrices: true, receivedAt: response.receivedAt,
            quota: quota, redactor: redactor)
    }

    /// `GET /v4/sports/{sport}/events` (free): upcoming and live events without prices.
    public func events(sportKey: String, monpsSportKey: String) async throws -> OddsAPIOddsBatch {
        try Self.checkKey(sportKey)
        let response = try await get("/v4/sports/\(sportKey)/events", query: [("dateFormat", "iso")], cost: nil)
        return try await Self.decodeEvents(
            response.body, monpsSportKey: monpsSportKey, withPrices: false, receivedAt: response.receivedAt,
            quota: quota, redactor: redactor)
    }

    /// `GET /v4/sports/{sport}/scores?daysFrom=N`: live games and games completed in the last
    /// `daysFrom` days (1…3). Costs 2 credits.
    public func scores(sportKey: String, monpsSportKey: String, daysFrom: Int) async throws -> OddsAPIScoresBatch {
        try Self.checkKey(sportKey)
        guard (1...3).contains(daysFrom) else { throw OddsAPIError.invalidRequest("daysFrom must be 1...3, got \(daysFrom)") }
        let response = try await get(
            "/v4/sports/\(sportKey)/scores", query: [("daysFrom", String(daysFrom)), ("dateFormat", "iso")], cost: 2)
        return try await Self.decodeScores(
            response.body, monpsSportKey: monpsSportKey, receivedAt: response.receivedAt, quota: quota,
            redactor: redactor)
    }

    // MARK: - Decoding off the actor

    /// Decoding a large payload must not hold the actor (quota reads would wait behind it).
    @concurrent
    private static func decodeEvents(
        _ body: [UInt8], monpsSportKey: String, withPrices: Bool, receivedAt: Date, quota: OddsAPIQuota,
        redactor: OddsAPIRedactor
    ) async throws -> OddsAPIOddsBatch {
        let items = try OddsAPIDecoding.array(of: OddsAPIEventPayload.self, from: body, redactor: redactor)
        let mapped = OddsAPIEventMapper(monpsSportKey: monpsSportKey, receivedAt: receivedAt)
            .map(items, withPrices: withPrices)
        return OddsAPIOddsBatch(events: mapped.events, issues: mapped.issues, quota: quota, receivedAt: receivedAt)
    }

    @concurrent
    private static func decodeScores(
        _ body: [UInt8], monpsSportKey: String, receivedAt: Date, quota: OddsAPIQuota, redactor: OddsAPIRedactor
    ) async throws -> OddsAPIScoresBatch {
        let items = try OddsAPIDecoding.array(of: OddsAPIEventPayload.self, from: body, redactor: redactor)
        let mapped = OddsAPIScoresMapper(monpsSportKey: monpsSportKey).map(items)
        return OddsAPIScoresBatch(items: mapped.items, issues: mapped.issues, quota: quota, receivedAt: receivedAt)
    }

    private static func checkKey(_ sportKey: String) throws {
        guard OddsAPIValidation.isKey(sportKey) else {
            throw OddsAPIError.invalidRequest("sport key \(OddsAPIValidation.quote(sportKey)) is not [a-z0-9_]{1,64}")
        }
    }

    // MARK: - Requests, retries, quota

    private struct Received {
        var body: [UInt8]
        var receivedAt: Date
    }

    /// GET with retries. `cost`: upper-bound credits of a paid call (checked against the reserve
    /// before every attempt), `nil` for free endpoints.
    private func get(_ path: String, query: [(String, String)], cost: Int?) async throws -> Received {
        let url = makeURL(path, query: query, apiKey: configuration.apiKey)
        let shownURL = makeURL(path, query: query, apiKey: "***")
        let attempts = max(1, configuration.maxAttempts)
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            if let cost, let remaining = quota.remaining, remaining - cost < configuration.reserveCredits {
                logger.warning(
                    "The Odds API call refused: credit reserve",
                    metadata: ["url": "\(shownURL)", "remaining": "\(remaining)", "cost": "\(cost)"])
                throw OddsAPIError.quotaReserved(remaining: remaining, reserve: configuration.reserveCredits)
            }
            logger.debug("The Odds API request", metadata: ["url": "\(shownURL)", "attempt": "\(attempt)"])
            let failure: OddsAPIError
            var retryAfter: Duration?
            requestsSent += 1
            do {
                let response = try await transport.get(
                    url: url, timeout: configuration.requestTimeout, maxBytes: configuration.maxResponseBytes)
                recordQuota(response.headers)
                if (200..<300).contains(response.status) {
                    logger.debug(
                        "The Odds API response",
                        metadata: [
                            "url": "\(shownURL)", "status": "\(response.status)", "bytes": "\(response.body.count)",
                            "credits_last": "\(quota.last.map(String.init) ?? "?")",
                            "credits_remaining": "\(quota.remaining.map(String.init) ?? "?")",
                        ])
                    return Received(body: response.body, receivedAt: configuration.now())
                }
                failure = classify(response)
                if case .rateLimited = failure { retryAfter = Self.retryAfter(response.headers) }
            } catch let error as OddsAPIError {
                failure = error
            }
            guard failure.isRetryable, attempt < attempts else {
                logger.warning(
                    "The Odds API call failed",
                    metadata: ["url": "\(shownURL)", "attempt": "\(attempt)", "error": "\(failure)"])
                throw failure
            }
            let wait = retryAfter.map { min($0, configuration.retryAfterCap) }
                ?? configuration.backoff(afterAttempt: attempt)
            logger.info(
                "The Odds API call will be retried",
                metadata: ["url": "\(shownURL)", "attempt": "\(attempt)", "error": "\(failure)", "wait": "\(wait)"])
            try await configuration.sleep(wait)
        }
    }

    /// The error of a non-2xx response.
    private func classify(_ response: OddsAPIRawResponse) -> OddsAPIError {
        let payload = OddsAPIDecoding.errorPayload(from: response.body)
        let message = redactor.clean(payload?.message ?? "")
        let code = payload?.errorCode ?? ""
        let outOfCredits =
            code == "OUT_OF_USAGE_CREDITS" || message.lowercased().contains("quota")
            || OddsAPIQuota.credits(response.headers.first(name: "x-requests-remaining")) == 0
        switch response.status {
        case 401: return outOfCredits ? .quotaExhausted(message: message) : .unauthorized(message: message)
        case 429: return outOfCredits ? .quotaExhausted(message: message) : .rateLimited
        default: return .http(status: response.status, message: message)
        }
    }

    private func recordQuota(_ headers: HTTPHeaders) {
        let last = headers.first(name: "x-requests-last")
        quota = quota.updated(
            remaining: headers.first(name: "x-requests-remaining"), used: headers.first(name: "x-requests-used"),
            last: last, at: configuration.now())
        if let spent = OddsAPIQuota.credits(last) { creditsSpent += spent }
    }

    /// `Retry-After` in seconds (the HTTP-date form is ignored: the backoff applies instead).
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let text = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces),
            text.utf8.count <= 10, let seconds = Int(text), seconds >= 0
        else { return nil }
        return .seconds(seconds)
    }

    private nonisolated func makeURL(_ path: String, query: [(String, String)], apiKey: String) -> String {
        var base = Substring(configuration.baseURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        let items = [("apiKey", apiKey)] + query
        let encoded = items.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        return "\(base)\(path)?\(encoded)"
    }

    /// RFC 3986 unreserved characters plus `,` (the API's list separator) stay as they are.
    private static let queryValueCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~,")

    private static func percentEncode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: queryValueCharacters) ?? ""
    }
}
