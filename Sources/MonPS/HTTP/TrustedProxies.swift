import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as bytes (4 or 16). IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, what a dual-stack
/// socket reports for an IPv4 peer) are stored as IPv4, so one address has one spelling and one rate-limit bucket.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Parses `a.b.c.d`, an IPv6 address, `[v6]` (brackets dropped) or `v6%zone` (zone dropped); nil otherwise.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            let all = withUnsafeBytes(of: &v6) { Array($0) }
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xff, 0xff]
            bytes = Array(all.prefix(12)) == mappedPrefix ? Array(all.suffix(4)) : all
        } else {
            return nil
        }
    }

    /// The canonical spelling (`inet_ntop`): `2001:db8::1`, never `2001:0db8:0:0::1`.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var copy = bytes
        _ = inet_ntop(family, &copy, &buffer, socklen_t(buffer.count))
        return String(cString: buffer)
    }
}

/// A CIDR block (`10.0.0.0/8`, `fd00::/8`); a bare address is a /32 or /128.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let base: IPAddress
    public let prefixLength: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(parts[0]) else { return nil }
        let width = address.bytes.count * 8
        let length: Int
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...width).contains(parsed) else { return nil }
            length = parsed
        } else {
            length = width
        }
        // Host bits are cleared, so `10.1.2.3/8` means `10.0.0.0/8` (as nginx and PostgreSQL read it).
        base = IPAddress(masking: address, to: length)
        prefixLength = length
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == base.bytes.count && IPAddress(masking: address, to: prefixLength) == base
    }

    public var description: String { "\(base)/\(prefixLength)" }
}

extension IPAddress {
    fileprivate init(masking address: IPAddress, to prefixLength: Int) {
        var bytes = address.bytes
        for index in bytes.indices {
            let kept = min(max(prefixLength - index * 8, 0), 8)
            bytes[index] &= kept == 8 ? 0xff : ~(UInt8(0xff) >> kept)
        }
        self.bytes = bytes
    }
}

/// The reverse proxies (`MONPS_TRUSTED_PROXIES`) whose `X-Forwarded-For` MonPS believes. Without any, the client
/// address is the TCP peer's, whatever the headers say (a client cannot spoof its way to another rate-limit bucket).
public struct TrustedProxies: Sendable, Equatable {
    public let networks: [IPNetwork]

    public static let none = TrustedProxies(networks: [])

    public init(networks: [IPNetwork]) { self.networks = networks }

    /// Parses a comma- or space-separated list of addresses and CIDR blocks; a failure names the first bad entry.
    public static func parse(_ list: String) -> Result<TrustedProxies, InvalidEntry> {
        var networks: [IPNetwork] = []
        for entry in list.split(whereSeparator: { $0 == "," || $0 == " " }) where !entry.isEmpty {
            guard let network = IPNetwork(entry) else { return .failure(InvalidEntry(text: String(entry))) }
            networks.append(network)
        }
        return .success(TrustedProxies(networks: networks))
    }

    public struct InvalidEntry: Error, Equatable {
        public var text: String
    }

    public var isEmpty: Bool { networks.isEmpty }

    public func trusts(_ address: IPAddress) -> Bool { networks.contains { $0.contains(address) } }

    /// The client address of a request that arrived from `peer` with these `X-Forwarded-For` field values.
    ///
    /// Only when the peer is trusted are the hops read, right to left (each proxy appends the address it saw): the
    /// first untrusted one is the client, since anything left of it was written by the client itself. When every hop
    /// is trusted, the leftmost is taken. A hop that is not an address ends the walk at the last trusted hop.
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard !isEmpty, let peer, let peerAddress = IPAddress(peer), trusts(peerAddress) else { return peer }
        var client = peerAddress
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
        for hop in hops.reversed() {
            guard let address = IPAddress(hop.trimmingCharacters(in: .whitespaces)) else { break }
            client = address
            if !trusts(address) { break }
        }
        return client.description
    }
}
