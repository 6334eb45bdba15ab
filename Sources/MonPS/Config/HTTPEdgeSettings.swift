import Foundation

/// How the HTTP server meets the outside world: browser origins allowed to call the API, transport security
/// headers, connection timeouts and who may read `/metrics`.
public struct HTTPEdgeSettings: Sendable, Equatable {
    /// Origins (`scheme://host[:port]`) whose browser scripts may call the API (CORS). Empty: CORS is off.
    public var corsOrigins: [String] = []
    /// `Strict-Transport-Security: max-age=…` on every response; nil (default) sends none. Set it when clients reach
    /// MonPS over TLS only (behind a TLS-terminating proxy): a browser then refuses plain HTTP for that long.
    public var hstsMaxAgeSeconds: Int?
    /// A connection with no request in progress — idle between requests, or still sending its request line and
    /// headers — is closed after this long (slow-header clients included: the head counts only once complete).
    public var idleTimeout: Duration = .seconds(60)
    /// A request's body must have arrived whole this long after its head, or the connection is closed.
    public var requestBodyTimeout: Duration = .seconds(60)
    /// Bearer secret that `/metrics` requires; nil: `/metrics` answers loopback peers only.
    public var metricsToken: String?
    /// `host:port` of a separate listener serving `/metrics` only; set, the main port no longer serves it.
    public var metricsListener: MetricsListener?

    public struct MetricsListener: Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public init() {}

    static let documentation: [(name: String, defaultValue: String, meaning: String)] = [
        ("MONPS_CORS_ORIGINS", "(unset: off)", "Comma-separated origins (https://app.example.com) whose browser scripts may call the API; others get no CORS headers"),
        ("MONPS_HSTS_MAX_AGE", "(unset: off)", "Seconds of Strict-Transport-Security sent on every response; set only when clients reach MonPS over TLS"),
        ("MONPS_HTTP_IDLE_TIMEOUT", "60", "Seconds a connection may sit without a complete request head (idle keep-alive, slow headers) before it is closed"),
        ("MONPS_HTTP_BODY_TIMEOUT", "60", "Seconds a request body may take to arrive after its head before the connection is closed"),
        ("MONPS_METRICS_TOKEN", "(unset)", "Bearer secret (≥ 16 characters) required by /metrics; unset, /metrics answers loopback clients only"),
        ("MONPS_METRICS_ADDRESS", "(unset)", "host:port of a separate listener serving /metrics only (the main port then answers 404 there)"),
    ]

    init(reading reader: ConfigReader) throws(ConfigError) {
        corsOrigins = try reader.list("MONPS_CORS_ORIGINS").map { origin throws(ConfigError) in
            guard let normalised = Self.normalisedOrigin(origin) else {
                throw ConfigError("MONPS_CORS_ORIGINS", "expected origins such as https://app.example.com, got \"\(origin)\"")
            }
            return normalised
        }
        if reader.value("MONPS_HSTS_MAX_AGE") != nil {
            hstsMaxAgeSeconds = try reader.integer("MONPS_HSTS_MAX_AGE", default: 0, range: 0...63_072_000)
        }
        idleTimeout = .seconds(try reader.integer("MONPS_HTTP_IDLE_TIMEOUT", default: 60, range: 1...3600))
        requestBodyTimeout = .seconds(try reader.integer("MONPS_HTTP_BODY_TIMEOUT", default: 60, range: 1...3600))
        if let token = reader.value("MONPS_METRICS_TOKEN") {
            guard token.utf8.count >= 16 else { throw ConfigError("MONPS_METRICS_TOKEN", "must be at least 16 characters") }
            metricsToken = token
        }
        if let address = reader.value("MONPS_METRICS_ADDRESS") {
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
                (1...65535).contains(port), colon > address.startIndex
            else { throw ConfigError("MONPS_METRICS_ADDRESS", "expected host:port, got \"\(address)\"") }
            metricsListener = MetricsListener(host: String(address[..<colon]), port: port)
        }
    }

    /// `scheme://host[:port]` in lower case without a trailing slash, as browsers send `Origin`; nil for anything
    /// else (paths, wildcards, `null`).
    static func normalisedOrigin(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host?.lowercased(), !host.isEmpty,
            components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil,
            components.user == nil
        else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
