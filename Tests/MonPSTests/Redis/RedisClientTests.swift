// Commands of RedisClient against a private redis-server.

import MonPS
import Testing

@Suite("Redis client commands", .hangGuard)
struct RedisClientTests {
    @Test("get/set with TTL, expiry observed via TTL")
    func getSetWithTTL() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration())
        defer { client.shutdown() }

        try await client.ping()
        #expect(try await client.getString("missing") == nil)
        #expect(try await client.ttl("missing") == .missing)

        try await client.set("plain", value: "v1")
        #expect(try await client.getString("plain") == "v1")
        #expect(try await client.ttl("plain") == .persistent)

        try await client.set("long", value: "v2", ttl: .seconds(30))
        guard case .expiresIn(let remaining) = try await client.ttl("long") else {
            Issue.record("expected a TTL on 'long'")
            return
        }
        #expect(remaining > .seconds(29) && remaining <= .seconds(30))

        try await client.set("short", value: Array("v3".utf8), ttl: .milliseconds(1000))
        #expect(try await client.get("short") == Array("v3".utf8))
        guard case .expiresIn(let shortTTL) = try await client.ttl("short") else {
            Issue.record("expected a TTL on 'short'")
            return
        }
        #expect(shortTTL > .zero && shortTTL <= .milliseconds(1000))
        let expired = await Eventually.holds(timeout: .seconds(5)) {
            (try? await client.ttl("short")) == .missing
        }
        #expect(expired)
        #expect(try await client.get("short") == nil)

        #expect(try await client.expire("plain", ttl: .seconds(100)) == true)
        guard case .expiresIn(let plainTTL) = try await client.ttl("plain") else {
            Issue.record("expected a TTL on 'plain' after EXPIRE")
            return
        }
        #expect(plainTTL > .seconds(99) && plainTTL <= .seconds(100))
        #expect(try await client.expire("missing", ttl: .seconds(1)) == false)

        let invalidTTL = await RedisTestSupport.redisError { try await client.set("bad", value: "x", ttl: .zero) }
        #expect(invalidTTL?.redisCaseName == "serverError")
    }

    @Test("SET NX only sets an absent key")
    func setIfAbsent() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration())
        defer { client.shutdown() }

        #expect(try await client.setIfAbsent("lock", value: "owner-1", ttl: .seconds(10)) == true)
        #expect(try await client.setIfAbsent("lock", value: "owner-2", ttl: .seconds(100)) == false)
        #expect(try await client.getString("lock") == "owner-1")
        guard case .expiresIn(let remaining) = try await client.ttl("lock") else {
            Issue.record("expected a TTL on 'lock'")
            return
        }
        // The first writer's TTL (10 s), not the refused one's (100 s); how much of it is left depends on the machine.
        #expect(remaining > .zero && remaining <= .seconds(10))
        #expect(try await client.setIfAbsent("nottl", value: "x") == true)
        #expect(try await client.ttl("nottl") == .persistent)
    }

    @Test("INCR, INCRBY and DEL")
    func incrAndDel() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration())
        defer { client.shutdown() }

        #expect(try await client.incr("counter") == 1)
        #expect(try await client.incr("counter") == 2)
        #expect(try await client.incr("counter", by: 40) == 42)
        #expect(try await client.incr("counter", by: -2) == 40)
        #expect(try await client.getString("counter") == "40")

        try await client.set("text", value: "not a number")
        let wrongType = await RedisTestSupport.redisError { _ = try await client.incr("text") }
        guard case .serverError(let message) = wrongType else {
            Issue.record("expected serverError, got \(String(describing: wrongType))")
            return
        }
        #expect(message.hasPrefix("ERR"))

        try await client.set("a", value: "1")
        try await client.set("b", value: "2")
        #expect(try await client.del("a", "b", "never-set") == 2)
        #expect(try await client.get("a") == nil)
        #expect(try await client.del([]) == 0)
        #expect(try await client.del(["counter"]) == 1)
    }

    @Test("values and keys are binary-safe (0x00, CR LF, 0xFF, empty)")
    func binarySafe() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration())
        defer { client.shutdown() }

        let value: [UInt8] = [0x00, 0x0D, 0x0A, 0x24, 0x31, 0x0D, 0x0A, 0xFF, 0x00]
        try await client.set("bin\r\nkey\u{0}", value: value)
        #expect(try await client.get("bin\r\nkey\u{0}") == value)
        #expect(try await client.get("bin\r\nkey") == nil)

        try await client.set("empty", value: [UInt8]())
        #expect(try await client.get("empty") == [])

        let echoed = try await client.command([Array("ECHO".utf8), value])
        #expect(echoed == .bulk(value))
        let strlen = try await client.command(["STRLEN", client.prefixed("bin\r\nkey\u{0}")])
        #expect(strlen == .integer(Int64(value.count)))
    }

    @Test("generic command: reply types and server errors")
    func genericCommand() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration(keyPrefix: ""))
        defer { client.shutdown() }

        #expect(try await client.command(["PING"]) == .status("PONG"))
        #expect(try await client.command(["RPUSH", "list", "a", "", "c"]) == .integer(3))
        #expect(
            try await client.command(["LRANGE", "list", "0", "-1"])
                == .array([.bulk(Array("a".utf8)), .bulk([]), .bulk(Array("c".utf8))]))
        #expect(try await client.command(["MGET", "list-missing", "nothing"]) == .array([.null, .null]))
        #expect(try await client.command(["LRANGE", "nothing", "0", "-1"]) == .array([]))

        let unknown = await RedisTestSupport.redisError { _ = try await client.command(["NOSUCHCOMMAND"]) }
        guard case .serverError(let message) = unknown else {
            Issue.record("expected serverError, got \(String(describing: unknown))")
            return
        }
        #expect(message.contains("unknown command"))
        // The connection survives a server error.
        #expect(try await client.command(["GET", "nothing"]) == .null)
        #expect(client.openConnectionCount == 1)
    }

    @Test("evalScript: EVALSHA, NOSCRIPT recovery after SCRIPT FLUSH, reply conversion")
    func evalScript() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration(keyPrefix: "lua:"))
        defer { client.shutdown() }

        let incrBy = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        // Our SHA-1 matches the server's.
        let loaded = try await client.command(["SCRIPT", "LOAD", incrBy.source])
        #expect(loaded.string == incrBy.sha1)
        _ = try await client.command(["SCRIPT", "FLUSH"])
        #expect(try await client.command(["SCRIPT", "EXISTS", incrBy.sha1]) == .array([.integer(0)]))

        // Fresh server: NOSCRIPT -> SCRIPT LOAD -> retry.
        #expect(try await client.evalScript(incrBy, keys: ["n"], args: ["5"]) == .integer(5))
        #expect(try await client.command(["SCRIPT", "EXISTS", incrBy.sha1]) == .array([.integer(1)]))
        #expect(try await client.evalScript(incrBy, keys: ["n"], args: ["1"]) == .integer(6))
        _ = try await client.command(["SCRIPT", "FLUSH"])
        #expect(try await client.evalScript(incrBy, keys: ["n"], args: ["4"]) == .integer(10))
        // Keys were prefixed.
        #expect(try await client.command(["GET", "lua:n"]) == .bulk(Array("10".utf8)))

        let mixed = RedisScript("return {1, 'two', false, {3, redis.status_reply('FINE')}}")
        #expect(
            try await client.evalScript(mixed)
                == .array([.integer(1), .bulk(Array("two".utf8)), .null, .array([.integer(3), .status("FINE")])]))

        let failing = RedisScript("return redis.error_reply('CUSTOM boom')")
        let scriptError = await RedisTestSupport.redisError { _ = try await client.evalScript(failing) }
        #expect(scriptError == .serverError("CUSTOM boom"))
    }

    @Test("200 concurrent commands through a pool of 4 connections")
    func poolUnderConcurrency() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration(poolSize: 4))
        defer { client.shutdown() }

        let results = try await withThrowingTaskGroup(of: (Int, String?, Int64).self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await client.set("key-\(index)", value: "value-\(index)")
                    let read = try await client.getString("key-\(index)")
                    let count = try await client.incr("hits")
                    return (index, read, count)
                }
            }
            var collected: [(Int, String?, Int64)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == 200)
        for (index, read, _) in results { #expect(read == "value-\(index)") }
        #expect(Set(results.map(\.2)) == Set(1...200))
        #expect(try await client.getString("hits") == "200")
        #expect(client.openConnectionCount <= 4)
        #expect(client.openConnectionCount >= 1)
        let clients = try await client.command(["CLIENT", "LIST"])
        let lines = clients.string?.split(separator: "\n") ?? []
        #expect(lines.count <= 4)
    }

    @Test("key prefixes isolate clients sharing one Redis")
    func keyPrefixIsolation() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let tenantA = RedisClient(configuration: try server.redisConfiguration(keyPrefix: "tenantA:"))
        let tenantB = RedisClient(configuration: try server.redisConfiguration(keyPrefix: "tenantB:"))
        defer {
            tenantA.shutdown()
            tenantB.shutdown()
        }

        try await tenantA.set("shared", value: "from A")
        #expect(try await tenantB.getString("shared") == nil)
        try await tenantB.set("shared", value: "from B")
        #expect(try await tenantA.getString("shared") == "from A")
        #expect(try await tenantB.getString("shared") == "from B")
        #expect(try await tenantA.incr("n") == 1)
        #expect(try await tenantB.incr("n") == 1)
        #expect(try await tenantA.del("shared") == 1)
        #expect(try await tenantB.getString("shared") == "from B")
        #expect(try await tenantA.command(["GET", "tenantB:shared"]) == .bulk(Array("from B".utf8)))
        #expect(tenantA.prefixed("x") == "tenantA:x")
    }

    @Test("shutdown fails later commands with poolClosed")
    func shutdownClosesPool() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration())
        try await client.set("k", value: "v")
        #expect(client.openConnectionCount == 1)
        client.shutdown()
        #expect(client.openConnectionCount == 0)
        let error = await RedisTestSupport.redisError { _ = try await client.get("k") }
        #expect(error == .poolClosed)
        client.shutdown()  // idempotent
    }
}
