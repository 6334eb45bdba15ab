// Typed Redis commands. Every key (and channel) goes through `prefixed(_:)`.

extension RedisClient {
    /// The key as stored in Redis: `configuration.keyPrefix + key`. Use it when building `command(_:)` calls.
    public func prefixed(_ key: String) -> String {
        self.configuration.keyPrefix + key
    }

    /// `PING`; throws unless the server answers `PONG`.
    public func ping() async throws {
        let reply = try await self.send([Self.word("PING")])
        guard reply == .status("PONG") else { throw Self.unexpected(reply, to: "PING") }
    }

    /// `GET`: the value's bytes, or `nil` when the key does not exist.
    public func get(_ key: String) async throws -> [UInt8]? {
        let reply = try await self.send([Self.word("GET"), self.keyBytes(key)])
        switch reply {
        case .null: return nil
        case .bulk(let bytes): return bytes
        default: throw Self.unexpected(reply, to: "GET")
        }
    }

    /// `GET` decoded as UTF-8 (invalid sequences are replaced).
    public func getString(_ key: String) async throws -> String? {
        try await self.get(key).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `SET key value [PX ttl]`. A `ttl` is sent in milliseconds (rounded up); a zero or negative `ttl`
    /// is rejected by Redis (`RedisError.serverError`).
    public func set(_ key: String, value: [UInt8], ttl: Duration? = nil) async throws {
        let reply = try await self.send(self.setArguments(key, value, ttl: ttl, onlyIfAbsent: false))
        guard reply == .status("OK") else { throw Self.unexpected(reply, to: "SET") }
    }

    public func set(_ key: String, value: String, ttl: Duration? = nil) async throws {
        try await self.set(key, value: Array(value.utf8), ttl: ttl)
    }

    /// `SET key value NX [PX ttl]`: true when the key was set, false when it already existed.
    /// (`PX` is `EX` with millisecond precision.)
    public func setIfAbsent(_ key: String, value: [UInt8], ttl: Duration? = nil) async throws -> Bool {
        let reply = try await self.send(self.setArguments(key, value, ttl: ttl, onlyIfAbsent: true))
        switch reply {
        case .status("OK"): return true
        case .null: return false
        default: throw Self.unexpected(reply, to: "SET NX")
        }
    }

    public func setIfAbsent(_ key: String, value: String, ttl: Duration? = nil) async throws -> Bool {
        try await self.setIfAbsent(key, value: Array(value.utf8), ttl: ttl)
    }

    /// `INCR` (or `INCRBY` when `amount` is not 1): the new value.
    public func incr(_ key: String, by amount: Int64 = 1) async throws -> Int64 {
        let arguments =
            amount == 1
            ? [Self.word("INCR"), self.keyBytes(key)]
            : [Self.word("INCRBY"), self.keyBytes(key), Self.word(String(amount))]
        let reply = try await self.send(arguments)
        guard case .integer(let value) = reply else { throw Self.unexpected(reply, to: "INCR") }
        return value
    }

    /// `PEXPIRE`: true when the timeout was set, false when the key does not exist.
    public func expire(_ key: String, ttl: Duration) async throws -> Bool {
        let reply = try await self.send(
            [Self.word("PEXPIRE"), self.keyBytes(key), Self.word(String(ttl.redisMilliseconds))])
        guard case .integer(let value) = reply else { throw Self.unexpected(reply, to: "PEXPIRE") }
        return value == 1
    }

    /// `DEL`: the number of keys removed.
    public func del(_ keys: String...) async throws -> Int {
        try await self.del(keys)
    }

    /// `DEL`: the number of keys removed (0 without a round trip when `keys` is empty).
    public func del(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let reply = try await self.send([Self.word("DEL")] + keys.map(self.keyBytes))
        guard case .integer(let value) = reply else { throw Self.unexpected(reply, to: "DEL") }
        return Int(value)
    }

    /// `PTTL`: missing, persistent, or the remaining time (millisecond precision).
    public func ttl(_ key: String) async throws -> RedisKeyTTL {
        let reply = try await self.send([Self.word("PTTL"), self.keyBytes(key)])
        switch reply {
        case .integer(-2): return .missing
        case .integer(-1): return .persistent
        case .integer(let milliseconds) where milliseconds >= 0: return .expiresIn(.milliseconds(milliseconds))
        default: throw Self.unexpected(reply, to: "PTTL")
        }
    }

    /// Runs a Lua script with `EVALSHA`. Keys get the key prefix; `args` are sent unchanged.
    /// On `NOSCRIPT` (server restarted, `SCRIPT FLUSH`, new server) the script is loaded with `SCRIPT LOAD`
    /// and `EVALSHA` is retried once. Errors raised by the script are thrown as `RedisError.serverError`.
    public func evalScript(_ script: RedisScript, keys: [String] = [], args: [String] = []) async throws -> RedisValue {
        let arguments =
            [Self.word("EVALSHA"), Self.word(script.sha1), Self.word(String(keys.count))]
            + keys.map(self.keyBytes) + args.map { Array($0.utf8) }
        do {
            return try await self.send(arguments)
        } catch RedisError.serverError(let message) where message.hasPrefix("NOSCRIPT") {
            self.logger.debug("loading Redis script", metadata: ["sha1": "\(script.sha1)"])
            let loaded = try await self.send([Self.word("SCRIPT"), Self.word("LOAD"), Array(script.source.utf8)])
            guard loaded.string == script.sha1 else {
                throw RedisError.protocolError("SCRIPT LOAD returned \(loaded), expected \(script.sha1)")
            }
            return try await self.send(arguments)
        }
    }

    /// `PUBLISH` on the prefixed channel: the number of subscribers that received the message.
    public func publish(channel: String, message: [UInt8]) async throws -> Int {
        let reply = try await self.send([Self.word("PUBLISH"), self.keyBytes(channel), message])
        guard case .integer(let receivers) = reply else { throw Self.unexpected(reply, to: "PUBLISH") }
        return Int(receivers)
    }

    public func publish(channel: String, message: String) async throws -> Int {
        try await self.publish(channel: channel, message: Array(message.utf8))
    }

    // MARK: - Helpers

    func keyBytes(_ key: String) -> [UInt8] {
        Array(self.prefixed(key).utf8)
    }

    private func setArguments(_ key: String, _ value: [UInt8], ttl: Duration?, onlyIfAbsent: Bool) -> [[UInt8]] {
        var arguments = [Self.word("SET"), self.keyBytes(key), value]
        if onlyIfAbsent { arguments.append(Self.word("NX")) }
        if let ttl {
            arguments.append(Self.word("PX"))
            arguments.append(Self.word(String(ttl.redisMilliseconds)))
        }
        return arguments
    }

    static func word(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func unexpected(_ reply: RedisValue, to command: String) -> RedisError {
        .protocolError("unexpected reply to \(command): \(reply)")
    }
}
