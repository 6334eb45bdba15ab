// One blocking hiredis connection. Every method here blocks: call them only from a thread-pool thread.

import CHiredis
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `redisContext` opened in blocking mode.
///
/// The context pointer is kept in a `Mutex`, which is `Sendable` whatever it holds, so this class is `Sendable`
/// without `@unchecked`. The pool lends a connection to one command at a time, so the lock is never contended;
/// it is the Sendable box and makes `close()` safe against a concurrent round trip (e.g. `shutdown()`).
final class RedisConnection: Sendable {
    /// Thrown by `execute` when an idle connection turned out to be dead (the server closed it or sent
    /// unexpected data) before anything was written: the command was not sent and may be retried elsewhere.
    struct StaleConnection: Error {}

    private let context: Mutex<UnsafeMutablePointer<redisContext>?>
    private let metrics: RedisMetrics

    private init(context: sending UnsafeMutablePointer<redisContext>, metrics: RedisMetrics) {
        self.context = Mutex(context)
        self.metrics = metrics
    }

    deinit {
        self.close()
    }

    /// Connects (TCP, `connectTimeout`), sets the socket timeouts to `commandTimeout`, enables TCP keep-alive,
    /// then sends `AUTH` and `SELECT` when configured.
    static func connect(
        _ configuration: RedisConfiguration, metrics: RedisMetrics
    ) throws(RedisError) -> RedisConnection {
        let endpoint = "\(configuration.host):\(configuration.port)"
        guard
            let context = redisConnectWithTimeout(
                configuration.host, Int32(clamping: configuration.port), configuration.connectTimeout.hiredisTimeval)
        else {
            throw .connectionFailed("\(endpoint): cannot allocate a hiredis context")
        }
        if context.pointee.err != 0 {
            let message = Self.errorString(context)
            redisFree(context)
            throw .connectionFailed("\(endpoint): \(message)")
        }
        guard redisSetTimeout(context, configuration.commandTimeout.hiredisTimeval) == REDIS_OK else {
            let message = Self.errorString(context)
            redisFree(context)
            throw .connectionFailed("\(endpoint): cannot set socket timeout: \(message)")
        }
        _ = redisEnableKeepAlive(context)
        metrics.connectionOpened()
        let connection = RedisConnection(context: context, metrics: metrics)

        do {
            if let password = configuration.password {
                var auth: [[UInt8]] = [Array("AUTH".utf8)]
                if let username = configuration.username { auth.append(Array(username.utf8)) }
                auth.append(Array(password.utf8))
                if case .error(let message) = try connection.execute(auth, checkStale: false) {
                    throw RedisError.connectionFailed("\(endpoint): authentication failed: \(message)")
                }
            }
            if configuration.database != 0 {
                let select = [Array("SELECT".utf8), Array(String(configuration.database).utf8)]
                if case .error(let message) = try connection.execute(select, checkStale: false) {
                    throw RedisError.connectionFailed(
                        "\(endpoint): SELECT \(configuration.database) failed: \(message)")
                }
            }
        } catch {
            connection.close()
            throw error as? RedisError ?? .connectionFailed("\(endpoint): \(error)")
        }
        return connection
    }

    var isOpen: Bool { self.context.withLock { $0 != nil } }

    /// Frees the context (closes the socket). Idempotent; `redisFree` does not block.
    func close() {
        self.context.withLock { self.closeLocked(&$0) }
    }

    /// Sends one command (binary-safe, `redisCommandArgv`) and waits for its reply.
    ///
    /// A top-level error reply is returned as `.error`, not thrown. On an I/O, EOF, timeout or protocol failure
    /// the context is freed and a `RedisError` is thrown; the connection must then be discarded.
    /// With `checkStale`, a connection with unread input (server closed it while idle) throws `StaleConnection`
    /// without sending anything.
    func execute(_ arguments: [[UInt8]], checkStale: Bool = true) throws -> RedisValue {
        try self.context.withLock { (slot: inout UnsafeMutablePointer<redisContext>?) throws -> RedisValue in
            guard let context = slot else { throw RedisError.connectionFailed("connection is closed") }
            Self.blockSIGPIPEOnCurrentThread()
            if checkStale && Self.hasPendingInput(context.pointee.fd) {
                self.closeLocked(&slot)
                throw StaleConnection()
            }
            let raw = Self.withArgv(arguments) { argc, argv, lengths in
                redisCommandArgv(context, argc, argv, lengths)
            }
            guard let raw else {
                let error = Self.failure(of: context, errno: errno)
                self.closeLocked(&slot)
                throw error
            }
            defer { freeReplyObject(raw) }
            do {
                return try Self.convert(raw.assumingMemoryBound(to: redisReply.self))
            } catch {
                self.closeLocked(&slot)
                throw error
            }
        }
    }

