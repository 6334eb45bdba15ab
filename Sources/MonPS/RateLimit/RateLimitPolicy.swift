// Rate-limit policies: one per route class × principal kind, with defaults and JSON overrides.

import Foundation
import Synchronization

/// How many requests a bucket admits: `limit` per `windowSeconds` on average, at most `burst` at once.
///
/// The algorithm is GCRA: one request costs `windowSeconds / limit` ("emission interval"); a bucket may run
/// ahead of the clock by at most `burst` intervals. With `burst == limit` (the default) a fresh bucket
/// admits `limit` requests at once, then one every interval.
public struct RateLimitPolicy: Sendable, Hashable, Codable {
    /// Shown in the `RateLimit-Policy` / `RateLimit` headers. Letters, digits, `.`, `_`, `-`.
    public var name: String
    public var limit: Int
    public var windowSeconds: Int
    public var burst: Int

    public init(name: String, limit: Int, windowSeconds: Int, burst: Int? = nil) {
        self.name = name
        self.limit = max(1, limit)
        self.windowSeconds = max(1, windowSeconds)
        self.burst = max(1, burst ?? limit)
    }

    /// Microseconds one request costs (`window / limit`), at least 1.
    var emissionIntervalMicroseconds: Int64 {
        max(1, Int64(windowSeconds) * 1_000_000 / Int64(limit))
    }

    /// How far ahead of the clock a bucket may run (`burst × interval`).
    var burstToleranceMicroseconds: Int64 {
        emissionIntervalMicroseconds * Int64(burst)
    }
}

/// The class of a route, as far as rate limiting is concerned.
public enum RateLimitRouteClass: String, Sendable, Hashable, CaseIterable, Codable {
    /// `/v1/auth/*`: login, register, refresh. Much stricter.
    case auth
    /// Other `GET`/`HEAD`/`OPTIONS`.
    case read
    /// Other methods.
    case write
    /// `/v1/shared/*`: public share links.
    case publicShare = "public_share"

    /// `/v1/auth/*` → auth; `/v1/shared/*` → public_share; GET/HEAD/OPTIONS → read; anything else → write.
    /// The path is read as the router matches it (empty segments skipped), so `//v1/auth/login`, which the router
    /// serves as login, is limited as login too.
    public static func classify(method: String, path: String) -> RateLimitRouteClass {
        let path = routedPath(path)
        if path == "/v1/auth" || path.hasPrefix("/v1/auth/") { return .auth }
        if path == "/v1/shared" || path.hasPrefix("/v1/shared/") { return .publicShare }
        switch method {
        case "GET", "HEAD", "OPTIONS": return .read
        default: return .write
        }
    }

    /// The path as Hummingbird's trie router walks it: `/`-separated segments, empty ones skipped.
    static func routedPath(_ path: String) -> String {
        guard path.contains("//") || path.hasSuffix("/") else { return path }
        return "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }
}

/// Who is asking, as far as rate limiting is concerned.
public enum RateLimitPrincipalKind: String, Sendable, Hashable, CaseIterable, Codable {
    case anonymous
    case viewer
    case user
    case admin
    case apiToken = "api_token"
}

/// The policy of every route class × principal kind.
///
/// ## Override format (JSON, e.g. stored by the admin settings endpoint)
/// ```json
/// {
///   "auth":  { "*": { "limit": 10, "window": 60 }, "anonymous": { "limit": 5, "window": 60, "burst": 3 } },
///   "read":  { "api_token": { "limit": 1200 } },
///   "public_share": { "anonymous": { "limit": 30, "window": 60, "name": "share-anon" } }
/// }
/// ```
/// - Top-level keys: route classes `auth`, `read`, `write`, `public_share`.
/// - Second-level keys: principal kinds `anonymous`, `viewer`, `user`, `admin`, `api_token`, or `*` for all
///   kinds of that class (a specific kind wins over `*`, whatever the order).
/// - Fields: `limit` (requests per window, ≥ 1), `window` (seconds, ≥ 1), `burst` (≥ 1, default `limit`),
///   `name`. Every field is optional: a missing one keeps the default's value, except that `burst` follows a
///   changed `limit` unless given.
/// - Unknown classes, kinds or fields, and out-of-range values, are rejected (`RateLimitConfigurationError`).
public struct RateLimitPolicies: Sendable, Equatable {
    private var table: [RateLimitRouteClass: [RateLimitPrincipalKind: RateLimitPolicy]]

