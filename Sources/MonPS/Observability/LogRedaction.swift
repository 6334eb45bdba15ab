import Foundation

/// What must never reach a log line verbatim: credentials in headers, bodies, URLs and error descriptions.
///
/// Two layers: code never logs requests, headers or bodies (errors are logged through `describe(_:)`), and the
/// log handler passes every line through `scrub(_:)` as a last defence against a library's description that
/// embeds one (OpenAPIRuntime's `ServerError`, for one, prints the whole request with its headers).
enum LogRedaction {
    static let mask = "[redacted]"

    /// A request path fit for logs: the secret segment of a public share link is replaced by its template name.
    static func path(_ path: String) -> String {
        for prefix in ["/v1/shared/", "/s/"] where path.hasPrefix(prefix) && path.count > prefix.count {
            return prefix + "{token}"
        }
        return path
    }

    // Cheap pre-checks: most lines (the access log) contain none of these and are returned untouched.
    private static let markers = [
        "earer", "mps_", "eyJ", "assword", "uthorization", "ookie", "piKey", "pi_key", "ecret", "oken",
    ]

    /// (pattern, replacement with `$n` group references). Immutable once built, hence safe to share.
    nonisolated(unsafe) private static let patterns: [(Regex<AnyRegexOutput>, String)] = [
        // Authorization schemes and header lines, whatever the library's formatting ("authorization: Bearer x").
        (#"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"#, "$1 \(mask)"),
        (#"(?i)\b(authorization|cookie|set-cookie|x-api-key)(["']?\s*[:=]\s*)[^,;\]\n}]+"#, "$1$2\(mask)"),
        // MonPS personal API tokens and refresh tokens, JWTs anywhere.
        (#"\bmps_[A-Za-z0-9_]+"#, "mps_\(mask)"),
        (#"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"#, mask),
        // JSON fields and query parameters that carry secrets.
        (
            #"(?i)(["']?(?:password|new_password|current_password|secret|token|refresh_token|access_token|api_key|apikey|odds_api_key)["']?\s*[:=]\s*)("[^"]*"|[^\s&,}\]]+)"#,
            "$1\(mask)"
        ),
    ].map { (try! Regex($0.0), $0.1) }

    /// `text` with every credential it contains replaced by `[redacted]`.
    static func scrub(_ text: String) -> String {
        guard markers.contains(where: { text.contains($0) }) else { return text }
        var result = text
        for (pattern, template) in patterns {
            result = result.replacing(pattern) { (match: Regex<AnyRegexOutput>.Match) -> String in
                var replacement = template
                for index in (1..<match.output.count).reversed() {
                    let group = match.output[index].substring.map(String.init) ?? ""
                    replacement = replacement.replacingOccurrences(of: "$\(index)", with: group)
                }
                return replacement
            }
        }
        return result
    }

    /// An error as it may be logged: the OpenAPI runtime's wrapper (which embeds the request) is reduced to its
    /// operation and cause, and the rest is scrubbed.
    static func describe(_ error: any Error) -> String {
        scrub(String(reflecting: error))
    }
}