    /// Waits up to `timeoutMilliseconds` for one pushed reply (pub/sub). Returns `nil` when nothing complete
    /// arrived in time. Replies already buffered by hiredis are returned without touching the socket.
    func readPush(timeoutMilliseconds: Int32) throws -> RedisValue? {
        try self.context.withLock { (slot: inout UnsafeMutablePointer<redisContext>?) throws -> RedisValue? in
            guard let context = slot else { throw RedisError.connectionFailed("connection is closed") }
            do {
                if let value = try Self.bufferedReply(context) { return value }
                var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, timeoutMilliseconds)
                if ready == 0 { return nil }
                if ready < 0 {
                    if errno == EINTR { return nil }
                    throw RedisError.connectionFailed("poll failed (errno \(errno))")
                }
                guard redisBufferRead(context) == REDIS_OK else {
                    throw Self.failure(of: context, errno: errno)
                }
                return try Self.bufferedReply(context)
            } catch {
                self.closeLocked(&slot)
                throw error
            }
        }
    }

    // MARK: - Helpers

    private func closeLocked(_ slot: inout UnsafeMutablePointer<redisContext>?) {
        guard let context = slot else { return }
        redisFree(context)
        slot = nil
        self.metrics.connectionClosed()
    }

    private static func bufferedReply(_ context: UnsafeMutablePointer<redisContext>) throws -> RedisValue? {
        var raw: UnsafeMutableRawPointer? = nil
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
            throw Self.failure(of: context, errno: 0)
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return try Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Converts a hiredis reply tree; the caller frees the root with `freeReplyObject`.
    static func convert(_ reply: UnsafePointer<redisReply>) throws -> RedisValue {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            return .bulk(Self.bytes(node.str, node.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: Self.bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: Self.bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(node.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                guard let child = node.element?[index] else { throw RedisError.protocolError("null array element") }
                elements.append(try Self.convert(child))
            }
            return .array(elements)
        default:
            throw RedisError.protocolError("unknown hiredis reply type \(node.type)")
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        // One copy (a byte-by-byte `map` cost 7 % of a cached request's CPU on 28 kB entries).
        return [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: length))
            count = length
        }
    }

    /// Maps the error state of a context after a failed call. `errno` must be read right after that call.
    private static func failure(of context: UnsafeMutablePointer<redisContext>, errno code: Int32) -> RedisError {
        let message = Self.errorString(context)
        switch context.pointee.err {
        case REDIS_ERR_IO:
            if code == EAGAIN || code == EWOULDBLOCK { return .timeout }
            if code == EPIPE { Self.consumePendingSIGPIPE() }
            return .connectionFailed("I/O error: \(message)")
        case REDIS_ERR_EOF:
            return .connectionFailed("server closed the connection")
        case REDIS_ERR_PROTOCOL:
            return .protocolError(message)
        default:
            return .connectionFailed(message.isEmpty ? "unknown hiredis error" : message)
        }
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Calls `body` with a C argv/argvlen view of `arguments`, all stored in one contiguous buffer.
    private static func withArgv<R>(
        _ arguments: [[UInt8]],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        var storage: [UInt8] = []
        storage.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        offsets.reserveCapacity(arguments.count)
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            offsets.append(storage.count)
            lengths.append(argument.count)
            storage.append(contentsOf: argument)
        }
        storage.append(0)  // never empty, so the base address exists even for empty arguments
        return storage.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                let base = chars.baseAddress!
                var argv: [UnsafePointer<CChar>?] = offsets.map { UnsafePointer(base + $0) }
                return argv.withUnsafeMutableBufferPointer { argvBuffer in
                    lengths.withUnsafeBufferPointer { lengthBuffer in
                        body(Int32(arguments.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
                    }
                }
            }
        }
    }

    /// True when the socket is readable (EOF, reset or stray data): an idle request/response connection
    /// never has pending input.
    private static func hasPendingInput(_ fd: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    /// hiredis writes with `write(2)`, which raises SIGPIPE on a socket the server has reset; by default that
    /// kills the process. Block SIGPIPE on the (thread-pool) thread doing the write, so `write` fails with
    /// EPIPE instead, without changing the process-wide disposition.
    private static func blockSIGPIPEOnCurrentThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Discards a SIGPIPE left pending on this thread by a failed write.
    private static func consumePendingSIGPIPE() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        #if !canImport(Darwin)
            var zero = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&set, nil, &zero)
        #endif
    }
}

extension Duration {
    /// A `timeval` for hiredis, at least 1 ms (hiredis treats a zero timeout as "wait forever").
    var hiredisTimeval: timeval {
        let (seconds, attoseconds) = self.components
        if seconds < 0 || (seconds == 0 && attoseconds < 1_000_000_000_000_000) {
            return timeval(tv_sec: 0, tv_usec: 1000)
        }
        return timeval(tv_sec: time_t(seconds), tv_usec: suseconds_t(attoseconds / 1_000_000_000_000))
    }
}
