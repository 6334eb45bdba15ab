/// How the live notification stream (`GET /v1/stream`) treats its connections: heartbeats, the backstop poll
/// that covers lost Redis signals, and the bounds that keep one client from holding memory or sockets.
public struct StreamSettings: Sendable, Equatable {
    /// A `{"type":"heartbeat"}` frame after this long (proxies and browsers drop silent connections).
    public var heartbeatInterval: Duration = .seconds(25)
    /// Every connection reads the log this often even without a Redis signal (a signal lost during a Redis
    /// outage or reconnect is then late by at most this much).
    public var pollInterval: Duration = .seconds(15)
    /// Live streams one account may hold on one server process; the next upgrade is refused with 429.
    public var maxConnectionsPerUser = 5
    /// Frames waiting to be written to one socket; the reader of the log stops fetching while it is full.
    public var bufferFrames = 256
    /// How long that buffer may stay full before the connection is closed with 4008 (consumer too slow).
    public var sendTimeout: Duration = .seconds(10)

    public init() {}

    static let documentation: [(name: String, defaultValue: String, meaning: String)] = [
        ("MONPS_STREAM_HEARTBEAT_SECONDS", "25", "Seconds between heartbeat frames on GET /v1/stream (besides WebSocket pings)"),
        ("MONPS_STREAM_POLL_SECONDS", "15", "Seconds between the live stream's backstop reads of the log (covers Redis signals lost in an outage)"),
        ("MONPS_STREAM_MAX_PER_USER", "5", "Live streams one account may hold per server process; more are refused with 429"),
        ("MONPS_STREAM_BUFFER", "256", "Frames buffered per live stream connection; full for MONPS_STREAM_SEND_TIMEOUT, the connection is closed with 4008"),
        ("MONPS_STREAM_SEND_TIMEOUT", "10", "Seconds a live stream's buffer may stay full (the client does not read) before it is closed with code 4008"),
    ]

    init(reading reader: ConfigReader) throws(ConfigError) {
        heartbeatInterval = .seconds(try reader.integer("MONPS_STREAM_HEARTBEAT_SECONDS", default: 25, range: 1...3600))
        pollInterval = .seconds(try reader.integer("MONPS_STREAM_POLL_SECONDS", default: 15, range: 1...3600))
        maxConnectionsPerUser = try reader.integer("MONPS_STREAM_MAX_PER_USER", default: 5, range: 1...10_000)
        bufferFrames = try reader.integer("MONPS_STREAM_BUFFER", default: 256, range: 1...100_000)
        sendTimeout = .seconds(try reader.integer("MONPS_STREAM_SEND_TIMEOUT", default: 10, range: 1...3600))
    }
}
