import Foundation

/// How notifications leave the server: the delivery worker's switch and pace, and which webhook targets it
/// may reach.
public struct WebhookDeliverySettings: Sendable, Equatable {
    /// Whether this process runs the delivery worker; nil follows `MONPS_JOBS` (`monps worker` always runs it
    /// unless `MONPS_DELIVERY=false`).
    public var enabled: Bool?
    /// Hosts (`host` or `host:port`, lower case; IPv6 in brackets) exempt from the address checks, where `http`
    /// is also allowed. For receivers on a private network, and for tests' loopback sinks.
    public var allowHosts: Set<String> = []
    /// Base URL of the Telegram Bot API (`<base>/bot<token>/sendMessage`).
    public var telegramAPIURL = "https://api.telegram.org"
    /// Attempts before a delivery is dead.
    public var maxAttempts = 8
    /// The first retry waits about this long; each further one twice as long (with jitter), up to 6 hours.
    public var backoffBase: Duration = .seconds(30)
    /// Connect + answer deadline of one webhook request.
    public var requestTimeout: Duration = .seconds(10)
    /// Deliveries sent at once by one worker.
    public var concurrency = 8
    /// How often an idle worker looks for due deliveries.
    public var pollInterval: Duration = .seconds(1)
    /// Requests per second to one generic endpoint (Discord and Telegram have their documented limits).
    public var genericRatePerSecond = 50

    public init() {}

    /// How long a claimed delivery is reserved for its worker: past it (the worker died mid-send) another
    /// worker sends it again. Longer than any send can take, so a live worker never loses its claim.
    var claimLease: Duration { requestTimeout * 2 + .seconds(1) }

    static let documentation: [(name: String, defaultValue: String, meaning: String)] = [
        ("MONPS_DELIVERY", "(MONPS_JOBS)", "Run the webhook delivery worker in this process (`monps worker` runs it unless false)"),
        ("MONPS_WEBHOOK_ALLOW_HOSTS", "(none)", "Comma-separated hosts or host:port exempt from the webhook address checks (private, loopback…), http allowed for them"),
        ("MONPS_TELEGRAM_API_URL", "https://api.telegram.org", "Base URL of the Telegram Bot API"),
        ("MONPS_DELIVERY_MAX_ATTEMPTS", "8", "Attempts before a delivery is dead (1–50)"),
        ("MONPS_DELIVERY_BACKOFF_MS", "30000", "First retry delay in milliseconds, doubled per attempt with jitter, at most 6 hours"),
        ("MONPS_WEBHOOK_TIMEOUT_MS", "10000", "Deadline of one webhook request (connect and answer)"),
        ("MONPS_DELIVERY_CONCURRENCY", "8", "Deliveries one worker sends at once"),
        ("MONPS_DELIVERY_POLL_MS", "1000", "How often an idle delivery worker looks for due deliveries"),
        ("MONPS_WEBHOOK_GENERIC_RATE", "50", "Requests per second to one generic webhook (Discord: 5 per 2 s, Telegram: 20 per minute)"),
    ]

    init(reading reader: ConfigReader) throws(ConfigError) {
        if let raw = reader.value("MONPS_DELIVERY")?.lowercased() {
            switch raw {
            case "1", "true", "yes", "on": enabled = true
            case "0", "false", "no", "off": enabled = false
            default: throw ConfigError("MONPS_DELIVERY", "expected true or false, got \"\(raw)\"")
            }
        }
        for entry in reader.list("MONPS_WEBHOOK_ALLOW_HOSTS") {
            let host = entry.lowercased()
            guard !host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) else {
                throw ConfigError("MONPS_WEBHOOK_ALLOW_HOSTS", "expected host or host:port entries, got \"\(entry)\"")
            }
            allowHosts.insert(host)
        }
        if let url = reader.value("MONPS_TELEGRAM_API_URL") {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""),
                components.host?.isEmpty == false
            else { throw ConfigError("MONPS_TELEGRAM_API_URL", "expected an http(s) URL, got \"\(url)\"") }
            telegramAPIURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        maxAttempts = try reader.integer("MONPS_DELIVERY_MAX_ATTEMPTS", default: 8, range: 1...50)
        backoffBase = .milliseconds(try reader.integer("MONPS_DELIVERY_BACKOFF_MS", default: 30_000, range: 10...3_600_000))
        requestTimeout = .milliseconds(try reader.integer("MONPS_WEBHOOK_TIMEOUT_MS", default: 10_000, range: 100...60_000))
        concurrency = try reader.integer("MONPS_DELIVERY_CONCURRENCY", default: 8, range: 1...256)
        pollInterval = .milliseconds(try reader.integer("MONPS_DELIVERY_POLL_MS", default: 1000, range: 10...60_000))
        genericRatePerSecond = try reader.integer("MONPS_WEBHOOK_GENERIC_RATE", default: 50, range: 1...100_000)
    }
}
