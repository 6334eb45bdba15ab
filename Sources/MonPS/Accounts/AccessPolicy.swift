import Foundation

/// Who may call an operation, read from the OpenAPI document itself (`security` and `x-monps-scope`), so the
/// contract and the enforcement cannot drift apart.
struct AccessRule: Sendable, Equatable {
    /// No `security` (or an empty alternative): callable anonymously.
    var requiresAuthentication: Bool
    var acceptsAccessToken: Bool
    var acceptsAPIToken: Bool
    /// The scope the caller must hold (`x-monps-scope`).
    var scope: String?

    static let anonymous = AccessRule(requiresAuthentication: false, acceptsAccessToken: true, acceptsAPIToken: true, scope: nil)
}

struct AccessPolicyTable: Sendable {
    private var rules: [String: AccessRule] = [:]

    private static func key(method: String, path: String) -> String { "\(method.uppercased()) \(path)" }

    init(document: OpenAPIDocument) throws {
        for (method, path, operation) in try document.operations() where operation["operationId"] != nil {
            rules[Self.key(method: method, path: path)] = Self.rule(for: operation)
        }
    }

    private static func rule(for operation: [String: Any]) -> AccessRule {
        guard let alternatives = operation["security"] as? [[String: Any]], !alternatives.isEmpty,
            !alternatives.contains(where: \.isEmpty)
        else { return .anonymous }
        let schemes = Set(alternatives.flatMap(\.keys))
        return AccessRule(
            requiresAuthentication: true, acceptsAccessToken: schemes.contains("bearerJWT"),
            acceptsAPIToken: schemes.contains("apiToken"), scope: operation["x-monps-scope"] as? String)
    }

    /// The rule of the route Hummingbird matched (`/v1/tokens/{id}`) for a request method (`GET`, as sent);
    /// unknown routes need nothing (they 404 anyway).
    func rule(method: String, routePath: String) -> AccessRule {
        // HEAD is served by the GET handler, with the GET rule.
        let method = method == "HEAD" ? "GET" : method
        return rules[Self.key(method: method, path: routePath)] ?? .anonymous
    }
}
