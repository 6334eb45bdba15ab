// Value, error and message types of the hiredis-based Redis client.

/// One RESP2 reply, converted from a hiredis `redisReply` tree.
public enum RedisValue: Sendable, Equatable, Hashable {
    /// `REDIS_REPLY_NIL`: a missing key or a null array.
    case null
    /// `REDIS_REPLY_STRING`: a bulk string; bytes are kept as-is (binary-safe).
    case bulk([UInt8])
    /// `REDIS_REPLY_STATUS`: a simple string such as `OK` or `PONG`.
    case status(String)
    /// `REDIS_REPLY_INTEGER`.
    case integer(Int64)
    /// `REDIS_REPLY_ARRAY`.
    case array([RedisValue])
    /// `REDIS_REPLY_ERROR`. A top-level error reply is thrown as `RedisError.serverError` by the client;
    /// this case only appears nested in arrays (e.g. inside an `EXEC` or a Lua table reply).
    case error(String)

    /// The bytes of a bulk or status reply.
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// A bulk or status reply decoded as UTF-8 (invalid sequences are replaced), or the decimal form of an integer.
    public var string: String? {
        switch self {
        case .bulk(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        case .integer(let value): return String(value)
        default: return nil
        }
    }

    /// An integer reply, or a bulk/status reply holding a decimal integer.
    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulk, .status: return self.string.flatMap { Int64($0) }
        default: return nil
        }
    }

    /// The elements of an array reply.
    public var array: [RedisValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var isNull: Bool { self == .null }
}

/// Errors thrown by `RedisClient`. Messages never contain the password.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Could not connect, or the connection broke (EOF, reset, I/O error). The connection was discarded;
    /// the next command reconnects.
    case connectionFailed(String)
    /// A socket read or write exceeded `RedisConfiguration.commandTimeout`. The connection was discarded.
    case timeout
    /// hiredis could not parse the server's reply (or an unexpected reply shape). The connection was discarded.
    case protocolError(String)
    /// The server answered with an error reply (`ERR ...`, `WRONGTYPE ...`, `NOSCRIPT ...`, ...).
    case serverError(String)
    /// The client was shut down.
    case poolClosed
    /// `RedisConfiguration(url:)` rejected the URL; the message names the offending part.
    case invalidURL(String)

    public var description: String {
        switch self {
        case .connectionFailed(let message): return "Redis connection failed: \(message)"
        case .timeout: return "Redis command timed out"
        case .protocolError(let message): return "Redis protocol error: \(message)"
        case .serverError(let message): return "Redis server error: \(message)"
        case .poolClosed: return "Redis client is shut down"
        case .invalidURL(let message): return "Invalid Redis URL: \(message)"
        }
    }

    /// True for errors after which the connection cannot be reused.
    var discardsConnection: Bool {
        switch self {
        case .connectionFailed, .timeout, .protocolError: return true
        case .serverError, .poolClosed, .invalidURL: return false
        }
    }
}

/// A message received on a subscribed channel.
public struct RedisMessage: Sendable, Equatable {
    /// The channel name as passed to `subscribe(channels:)`, without the configured key prefix.
    public var channel: String
    /// The raw message payload (binary-safe).
    public var payload: [UInt8]

    public init(channel: String, payload: [UInt8]) {
        self.channel = channel
        self.payload = payload
    }

    /// The payload decoded as UTF-8 (invalid sequences are replaced).
    public var string: String { String(decoding: payload, as: UTF8.self) }
}

/// The remaining time to live of a key, as reported by `PTTL`.
public enum RedisKeyTTL: Sendable, Equatable {
    /// The key does not exist (`PTTL` = -2).
    case missing
    /// The key exists and has no expiry (`PTTL` = -1).
    case persistent
    /// The key expires after this duration (millisecond precision).
    case expiresIn(Duration)
}

extension Duration {
    /// Whole milliseconds, rounded up so that a positive sub-millisecond duration stays positive.
    var redisMilliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        var milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if attoseconds % 1_000_000_000_000_000 > 0 { milliseconds += 1 }
        return milliseconds
    }
}

/// What a subscription stream carries (`RedisClient.subscriptionEvents(channels:)`).
public enum RedisSubscriptionEvent: Sendable, Equatable {
    /// The subscription is in place: every message published from now on arrives.
    case subscribed
    /// A message on one of the channels.
    case message(RedisMessage)
    /// Messages may have been missed (until the next `.subscribed`).
    case interrupted
}
