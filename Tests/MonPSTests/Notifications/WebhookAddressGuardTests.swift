import Foundation
import Testing
@testable import MonPS

@Suite("Webhook SSRF guard")
struct WebhookAddressGuardTests {
    /// Names resolve through this table (no DNS in unit tests), except where the system resolver is the point.
    static let fakeDNS: @Sendable (String) async throws -> [String] = { host in
        switch host {
        case "hooks.example.com": ["93.184.216.34"]
        case "rebind.example.com": ["10.0.0.1"]
        case "mixed.example.com": ["93.184.216.34", "192.168.1.10"]
        case "mapped.example.com": ["::ffff:169.254.169.254"]
        default: throw IPAddressPolicy.ResolutionFailed(code: -2)
        }
    }

    let guardian = WebhookAddressGuard(allowHosts: ["127.0.0.1:9999", "sink.internal"], resolve: fakeDNS)

    @Test("refuses private, loopback, link-local, metadata and other non-public targets", arguments: [
        "https://127.0.0.1/hook", "https://10.0.0.1/hook", "https://169.254.169.254/latest/meta-data/", "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:a00:1]/", "https://100.64.0.1/", "https://172.16.5.4/",
        "https://192.168.0.1/", "https://[fe80::1]/", "https://[fd12:3456::1]/", "https://0.0.0.0/", "https://224.0.0.1/",
        "https://[ff02::1]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::1]/", "https://rebind.example.com/",
        "https://mixed.example.com/", "https://mapped.example.com/", "https://metadata.google.internal/computeMetadata/v1/",
        "https://127.0.0.1:9998/", "https://unknown.example.com/",
    ])
    func refuses(url: String) async {
        await #expect(throws: WebhookTargetRefused.self) { try await guardian.check(url) }
    }

    @Test("localhost is refused through the system resolver")
    func localhostResolves() async {
        let real = WebhookAddressGuard(allowHosts: [])
        await #expect(throws: WebhookTargetRefused.forbiddenAddress(host: "localhost", reason: "loopback address")) {
            try await real.check("https://localhost/hook")
        }
    }

    @Test("https only, no credentials, unless allow-listed")
    func schemes() async throws {
        await #expect(throws: WebhookTargetRefused.scheme("http")) { try await guardian.check("http://hooks.example.com/") }
        await #expect(throws: WebhookTargetRefused.scheme("file")) { try await guardian.check("file:///etc/passwd") }
        await #expect(throws: WebhookTargetRefused.credentials) { try await guardian.check("https://a:b@hooks.example.com/") }
        await #expect(throws: WebhookTargetRefused.malformed) { try await guardian.check("not a url") }
        let allowed = try await guardian.check("http://127.0.0.1:9999/sink")
        #expect(allowed.allowListed && allowed.pinnedAddress == nil)
        #expect(try await guardian.check("http://sink.internal:1234/").allowListed)
    }

    @Test("a public name is pinned to the address that was checked")
    func pins() async throws {
        let target = try await guardian.check("https://hooks.example.com/in?x=1")
        #expect(target.host == "hooks.example.com")
        #expect(target.pinnedAddress == "93.184.216.34")
        #expect(try await guardian.check("https://93.184.216.34/").pinnedAddress == nil)
        #expect(try await guardian.check("https://[2606:4700::1111]/").host == "2606:4700::1111")
    }

    @Test("address classes")
    func classes() throws {
        func reason(_ text: String) -> String? { IPAddressPolicy.refusal(IPAddressPolicy.parse(text)!) }
        #expect(reason("8.8.8.8") == nil)
        #expect(reason("100.63.255.255") == nil)
        #expect(reason("100.128.0.0") == nil)
        #expect(reason("172.32.0.1") == nil)
        #expect(reason("2001:4860:4860::8888") == nil)
        #expect(reason("100.127.255.255") == "shared (CGNAT) address")
        #expect(reason("::") == "unspecified address")
        #expect(reason("::ffff:10.1.2.3") == "IPv4-mapped private address")
        #expect(reason("fe80::1%eth0") == "link-local address")
        #expect(reason("febf::1") == "link-local address")
        #expect(IPAddressPolicy.parse("example.com") == nil)
    }
}
