// URL parsing, value helpers and the Swift SHA-1 of RedisScript (no server needed).

import MonPS
import Testing

@Suite("Redis configuration and types", .hangGuard)
struct RedisConfigurationTests {
    @Test("a full URL sets host, port, database and decoded password")
    func parsesFullURL() throws {
        let configuration = try RedisConfiguration(url: "redis://:s3cr%40t:x@cache.internal:6380/2")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.database == 2)
        #expect(configuration.username == nil)
        #expect(configuration.password == "s3cr@t:x")
        #expect(configuration.poolSize == 8)
        #expect(configuration.keyPrefix == "")
        #expect(!configuration.description.contains("s3cr"))
        #expect(configuration.description == "redis://:***@cache.internal:6380/2")
    }

    @Test("defaults, user names and IPv6 hosts")
    func parsesOtherShapes() throws {
        let plain = try RedisConfiguration(url: "redis://localhost")
        #expect(plain.host == "localhost")
        #expect(plain.port == 6379)
        #expect(plain.database == 0)
        #expect(plain.password == nil)

        let slash = try RedisConfiguration(url: "REDIS://10.0.0.5:7000/")
        #expect(slash.host == "10.0.0.5")
        #expect(slash.port == 7000)
        #expect(slash.database == 0)

        let user = try RedisConfiguration(url: "redis://app:pw@h:1/15")
        #expect(user.username == "app")
        #expect(user.password == "pw")
        #expect(user.database == 15)

        let ipv6 = try RedisConfiguration(url: "redis://[::1]:6390/1")
        #expect(ipv6.host == "::1")
        #expect(ipv6.port == 6390)
        #expect(ipv6.database == 1)
    }

    @Test(
        "invalid URLs throw invalidURL naming the problem",
        arguments: [
            ("http://localhost:6379", "scheme"),
            ("localhost:6379", "scheme"),
            ("rediss://localhost", "TLS"),
            ("redis://", "host"),
            ("redis://:6379", "host"),
            ("redis://localhost:abc", "port"),
            ("redis://localhost:0", "port"),
            ("redis://localhost:70000", "port"),
            ("redis://localhost:+80", "port"),
            ("redis://localhost/x", "database"),
            ("redis://localhost/-1", "database"),
            ("redis://localhost/1/2", "database"),
            ("redis://localhost?db=1", "query"),
            ("redis://user@localhost", "credentials"),
            ("redis://:pa%zzss@localhost", "percent"),
            ("redis://[::1", "IPv6"),
            ("redis://bad host:1", "host"),
        ])
    func rejectsInvalidURL(url: String, problem: String) {
        do {
            let configuration = try RedisConfiguration(url: url)
            Issue.record("accepted \(url) as \(configuration)")
        } catch RedisError.invalidURL(let message) {
            #expect(message.contains(problem), "message '\(message)' should mention \(problem)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("invalid URL errors never echo the password")
    func invalidURLHidesPassword() {
        do {
            _ = try RedisConfiguration(url: "redis://:hunter2@localhost:notaport/0")
            Issue.record("accepted a bad port")
        } catch {
            #expect(error as? RedisError == .invalidURL("invalid port 'notaport' (expected 1-65535)"))
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test("RedisScript computes the SHA-1 of its source")
    func scriptSHA1() {
        #expect(RedisScript("").sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(RedisScript("abc").sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            RedisScript("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").sha1
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(
            RedisScript(source: String(repeating: "a", count: 1000)).sha1
                == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    @Test("RedisValue accessors")
    func valueAccessors() {
        #expect(RedisValue.bulk(Array("42".utf8)).integer == 42)
        #expect(RedisValue.bulk(Array("hé".utf8)).string == "hé")
        #expect(RedisValue.status("OK").string == "OK")
        #expect(RedisValue.integer(7).string == "7")
        #expect(RedisValue.null.isNull)
        #expect(RedisValue.array([.integer(1)]).array == [.integer(1)])
        #expect(RedisValue.error("ERR x").bytes == nil)
    }
}
