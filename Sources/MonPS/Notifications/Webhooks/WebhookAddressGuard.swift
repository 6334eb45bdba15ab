import Foundation

/// A webhook URL that passed the address checks, with the address to connect to.
struct CheckedWebhookTarget: Sendable, Equatable {
    let url: String
    /// Lower case, IPv6 without brackets.
    let host: String
    /// The checked address to connect to (the connection must not resolve the name again: its answer could have
    /// changed, DNS rebinding). Nil when the host is an IP literal or allow-listed.
    let pinnedAddress: String?
    /// The host is on `MONPS_WEBHOOK_ALLOW_HOSTS` (nothing was checked).
    var allowListed = false
}

/// Why a webhook URL is refused. The descriptions name the host, never the whole URL (its path holds tokens).
enum WebhookTargetRefused: Error, Equatable, CustomStringConvertible {
    case malformed
    case scheme(String)
    case credentials
    case forbiddenName(String)
    case forbiddenAddress(host: String, reason: String)
    case unresolvable(String)

    var description: String {
        switch self {
        case .malformed: "not an absolute http(s) URL"
        case .scheme(let scheme): "scheme \(scheme.prefix(16)) is not allowed (https only)"
        case .credentials: "user names and passwords in the URL are not allowed"
        case .forbiddenName(let host): "\(host.prefix(255)) is a cloud metadata or internal name"
        case .forbiddenAddress(let host, let reason): "\(host.prefix(255)) resolves to a \(reason)"
        case .unresolvable(let host): "\(host.prefix(255)) cannot be resolved"
        }
    }
}

/// The SSRF guard: a webhook may only reach public addresses over https, unless its host is on the
/// administrator's allow-list (`MONPS_WEBHOOK_ALLOW_HOSTS`, where http is allowed too). Checked when a webhook
/// is saved and again before every request (DNS answers change); the request then connects to the checked
/// address (`pinnedAddress`), so a name cannot resolve to something else between check and connect.
struct WebhookAddressGuard: Sendable {
    let allowHosts: Set<String>
    let resolve: @Sendable (String) async throws -> [String]

    init(allowHosts: Set<String>, resolve: @escaping @Sendable (String) async throws -> [String] = IPAddressPolicy.resolve) {
        self.allowHosts = allowHosts
        self.resolve = resolve
    }

    func check(_ text: String) async throws(WebhookTargetRefused) -> CheckedWebhookTarget {
        guard text.utf8.count <= 2048, let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased()
        else { throw .malformed }
        guard scheme == "https" || scheme == "http" else { throw .scheme(scheme) }
        guard var host = components.host?.lowercased(), !host.isEmpty else { throw .malformed }
        guard components.user == nil, components.password == nil else { throw .credentials }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components.port ?? (scheme == "http" ? 80 : 443)
        if isAllowListed(host: host, port: port) {
            return CheckedWebhookTarget(url: text, host: host, pinnedAddress: nil, allowListed: true)
        }
        guard scheme == "https" else { throw .scheme(scheme) }
        if let literal = IPAddressPolicy.parse(host) {
            if let reason = IPAddressPolicy.refusal(literal) { throw .forbiddenAddress(host: host, reason: reason) }
            return CheckedWebhookTarget(url: text, host: host, pinnedAddress: nil)
        }
        if IPAddressPolicy.isMetadataName(host) { throw .forbiddenName(host) }
        let addresses: [String]
        do {
            addresses = try await resolve(host)
        } catch {
            throw .unresolvable(host)
        }
        guard !addresses.isEmpty else { throw .unresolvable(host) }
        // Every answer must be public: a name with one private record among public ones is refused as a whole.
        for address in addresses {
            guard let bytes = IPAddressPolicy.parse(address) else { throw .unresolvable(host) }
            if let reason = IPAddressPolicy.refusal(bytes) { throw .forbiddenAddress(host: host, reason: reason) }
        }
        return CheckedWebhookTarget(url: text, host: host, pinnedAddress: addresses[0])
    }

    /// An entry matches the host on any port, or `host:port` exactly (IPv6 as `[addr]` or `[addr]:port`).
    private func isAllowListed(host: String, port: Int) -> Bool {
        let written = host.contains(":") ? "[\(host)]" : host
        return allowHosts.contains(written) || allowHosts.contains(host) || allowHosts.contains("\(written):\(port)")
    }
}
