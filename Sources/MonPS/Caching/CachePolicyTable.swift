import Foundation

/// Which GET routes may be answered from the shared response cache, read from the contract: an operation's
/// `x-monps-cache` extension, e.g. `x-monps-cache: {scope: shared, ttl: 15, tags: [opportunities],
/// fill_from_credentialed: true}`. Operations without it (per-user data) are never shared.
///
/// - `ttl`: seconds an entry lives (and `max-age`);
/// - `tags`: what invalidates it (`ResponseCache.invalidate(tag:)`: the loader bumps `events`, detection
///   `opportunities`, …);
/// - `fill_from_credentialed`: the response never depends on the caller, so signed-in requests may fill the entry.
struct CachePolicyTable: Sendable {
    /// Every GET path of the document without parameters, with its policy or nil: a fixed path such as
    /// `/v1/opportunities/history` is never taken for the template `/v1/opportunities/{id}`.
    private var fixed: [String: CachePolicy?] = [:]
    /// The cacheable templated paths, as segments (`nil` = a parameter).
    private var templates: [(segments: [Substring?], policy: CachePolicy)] = []

    init(document: OpenAPIDocument) throws {
        for (method, path, operation) in try document.operations() where method == "get" {
            let policy = try Self.policy(operation["x-monps-cache"], path: path)
            if path.contains("{") {
                if let policy {
                    let segments = path.split(separator: "/").map { $0.hasPrefix("{") ? nil : $0 }
                    templates.append((segments, policy))
                }
            } else {
                fixed[path] = .some(policy)
            }
        }
    }

    private static func policy(_ value: Any?, path: String) throws(CachePolicyError) -> CachePolicy? {
        guard let value else { return nil }
        guard let object = value as? [String: Any], object["scope"] as? String == "shared",
            let ttl = object["ttl"] as? Int, ttl > 0, let tags = object["tags"] as? [String]
        else { throw CachePolicyError(path: path) }
        let fill = object["fill_from_credentialed"] as? Bool ?? false
        return .shared(ttl: .seconds(ttl), tags: tags, fillFromCredentialedRequests: fill)
    }

    /// The policy of the route a request path is for; nil for routes that are not shared and for unknown paths.
    func policy(forPath path: String) -> CachePolicy? {
        if let known = fixed[path] { return known }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for template in templates where template.segments.count == segments.count {
            if zip(template.segments, segments).allSatisfy({ $0 == nil ? !$1.isEmpty : $0 == $1 }) { return template.policy }
        }
        return nil
    }
}

/// An `x-monps-cache` the server cannot follow: a start-up error, not a silently uncached route.
struct CachePolicyError: Error, CustomStringConvertible {
    var path: String
    var description: String {
        "x-monps-cache of GET \(path) must be {scope: shared, ttl: seconds > 0, tags: [...], fill_from_credentialed: bool}"
    }
}