    public func policy(for routeClass: RateLimitRouteClass, principal: RateLimitPrincipalKind) -> RateLimitPolicy {
        table[routeClass]?[principal] ?? Self.defaultPolicy(routeClass, principal)
    }

    public mutating func set(_ policy: RateLimitPolicy, for routeClass: RateLimitRouteClass, principal: RateLimitPrincipalKind) {
        table[routeClass, default: [:]][principal] = policy
    }

    /// The built-in defaults (per minute):
    ///
    /// | class        | anonymous | viewer | user | admin | api_token |
    /// |--------------|-----------|--------|------|-------|-----------|
    /// | auth         | 10        | 10     | 10   | 10    | 10        |
    /// | read         | 120       | 300    | 300  | 600   | 600       |
    /// | write        | 30        | 60     | 120  | 240   | 240       |
    /// | public_share | 60        | 120    | 120  | 120   | 120       |
    public static let defaults: RateLimitPolicies = {
        var table: [RateLimitRouteClass: [RateLimitPrincipalKind: RateLimitPolicy]] = [:]
        for routeClass in RateLimitRouteClass.allCases {
            for kind in RateLimitPrincipalKind.allCases {
                table[routeClass, default: [:]][kind] = defaultPolicy(routeClass, kind)
            }
        }
        return RateLimitPolicies(table: table)
    }()

    private init(table: [RateLimitRouteClass: [RateLimitPrincipalKind: RateLimitPolicy]]) {
        self.table = table
    }

    static func defaultPolicy(_ routeClass: RateLimitRouteClass, _ kind: RateLimitPrincipalKind) -> RateLimitPolicy {
        let perMinute: Int
        switch (routeClass, kind) {
        case (.auth, _): perMinute = 10
        case (.read, .anonymous): perMinute = 120
        case (.read, .viewer), (.read, .user): perMinute = 300
        case (.read, .admin), (.read, .apiToken): perMinute = 600
        case (.write, .anonymous): perMinute = 30
        case (.write, .viewer): perMinute = 60
        case (.write, .user): perMinute = 120
        case (.write, .admin), (.write, .apiToken): perMinute = 240
        case (.publicShare, .anonymous): perMinute = 60
        case (.publicShare, _): perMinute = 120
        }
        return RateLimitPolicy(name: "\(routeClass.rawValue).\(kind.rawValue)", limit: perMinute, windowSeconds: 60)
    }

    // MARK: - Overrides

    /// One entry of the override document; every field optional.
    public struct Override: Sendable, Equatable, Codable {
        public var limit: Int?
        public var window: Int?
        public var burst: Int?
        public var name: String?

        public init(limit: Int? = nil, window: Int? = nil, burst: Int? = nil, name: String? = nil) {
            self.limit = limit
            self.window = window
            self.burst = burst
            self.name = name
        }
    }

    /// The defaults with `json` (the format above) applied.
    public init(json: Data) throws(RateLimitConfigurationError) {
        let document: [String: [String: Override]]
        do {
            document = try JSONDecoder().decode([String: [String: StrictOverride]].self, from: json)
                .mapValues { $0.mapValues(\.value) }
        } catch {
            throw .invalidDocument("\(error)")
        }
        self = try Self.defaults.applying(document)
    }

