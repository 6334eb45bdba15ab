// Failure handling of RedisClient: refused connections, timeouts, restarts, AUTH/SELECT.

import Testing

@testable import MonPS

@Suite("Redis client resilience", .hangGuard)
struct RedisResilienceTests {
    @Test("a closed port fails quickly with connectionFailed")
    func closedPort() async throws {
        let port = try RedisServerProcess.freeLoopbackPort()
        var configuration = RedisConfiguration(host: "127.0.0.1", port: port, poolSize: 2)
        configuration.connectTimeout = .seconds(5)
        let client = RedisClient(configuration: configuration)
        defer { client.shutdown() }

        let error = await RedisTestSupport.redisError { try await client.ping() }
        #expect(error?.redisCaseName == "connectionFailed")

        // Many concurrent callers on a dead server all fail fast, none hangs.
        let failures = await withTaskGroup(of: String?.self) { group in
            for index in 0..<50 {
                group.addTask {
                    do {
                        _ = try await client.get("k\(index)")
                        return nil
                    } catch let error as RedisError {
                        return error.redisCaseName
                    } catch {
                        return "\(error)"
                    }
                }
            }
            var names: [String?] = []
            for await name in group { names.append(name) }
            return names
        }
        #expect(failures.count == 50)
        #expect(failures.allSatisfy { $0 == "connectionFailed" })
        #expect(client.openConnectionCount == 0)
    }

    @Test("a command exceeding commandTimeout fails with timeout; the client recovers")
    func commandTimeout() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(
            configuration: try server.redisConfiguration(poolSize: 2, commandTimeout: .milliseconds(300)))
        defer { client.shutdown() }

        try await client.set("k", value: "v")
        let error = await RedisTestSupport.redisError {
            _ = try await client.command(["BLPOP", client.prefixed("empty-list"), "5"])
        }
        #expect(error == .timeout)
        #expect(try await client.getString("k") == "v")
    }

    @Test("Redis restarts mid-test: typed errors while down, automatic recovery after")
    func restartMidTest() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(
            configuration: try server.redisConfiguration(poolSize: 4, commandTimeout: .seconds(1)))
        defer { client.shutdown() }

        // Warm up several pooled connections.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 { group.addTask { try await client.set("warm-\(index)", value: "x") } }
            try await group.waitForAll()
        }
        #expect(try await client.incr("counter") == 1)

        server.stop()
        for attempt in 0..<5 {
            let error = await RedisTestSupport.redisError { _ = try await client.incr("counter") }
            let name = error?.redisCaseName ?? "none"
            #expect(name == "connectionFailed" || name == "timeout", "attempt \(attempt): \(name)")
        }
        #expect(client.openConnectionCount == 0)

        try await server.start()
        // The same client reconnects by itself; the server restarted empty (no persistence).
        #expect(try await client.incr("counter") == 1)
        #expect(try await client.getString("warm-0") == nil)
        try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<20 { group.addTask { try await client.incr("counter") } }
            var values: [Int64] = []
            for try await value in group { values.append(value) }
            #expect(Set(values) == Set(2...21))
        }
    }

    @Test("a restart while idle is invisible: stale pooled connections are replaced before sending")
    func restartWhileIdle() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration(poolSize: 4))
        defer { client.shutdown() }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 { group.addTask { try await client.set("k\(index)", value: "x") } }
            try await group.waitForAll()
        }
        #expect(client.openConnectionCount >= 1)
        try await server.restart()
        // Every idle connection is dead; none of these commands fails.
        for index in 0..<8 {
            #expect(try await client.incr("after-restart") == Int64(index + 1))
        }
    }

    @Test("a caller waiting for a busy pool can be cancelled; the pool keeps working")
    func cancelWaiter() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(
            configuration: try server.redisConfiguration(poolSize: 1, commandTimeout: .seconds(5)))
        defer { client.shutdown() }

        // Occupy the only connection for ~1 s (server-side BLPOP timeout).
        let blocker = Task { try await client.command(["BLPOP", client.prefixed("nothing"), "1"]) }
        #expect(await Eventually.holds { client.pool.occupancy.leased == 1 })
        let waiter = Task { try await client.getString("k") }
        #expect(await Eventually.holds { client.pool.occupancy.waiting == 1 })
        waiter.cancel()
        let waited = await waiter.result
        #expect(throws: CancellationError.self) { try waited.get() }
        #expect(client.pool.occupancy.waiting == 0)

        #expect(try await blocker.value == .null)
        try await client.set("k", value: "v")
        #expect(try await client.getString("k") == "v")
        #expect(client.openConnectionCount == 1)
    }

    @Test("AUTH and SELECT on connect; a wrong password fails without leaking it")
    func authAndSelect() async throws {
        let server = try await RedisServerProcess(extraArguments: ["--requirepass", "p@ss word"])
        defer { server.stop() }
        let base = "redis://:p%40ss%20word@127.0.0.1:\(server.port)"

        let db3 = RedisClient(configuration: try RedisConfiguration(url: base + "/3"))
        let db0 = RedisClient(configuration: try RedisConfiguration(url: base))
        defer {
            db3.shutdown()
            db0.shutdown()
        }
        try await db3.set("where", value: "three")
        #expect(try await db3.getString("where") == "three")
        #expect(try await db0.getString("where") == nil)
        #expect(try await db3.command(["CLIENT", "INFO"]).string?.contains(" db=3 ") == true)

        let wrong = RedisClient(
            configuration: try RedisConfiguration(url: "redis://:wrong-secret@127.0.0.1:\(server.port)"))
        defer { wrong.shutdown() }
        let error = await RedisTestSupport.redisError { try await wrong.ping() }
        guard case .connectionFailed(let message) = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(message.contains("authentication failed"))
        #expect(!message.contains("wrong-secret"))

        let missing = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:\(server.port)"))
        defer { missing.shutdown() }
        let noAuth = await RedisTestSupport.redisError { try await missing.ping() }
        #expect(noAuth?.redisCaseName == "serverError")
    }
}
