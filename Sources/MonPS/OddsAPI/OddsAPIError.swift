import Foundation

/// Failures of ``OddsAPIClient``. Descriptions never contain the API key (messages coming from
/// the server or the transport are redacted and truncated before they are stored here).
public enum OddsAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP 401: missing, invalid or deactivated key. Not retried.
    case unauthorized(message: String)
    /// The monthly credits are used up (HTTP 429/401 with `x-requests-remaining: 0` or the API's
    /// usage-quota error). Not retried: nothing will succeed before the reset.
    case quotaExhausted(message: String)
    /// Refused locally, no request sent: the call could leave fewer than `reserve` credits.
    case quotaReserved(remaining: Int, reserve: Int)
    /// HTTP 429 (frequency limit) on every attempt.
    case rateLimited
    /// Any other non-2xx status: 4xx at once, 5xx after the retries. `message` is the API's
    /// `message` field when the body is JSON (≤ 200 characters).
    case http(status: Int, message: String)
    /// No complete response within `requestTimeout`, on every attempt.
    case timeout
    /// Connection-level failure on every attempt.
    case transport(String)
    /// The body is not the documented JSON (not JSON, not an array, …).
    case invalidPayload(String)
    /// The body exceeds `maxResponseBytes`.
    case responseTooLarge(limit: Int)
    /// The call's own arguments are invalid (sport key, `daysFrom`); nothing was sent.
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .unauthorized(let message):
            return "The Odds API rejected the API key (HTTP 401)" + Self.suffix(message)
        case .quotaExhausted(let message):
            return "The Odds API usage quota is exhausted" + Self.suffix(message)
        case .quotaReserved(let remaining, let reserve):
            return "The Odds API call refused locally: \(remaining) credits left, \(reserve) kept in reserve"
        case .rateLimited:
            return "The Odds API rate limit (HTTP 429) persisted after all retries"
        case .http(let status, let message):
            return "The Odds API answered HTTP \(status)" + Self.suffix(message)
        case .timeout:
            return "The Odds API did not answer in time"
        case .transport(let detail):
            return "The Odds API could not be reached: \(detail)"
        case .invalidPayload(let reason):
            return "The Odds API sent an unusable payload: \(reason)"
        case .responseTooLarge(let limit):
            return "The Odds API response exceeds \(limit) bytes"
        case .invalidRequest(let reason):
            return "Invalid The Odds API request: \(reason)"
        }
    }

    /// Whether another attempt may succeed (rate limit without quota exhaustion, 5xx, network).
    var isRetryable: Bool {
        switch self {
        case .rateLimited, .timeout, .transport: return true
        case .http(let status, _): return (500...599).contains(status)
        default: return false
        }
    }

    private static func suffix(_ message: String) -> String { message.isEmpty ? "" : ": \(message)" }
}

/// Makes text safe to log or to put in an error: the key is masked, control characters dropped,
/// length bounded.
struct OddsAPIRedactor: Sendable {
    let apiKey: String

    func clean(_ text: String, limit: Int = 200) -> String {
        var text = text
        // Mask before truncating so a key cut in half by the limit cannot survive.
        if !apiKey.isEmpty { text = text.replacingOccurrences(of: apiKey, with: "***") }
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.lazy.prefix(limit * 2).map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
        return printable.count > limit ? String(printable.prefix(limit)) + "…" : printable
    }
}
