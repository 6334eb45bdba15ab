/// What an account may do. Stored in `users.role`; the database value, never a token claim, is
/// authoritative when a request is authenticated.
public enum Role: String, Sendable, CaseIterable, Codable, Comparable {
    case admin, user, viewer

    /// viewer < user < admin.
    var rank: Int {
        switch self {
        case .viewer: 0
        case .user: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Account state. `deleted` is a soft delete: the row stays (audit trail), nothing can sign in.
public enum UserStatus: String, Sendable, CaseIterable, Codable {
    case active, disabled, deleted
}

/// OAuth-style permission strings carried by access tokens (`scope` claim) and API tokens.
public enum Scope: String, Sendable, CaseIterable, Codable, Comparable {
    case readPublic = "read:public"
    case readBets = "read:bets"
    case writeBets = "write:bets"
    case readBankrolls = "read:bankrolls"
    case writeBankrolls = "write:bankrolls"
    case readAnalytics = "read:analytics"
    case runBacktests = "run:backtests"
    case writeSettings = "write:settings"
    /// Pushing odds and results into the shared catalogue (`POST /v1/feeds/odds`): feeders, admins only.
    case writeOdds = "write:odds"
    case admin = "admin"

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The most a role may ever hold. viewer: public reads; user: everything but `admin` and `write:odds` (what a
    /// feed writes every user sees); admin: all.
    public static func allowed(for role: Role) -> Set<Scope> {
        switch role {
        case .viewer: [.readPublic]
        case .user: Set(allCases).subtracting([.admin, .writeOdds])
        case .admin: Set(allCases)
        }
    }

    /// Parses scope names; an unknown name is a validation error naming it.
    public static func parse(_ names: some Sequence<String>) throws(IdentityError) -> Set<Scope> {
        var scopes = Set<Scope>()
        for name in names {
            guard let scope = Scope(rawValue: name) else {
                throw .validation(field: "scopes", message: "unknown scope \"\(IdentityText.clip(name, 40))\"")
            }
            scopes.insert(scope)
        }
        return scopes
    }

    /// Space-separated, sorted (the JWT `scope` claim form).
    public static func claim(_ scopes: Set<Scope>) -> String {
        scopes.map(\.rawValue).sorted().joined(separator: " ")
    }
}
