// Publish/subscribe of RedisClient against a private redis-server.

import MonPS
import Testing

@Suite("Redis pub/sub", .hangGuard)
struct RedisPubSubTests {
    /// Publishes until one subscriber receives it (the subscription connects asynchronously).
    private func publishUntilReceived(
        _ client: RedisClient, channel: String, message: [UInt8], timeout: Duration = .seconds(10)
    ) async -> Bool {
        await Eventually.holds(timeout: timeout) {
            (try? await client.publish(channel: channel, message: message)) == 1
        }
    }

    @Test("publish/subscribe round trip, prefixed channels, cancellation ends the subscription")
    func roundTrip() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration(keyPrefix: "ps:"))
        defer { client.shutdown() }

        // The stream lives inside the consuming task: when the task stops iterating and ends, the stream is
        // released, which terminates the subscription.
        let consumer = Task { () throws -> [RedisMessage] in
            var received: [RedisMessage] = []
            for try await message in client.subscribe(channels: ["news", "other"]) {
                received.append(message)
                if received.count == 3 { break }
            }
            return received
        }

        #expect(await publishUntilReceived(client, channel: "news", message: Array("hello".utf8)))
        let binary: [UInt8] = [0x00, 0x0D, 0x0A, 0xFF]
        #expect(try await client.publish(channel: "other", message: binary) == 1)
        // Channel names are prefixed on the wire (checked before the 3rd message ends the consumer).
        #expect(
            try await client.command(["PUBSUB", "NUMSUB", "ps:news"])
                == .array([.bulk(Array("ps:news".utf8)), .integer(1)]))
        #expect(try await client.publish(channel: "news", message: "bye") == 1)

        let received = try await consumer.value
        #expect(
            received == [
                RedisMessage(channel: "news", payload: Array("hello".utf8)),
                RedisMessage(channel: "other", payload: binary),
                RedisMessage(channel: "news", payload: Array("bye".utf8)),
            ])
        #expect(received.last?.string == "bye")

        // The consumer stopped iterating: the dedicated connection unsubscribes (closes) shortly after.
        let unsubscribed = await Eventually.holds(timeout: .seconds(3)) {
            (try? await client.command(["PUBSUB", "NUMSUB", "ps:news"]))
                == .array([.bulk(Array("ps:news".utf8)), .integer(0)])
        }
        #expect(unsubscribed)
    }

    @Test("cancelling the consuming task ends the stream")
    func cancellation() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration(keyPrefix: "cancel:"))
        defer { client.shutdown() }

        let consumer = Task { () throws -> Int in
            var count = 0
            for try await _ in client.subscribe(channels: ["c"]) { count += 1 }
            return count
        }
        #expect(await publishUntilReceived(client, channel: "c", message: Array("1".utf8)))
        consumer.cancel()
        let count = try await consumer.value
        #expect(count <= 1)
        let gone = await Eventually.holds(timeout: .seconds(3)) {
            (try? await client.publish(channel: "c", message: "2")) == 0
        }
        #expect(gone)
        #expect(client.openConnectionCount == 1)  // only the pooled connection used by publish
    }

    @Test("a subscription resubscribes after Redis restarts")
    func resubscribesAfterRestart() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration(keyPrefix: "re:"))
        defer { client.shutdown() }

        let consumer = Task { () throws -> [String] in
            var received: [String] = []
            for try await message in client.subscribe(channels: ["events"]) {
                received.append(message.string)
                if received.count == 2 { break }
            }
            return received
        }
        #expect(await publishUntilReceived(client, channel: "events", message: Array("before".utf8)))
        try await server.restart()
        #expect(await publishUntilReceived(client, channel: "events", message: Array("after".utf8)))
        #expect(try await consumer.value == ["before", "after"])
    }

    @Test("subscribing after shutdown fails with poolClosed")
    func subscribeAfterShutdown() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration())
        client.shutdown()
        let error = await RedisTestSupport.redisError {
            for try await _ in client.subscribe(channels: ["x"]) {}
        }
        #expect(error == .poolClosed)
    }
}
