import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which IP addresses a webhook may reach: only globally routable unicast. Everything a server can reach that
/// the public cannot (loopback, RFC 1918, ULA, link-local with the cloud metadata endpoint, CGNAT, multicast,
/// unspecified, documentation and reserved ranges) is refused, also when written inside IPv6 (IPv4-mapped,
/// IPv4-compatible, NAT64, 6to4), since the kernel routes those to the embedded IPv4 address.
enum IPAddressPolicy {
    /// The address's bytes (4 or 16), or nil when `text` is not an IP literal. Brackets and a zone (`%eth0`) are
    /// accepted and ignored.
    static func parse(_ text: String) -> [UInt8]? {
        var literal = Substring(text)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        if let percent = literal.firstIndex(of: "%") { literal = literal[..<percent] }
        let string = String(literal)
        var v4 = in_addr()
        if inet_pton(AF_INET, string, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, string, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// Why `bytes` may not be reached, or nil for a public address.
    static func refusal(_ bytes: [UInt8]) -> String? {
        switch bytes.count {
        case 4: return refusalV4(bytes[0], bytes[1], bytes[2])
        case 16: return refusalV6(bytes)
        default: return "not an IP address"
        }
    }

    private static func refusalV4(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> String? {
        switch (a, b, c) {
        case (0, _, _): "unspecified address"
        case (10, _, _), (172, 16...31, _), (192, 168, _): "private address"
        case (100, 64...127, _): "shared (CGNAT) address"
        case (127, _, _): "loopback address"
        case (169, 254, _): "link-local address"
        case (192, 0, 0), (192, 0, 2), (198, 51, 100), (203, 0, 113), (198, 18...19, _): "reserved address"
        case (224...239, _, _): "multicast address"
        case (240...255, _, _): "reserved address"
        default: nil
        }
    }

    private static func refusalV6(_ b: [UInt8]) -> String? {
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        if firstTen && b[10] == 0xFF && b[11] == 0xFF {
            return refusalV4(b[12], b[13], b[14]).map { "IPv4-mapped \($0)" }
        }
        if firstTen && b[10] == 0 && b[11] == 0 {
            if b[12..<15].allSatisfy({ $0 == 0 }) {
                switch b[15] {
                case 0: return "unspecified address"
                case 1: return "loopback address"
                default: break
                }
            }
            return "IPv4-compatible address"  // deprecated (RFC 4291); nothing legitimate uses it
        }
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B {
            // NAT64 (64:ff9b::/96 well-known, 64:ff9b:1::/48 local use): the gateway reaches the embedded IPv4.
            if b[4..<12].allSatisfy({ $0 == 0 }) { return refusalV4(b[12], b[13], b[14]).map { "NAT64 \($0)" } }
            return "NAT64 local-use address"
        }
        if b[0] == 0x20, b[1] == 0x02 { return refusalV4(b[2], b[3], b[4]).map { "6to4 \($0)" } }
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x00, b[3] == 0x00 { return "Teredo address" }
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x0D, b[3] == 0xB8 { return "documentation address" }
        if b[0] == 0x01, b[1] == 0x00, b[2..<8].allSatisfy({ $0 == 0 }) { return "discard address" }
        if b[0] & 0xFE == 0xFC { return "private (unique local) address" }
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return "link-local address" }
        if b[0] == 0xFE, b[1] & 0xC0 == 0xC0 { return "site-local address" }
        if b[0] == 0xFF { return "multicast address" }
        return nil
    }

    /// Host names of cloud metadata services (they also resolve to link-local addresses, refused anyway).
    static func isMetadataName(_ host: String) -> Bool {
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        return ["metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
                "metadata.azure.com", "metadata.tencentyun.com"].contains(name)
            || name.hasSuffix(".internal")
    }

    /// The addresses `host` resolves to (A and AAAA), through the system resolver, off the event loops.
    static func resolve(_ host: String) async throws -> [String] {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[String], any Error>) in
            // getaddrinfo blocks; a detached thread keeps it off the cooperative pool.
            Thread.detachNewThread {
                continuation.resume(with: Result { try resolveBlocking(host) })
            }
        }
    }

    struct ResolutionFailed: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "name resolution failed (\(code))" }
    }

    private static func resolveBlocking(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else { throw ResolutionFailed(code: status) }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var cursor = list
        while let entry = cursor {
            if let text = numericHost(entry.pointee.ai_addr, length: entry.pointee.ai_addrlen), !addresses.contains(text) {
                addresses.append(text)
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    private static func numericHost(_ address: UnsafeMutablePointer<sockaddr>?, length: socklen_t) -> String? {
        guard let address else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