    /// These policies with `overrides` (route class → kind or `*` → override) applied.
    public func applying(_ overrides: [String: [String: Override]]) throws(RateLimitConfigurationError) -> RateLimitPolicies {
        var result = self
        for (className, entries) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let routeClass = RateLimitRouteClass(rawValue: className) else { throw .unknownRouteClass(className) }
            // `*` first, so that specific kinds override it.
            let ordered = entries.sorted { lhs, rhs in (lhs.key == "*" ? 0 : 1, lhs.key) < (rhs.key == "*" ? 0 : 1, rhs.key) }
            for (kindName, override) in ordered {
                let kinds: [RateLimitPrincipalKind]
                if kindName == "*" {
                    kinds = RateLimitPrincipalKind.allCases
                } else if let kind = RateLimitPrincipalKind(rawValue: kindName) {
                    kinds = [kind]
                } else {
                    throw .unknownPrincipalKind(kindName)
                }
                for kind in kinds {
                    let base = result.policy(for: routeClass, principal: kind)
                    result.set(try Self.apply(override, to: base, at: "\(className).\(kindName)"), for: routeClass, principal: kind)
                }
            }
        }
        return result
    }

    private static func apply(_ override: Override, to base: RateLimitPolicy, at path: String) throws(RateLimitConfigurationError) -> RateLimitPolicy {
        let limit = override.limit ?? base.limit
        let window = override.window ?? base.windowSeconds
        let burst = override.burst ?? (override.limit == nil ? base.burst : limit)
        let name = override.name ?? base.name
        guard (1...1_000_000).contains(limit) else { throw .invalidValue(path, "limit must be 1...1000000") }
        guard (1...86_400).contains(window) else { throw .invalidValue(path, "window must be 1...86400 seconds") }
        guard (1...1_000_000).contains(burst) else { throw .invalidValue(path, "burst must be 1...1000000") }
        guard !name.isEmpty, name.utf8.count <= 64, name.utf8.allSatisfy(Self.isNameByte) else {
            throw .invalidValue(path, "name must be 1-64 characters of A-Z a-z 0-9 . _ -")
        }
        return RateLimitPolicy(name: name, limit: limit, windowSeconds: window, burst: burst)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Decodes an `Override`, rejecting unknown fields (a typo must not silently keep the default).
    private struct StrictOverride: Decodable {
        let value: Override
        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            let known: Set<String> = ["limit", "window", "burst", "name"]
            if let unknown = container.allKeys.first(where: { !known.contains($0.stringValue) }) {
                throw DecodingError.dataCorruptedError(
                    forKey: unknown, in: container, debugDescription: "unknown field '\(unknown.stringValue)'")
            }
            func int(_ name: String) throws -> Int? { try container.decodeIfPresent(Int.self, forKey: Key(stringValue: name)!) }
            value = Override(
                limit: try int("limit"), window: try int("window"), burst: try int("burst"),
                name: try container.decodeIfPresent(String.self, forKey: Key(stringValue: "name")!))
        }
    }
}

public enum RateLimitConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidDocument(String)
    case unknownRouteClass(String)
    case unknownPrincipalKind(String)
    case invalidValue(String, String)

    public var description: String {
        switch self {
        case .invalidDocument(let detail): "rate-limit overrides are not valid JSON of the expected shape: \(detail)"
        case .unknownRouteClass(let name): "unknown rate-limit route class '\(name)' (auth, read, write, public_share)"
        case .unknownPrincipalKind(let name): "unknown principal kind '\(name)' (anonymous, viewer, user, admin, api_token, *)"
        case .invalidValue(let path, let message): "rate-limit override \(path): \(message)"
        }
    }
}

/// The policies in force, replaceable at run time (e.g. when an admin saves new settings).
public final class RateLimitPolicyStore: Sendable {
    private let policies: Mutex<RateLimitPolicies>

    public init(_ policies: RateLimitPolicies = .defaults) {
        self.policies = Mutex(policies)
    }

    public var current: RateLimitPolicies { policies.withLock { $0 } }

    public func replace(with policies: RateLimitPolicies) {
        self.policies.withLock { $0 = policies }
    }
}
