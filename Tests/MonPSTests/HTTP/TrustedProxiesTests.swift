// MONPS_TRUSTED_PROXIES: which client address rate limits, login throttling and audit records see.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MonPS

@Suite("Trusted proxies", .hangGuard)
struct TrustedProxiesTests {
    static func proxies(_ list: String) throws -> TrustedProxies { try TrustedProxies.parse(list).get() }

    @Test func addressesAreParsedToOneCanonicalSpelling() {
        #expect(IPAddress("203.0.113.7")?.description == "203.0.113.7")
        #expect(IPAddress("2001:0db8:0:0::1")?.description == "2001:db8::1")
        #expect(IPAddress("[2001:db8::1]")?.description == "2001:db8::1")
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80::1")
        // A dual-stack socket reports IPv4 peers as mapped IPv6 addresses: one address, one bucket.
        #expect(IPAddress("::ffff:127.0.0.1") == IPAddress("127.0.0.1"))
        for bad in ["", "unknown", "1.2.3", "1.2.3.4:80", "256.1.1.1", "example.com", "1.2.3.4 5"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func networksContainTheirAddressesOnly() throws {
        let ten = try #require(IPNetwork("10.1.2.3/8"))
        #expect(ten.description == "10.0.0.0/8")
        #expect(ten.contains(IPAddress("10.255.0.1")!))
        #expect(!ten.contains(IPAddress("11.0.0.1")!))
        #expect(!ten.contains(IPAddress("::a00:1")!))  // an IPv6 address is never inside an IPv4 block
        let host = try #require(IPNetwork("127.0.0.1"))
        #expect(host.prefixLength == 32 && host.contains(IPAddress("127.0.0.1")!) && !host.contains(IPAddress("127.0.0.2")!))
        let v6 = try #require(IPNetwork("fd00::/8"))
        #expect(v6.contains(IPAddress("fd12:3456::1")!) && !v6.contains(IPAddress("fe80::1")!))
        #expect(IPNetwork("0.0.0.0/0")!.contains(IPAddress("198.51.100.1")!))
        #expect(IPNetwork("10.1.2.3/12")!.contains(IPAddress("10.15.255.255")!))
        #expect(!IPNetwork("10.1.2.3/12")!.contains(IPAddress("10.16.0.0")!))
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "/8", "10.0.0.0/8/8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func theListIsParsedOrTheBadEntryIsNamed() throws {
        #expect(try Self.proxies("127.0.0.1/32, 10.0.0.0/8 ::1").networks.count == 3)
        #expect(try Self.proxies(" , ").isEmpty)
        #expect(TrustedProxies.parse("127.0.0.1,nginx") == .failure(.init(text: "nginx")))
    }

    @Test func theRightmostUntrustedHopIsTheClient() throws {
        let trusted = try Self.proxies("127.0.0.1/32,10.0.0.0/8")
        // nginx appends the address it saw: everything left of it was written by the client.
        #expect(trusted.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.9"]) == "198.51.100.9")
        #expect(trusted.clientAddress(peer: "127.0.0.1", forwardedFor: ["6.6.6.6, 198.51.100.9"]) == "198.51.100.9")
        // Two proxies (a load balancer in 10/8, then nginx): the hop before both is the client.
        #expect(trusted.clientAddress(peer: "127.0.0.1", forwardedFor: ["6.6.6.6, 198.51.100.9, 10.0.0.5"]) == "198.51.100.9")
        // Several header fields are one list, in order.
        #expect(trusted.clientAddress(peer: "127.0.0.1", forwardedFor: ["6.6.6.6", "198.51.100.9"]) == "198.51.100.9")
        // Only trusted hops: the leftmost.
        #expect(trusted.clientAddress(peer: "127.0.0.1", forwardedFor: ["10.0.0.9, 10.0.0.5"]) == "10.0.0.9")
        // Garbage right of the first untrusted hop stops the walk at the last trusted hop.
        #expect(trusted.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.9, unknown"]) == "127.0.0.1")
        #expect(trusted.clientAddress(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        #expect(trusted.clientAddress(peer: "::ffff:127.0.0.1", forwardedFor: ["2001:0db8::1"]) == "2001:db8::1")
    }

    @Test func anUntrustedPeerIsTheClientWhateverItsHeaderSays() throws {
        let trusted = try Self.proxies("10.0.0.0/8")
        #expect(trusted.clientAddress(peer: "198.51.100.9", forwardedFor: ["10.0.0.1"]) == "198.51.100.9")
        #expect(trusted.clientAddress(peer: nil, forwardedFor: ["10.0.0.1"]) == nil)
        #expect(TrustedProxies.none.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.9"]) == "127.0.0.1")
    }

    @Test func theSettingIsReadAndABadEntryIsReportedByName() throws {
        let base = [
            "DATABASE_URL": "postgres://monps:secret@127.0.0.1:5433/monps", "REDIS_URL": "redis://127.0.0.1:6380/1",
            "MONPS_JWT_SECRETS": "0123456789abcdef0123456789abcdef",
        ]
        #expect(try AppConfig.load(environment: base, requiring: .server).trustedProxies.isEmpty)
        let config = try AppConfig.load(
            environment: base.merging(["MONPS_TRUSTED_PROXIES": "127.0.0.1/32,::1"]) { $1 }, requiring: .server)
        #expect(config.trustedProxies.networks.map(\.description) == ["127.0.0.1/32", "::1/128"])
        #expect(throws: ConfigError.self) {
            try AppConfig.load(environment: base.merging(["MONPS_TRUSTED_PROXIES": "10.0.0.0/40"]) { $1 }, requiring: .server)
        }
    }

    /// Through the whole application on a real socket (the peer is 127.0.0.1): the audit record of a registration
    /// carries the forwarded address only when 127.0.0.1 is a trusted proxy.
    @Test(arguments: [("127.0.0.1/32", "198.51.100.23"), ("", "127.0.0.1"), ("10.0.0.0/8", "127.0.0.1")])
    func theAuditRecordCarriesTheForwardedAddressOnlyFromATrustedPeer(trusted: String, expected: String) async throws {
        let overrides = trusted.isEmpty ? [:] : ["MONPS_TRUSTED_PROXIES": trusted]
        let app = try await TestApp.make(overrides: overrides)
        let email = "proxied-\(UUID().uuidString.prefix(8))@example.com"
        let application = try buildApplication(services: app.services)
        try await application.test(.live) { client in
            let body = #"{"email":"\#(email)","password":"\#(TestAccounts.password)","display_name":"Proxied"}"#
            let response = try await client.execute(
                uri: "/v1/auth/register", method: .post,
                headers: [.contentType: "application/json", ForwardedClientMiddleware.forwardedFor: "6.6.6.6, 198.51.100.23"],
                body: ByteBuffer(string: body))
            #expect(response.status == .created)
            // Inside the run: the pools close when it ends.
            let events = try await app.services.auth.admin.audit.list(filter: AuditFilter(action: "user.registered"))
            let event = try #require(events.first)
            #expect(event.ip == expected)
        }
    }

    /// A spoofed header from an untrusted peer does not move the caller to another rate-limit bucket: with 127.0.0.1
    /// untrusted, two "different" forwarded addresses share one anonymous budget.
    @Test func aSpoofedHeaderDoesNotEscapeTheRateLimit() async throws {
        let app = try await TestApp.make(overrides: [
            "MONPS_RATE_LIMITS": #"{"read":{"anonymous":{"limit":2,"window":60}}}"#, "MONPS_RATE_LIMIT_BLOCKS": "false",
        ])
        let application = try buildApplication(services: app.services)
        try await application.test(.live) { client in
            var statuses: [HTTPResponse.Status] = []
            for spoofed in ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"] {
                let response = try await client.execute(
                    uri: "/v1/sports", method: .get, headers: [ForwardedClientMiddleware.forwardedFor: spoofed])
                statuses.append(response.status)
            }
            #expect(statuses.first == .ok && statuses.last == .tooManyRequests, "\(statuses)")
        }
    }
}
