// Connection settings of the Redis client, and parsing of `redis://` URLs.

/// Settings of a `RedisClient`.
///
/// `description` never shows the password, so a configuration can be logged.
public struct RedisConfiguration: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Logical database selected with `SELECT` on every new connection.
    public var database: Int
    /// ACL user name (Redis 6+); `nil` authenticates as the default user.
    public var username: String?
    /// Sent with `AUTH` on every new connection when not `nil`.
    public var password: String?
    /// Maximum number of pooled connections (subscriptions use their own, extra connection).
    public var poolSize: Int
    /// Bound on establishing a TCP connection (`redisConnectWithTimeout`).
    public var connectTimeout: Duration
    /// Bound on each socket read and write of a command (`redisSetTimeout`, i.e. `SO_RCVTIMEO`/`SO_SNDTIMEO`).
    /// Blocking commands (`BLPOP`, ...) longer than this fail with `RedisError.timeout`.
    public var commandTimeout: Duration
    /// Prepended to every key by the typed helpers of `RedisClient` and to every pub/sub channel name,
    /// so that test suites and tenants can share one Redis. `command(_:)` sends its arguments unchanged.
    public var keyPrefix: String

    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        database: Int = 0,
        username: String? = nil,
        password: String? = nil,
        poolSize: Int = 8,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(2),
        keyPrefix: String = ""
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.poolSize = max(1, poolSize)
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.keyPrefix = keyPrefix
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`. Percent-escapes are decoded in the user name and
    /// password; IPv6 hosts are written in brackets (`redis://[::1]:6379`). Other settings keep their defaults.
    ///
    /// - Throws: `RedisError.invalidURL` naming the offending part (never echoing the password).
    public init(url: String) throws {
        self.init()
        var rest = Substring(url)

        guard let schemeEnd = rest.firstRange(of: "://") else {
            throw RedisError.invalidURL("missing scheme (expected redis://host:port/db)")
        }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "redis": break
        case "rediss": throw RedisError.invalidURL("TLS (rediss://) is not supported")
        default: throw RedisError.invalidURL("unsupported scheme '\(scheme)' (expected redis://)")
        }
        rest = rest[schemeEnd.upperBound...]

        if rest.contains("?") { throw RedisError.invalidURL("query parameters are not supported") }
        if rest.contains("#") { throw RedisError.invalidURL("fragments are not supported") }

        // Authority ends at the first '/', the path (database) follows.
        let authority: Substring
        let path: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            authority = rest
            path = ""
        }

        // Userinfo ends at the last '@' (an unescaped '@' in a password is tolerated).
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            guard let colon = userinfo.firstIndex(of: ":") else {
                throw RedisError.invalidURL("credentials must be written ':password@' or 'user:password@'")
            }
            let user = try Self.percentDecode(userinfo[..<colon], part: "user name")
            let password = try Self.percentDecode(userinfo[userinfo.index(after: colon)...], part: "password")
            self.username = user.isEmpty ? nil : user
            self.password = password.isEmpty ? nil : password
        }

        // Host: bracketed IPv6 literal or a plain name / IPv4 address; then an optional ':port'.
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw RedisError.invalidURL("unterminated IPv6 host literal")
            }
            self.host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw RedisError.invalidURL("unexpected text after IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.firstIndex(of: ":") {
            self.host = String(hostPort[..<colon])
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            self.host = String(hostPort)
        }
        guard !self.host.isEmpty else { throw RedisError.invalidURL("missing host") }
        guard !self.host.contains(where: { " @[]/%".contains($0) || $0.isWhitespace }) else {
            throw RedisError.invalidURL("invalid host '\(self.host)'")
        }

        if let portText {
            guard let port = Self.decimal(portText), (1...65535).contains(port) else {
                throw RedisError.invalidURL("invalid port '\(portText)' (expected 1-65535)")
            }
            self.port = port
        }

        if !path.isEmpty {
            guard let database = Self.decimal(path) else {
                throw RedisError.invalidURL("invalid database index '\(path)' (expected a non-negative integer)")
            }
            self.database = database
        }
    }

    /// A non-negative decimal made of ASCII digits only (no sign, no spaces), at most 9 digits.
    private static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    /// The same URL shape as accepted by `init(url:)`, with the password masked.
    public var description: String {
        var text = "redis://"
        if username != nil || password != nil {
            text += (username ?? "") + (password == nil ? "" : ":***") + "@"
        }
        text += host.contains(":") ? "[\(host)]" : host
        text += ":\(port)/\(database)"
        if !keyPrefix.isEmpty { text += " (key prefix '\(keyPrefix)')" }
        return text
    }

    private static func percentDecode(_ text: Substring, part: String) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else {
                throw RedisError.invalidURL("invalid percent-escape in \(part)")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw RedisError.invalidURL("\(part) is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
