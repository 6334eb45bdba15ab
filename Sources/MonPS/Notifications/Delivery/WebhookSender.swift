import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// What became of one send.
enum SendOutcome: Sendable, Equatable {
    /// The receiver answered 2xx.
    case delivered(status: Int)
    /// Anything else; `retryAfter` when the receiver asked for a pause (429/503 `Retry-After`).
    case failed(status: Int?, error: String, retryAfter: Duration?)
    /// Not sent: the endpoint's rate limit is reached for this long.
    case rateLimited(retryAfter: Duration)
}

/// Sends one notification to one webhook: rate limit, address check (again: DNS changes), wire format, the
/// request on a pinned client, a bounded read of the answer. Errors it reports never contain the URL, token
/// or secret.
struct WebhookSender: Sendable {
    /// Answers are read up to this many bytes (only their start is kept for the error message).
    static let maximumResponseBytes = 64 * 1024

    let addressGuard: WebhookAddressGuard
    let clients: OutboundHTTPClients
    let limiter: RedisRateLimiter
    let settings: WebhookDeliverySettings
    /// The process clock: the signature's timestamp.
    var now: @Sendable () -> Date = Date.init

    func send(_ notification: OutgoingNotification, to endpoint: WebhookEndpoint) async -> SendOutcome {
        let decision = await limiter.acquire(key: "webhook:\(endpoint.id.uuidString.lowercased())", policy: policy(for: endpoint))
        guard decision.allowed else { return .rateLimited(retryAfter: max(decision.retryAfter, .milliseconds(100))) }
        let outcome: SendOutcome
        do {
            let request = try WebhookFormats.request(
                for: notification, to: endpoint, telegramAPIURL: settings.telegramAPIURL, now: now())
            outcome = try await execute(request)
        } catch let refused as WebhookTargetRefused {
            outcome = .failed(status: nil, error: "refused: \(refused.description)", retryAfter: nil)
        } catch {
            outcome = .failed(status: nil, error: Self.describe(error), retryAfter: nil)
        }
        guard case .failed(let status, let error, let retryAfter) = outcome else { return outcome }
        return .failed(status: status, error: Self.redact(error, secrets: endpoint.secrets), retryAfter: retryAfter)
    }

    /// Discord allows 5 requests per 2 s per webhook; Telegram 20 messages per minute to a group.
    func policy(for endpoint: WebhookEndpoint) -> RateLimitPolicy {
        switch endpoint.kind {
        case .discord: RateLimitPolicy(name: "discord", limit: 5, windowSeconds: 2)
        case .telegram: RateLimitPolicy(name: "telegram", limit: 20, windowSeconds: 60, burst: 5)
        case .generic: RateLimitPolicy(name: "generic", limit: settings.genericRatePerSecond, windowSeconds: 1)
        }
    }

    private func execute(_ request: WebhookRequest) async throws -> SendOutcome {
        let target = try await addressGuard.check(request.url)
        let client = try clients.client(for: target)
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let response = try await client.execute(outgoing, timeout: .nanoseconds(settings.requestTimeout.nanoseconds))
        var kept: [UInt8] = []
        var read = 0
        for try await chunk in response.body {
            read += chunk.readableBytes
            if kept.count < 300 { kept += chunk.readableBytesView.prefix(300 - kept.count) }
            if read > Self.maximumResponseBytes { break }  // the answer's size is capped; the status is what counts
        }
        let status = Int(response.status.code)
        if (200..<300).contains(status) { return .delivered(status: status) }
        var error = "HTTP \(status)"
        if (300..<400).contains(status) { error += " (redirects are not followed)" }
        let snippet = String(decoding: kept, as: UTF8.self).filter { !$0.isNewline }
        if !snippet.isEmpty { error += ": " + snippet.prefix(200) }
        let retryAfter = response.headers.first(name: "retry-after").flatMap(Double.init).map { Duration.milliseconds(Int64($0 * 1000)) }
        return .failed(status: status, error: error, retryAfter: retryAfter)
    }

    /// A fixed description per failure kind: library errors can carry the URL (with its token) in their text.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            case .remoteConnectionClosed: return "connection closed by the receiver"
            case .invalidURL, .emptyHost, .emptyScheme: return "invalid URL"
            default: return "HTTP client error"
            }
        }
        if error is OutboundHTTPClients.Closed { return "the server is shutting down" }
        if error is NIOConnectionError || error is IOError || error is ChannelError { return "connection failed" }
        return "request failed"
    }

    /// Removes every secret (URL, token, signing secret) from `text`.
    static func redact(_ text: String, secrets: [String]) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}
