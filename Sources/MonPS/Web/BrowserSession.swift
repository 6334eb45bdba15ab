import HTTPTypes
import Hummingbird
import Synchronization

/// What the auth handlers need to know about a browser's request in cookie mode: the `monps_refresh` cookie, the
/// CSRF header and where the request comes from. The generated handlers receive only their typed input, so
/// `BrowserSessionMiddleware` publishes this as a task-local for `/v1/auth/*` requests.
struct BrowserSession: Sendable {
    static let cookieName = "monps_refresh"
    static let csrfHeaderName = HTTPField.Name("X-MonPS-CSRF")!
    static let cookiePath = "/v1/auth"

    var refreshCookie: String?
    var csrfHeader: String?
    var origin: String?
    var host: String?
    var fetchSite: String?
    /// The `Set-Cookie` value the handler wants sent, added to the response by `BrowserSessionMiddleware` (the
    /// generated response headers would percent-encode it).
    let reply = CookieReply()

    @TaskLocal static var current: BrowserSession?

    /// Asks for `value` to be sent as `Set-Cookie` with the response of the current request.
    static func send(cookie value: String) { current?.reply.value.withLock { $0 = value } }

    init(refreshCookie: String? = nil, csrfHeader: String? = nil, origin: String? = nil, host: String? = nil, fetchSite: String? = nil) {
        self.refreshCookie = refreshCookie
        self.csrfHeader = csrfHeader
        self.origin = origin
        self.host = host
        self.fetchSite = fetchSite
    }

    /// `authority` is the request's `Host` (HTTP/1.1) or `:authority` (HTTP/2), which HTTPTypes keeps apart from the fields.
    init(headers: HTTPFields, authority: String?) {
        let cookies = headers[values: .cookie].joined(separator: "; ")
        self.init(
            refreshCookie: Self.cookie(named: Self.cookieName, in: cookies), csrfHeader: headers[Self.csrfHeaderName],
            origin: headers[.origin], host: authority,
            fetchSite: headers[HTTPField.Name("Sec-Fetch-Site")!])
    }

    /// The request comes from this server's own pages: `Origin`, when sent, names the host the request was sent
    /// to, and `Sec-Fetch-Site`, when sent, says same-origin. Clients that send neither (not browsers) pass.
    var isSameOrigin: Bool {
        if let fetchSite, fetchSite != "same-origin", fetchSite != "none" { return false }
        guard let origin else { return true }
        guard let host, let schemeEnd = origin.range(of: "://") else { return false }
        let authority = origin[schemeEnd.upperBound...]
        return authority.lowercased() == host.lowercased() || Self.withoutDefaultPort(String(authority), scheme: String(origin[..<schemeEnd.lowerBound])) == host.lowercased()
    }

    /// Cookie-authenticated requests must prove they were made by a script of this origin (403 otherwise).
    func requireCSRFProof() throws {
        guard csrfHeader == "1" else {
            throw APIError(
                status: .forbidden, slug: "csrf-check-failed", title: "Forbidden",
                detail: "cookie mode needs the header X-MonPS-CSRF: 1")
        }
        try requireSameOrigin()
    }

    func requireSameOrigin() throws {
        guard isSameOrigin else {
            throw APIError(
                status: .forbidden, slug: "csrf-check-failed", title: "Forbidden",
                detail: "cookie mode is only available to this server's own origin")
        }
    }

    /// `Set-Cookie` value carrying a refresh token for `maxAge` seconds.
    static func setCookie(token: String, maxAge: Int) -> String {
        "\(cookieName)=\(token); Path=\(cookiePath); Max-Age=\(max(0, maxAge)); HttpOnly; Secure; SameSite=Strict"
    }

    /// `Set-Cookie` value expiring the refresh cookie.
    static let expiredCookie = "\(cookieName)=; Path=\(cookiePath); Max-Age=0; HttpOnly; Secure; SameSite=Strict"

    /// The value of cookie `name` in a `Cookie` header (`a=1; b=2`), or nil.
    static func cookie(named name: String, in header: String) -> String? {
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop(while: { $0 == " " })
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            if trimmed[..<equals] == name {
                let value = trimmed[trimmed.index(after: equals)...]
                return value.isEmpty ? nil : String(value)
            }
        }
        return nil
    }

    private static func withoutDefaultPort(_ authority: String, scheme: String) -> String {
        let lower = authority.lowercased()
        if scheme == "https", lower.hasSuffix(":443") { return String(lower.dropLast(4)) }
        if scheme == "http", lower.hasSuffix(":80") { return String(lower.dropLast(3)) }
        return lower
    }
}

/// Publishes `BrowserSession.current` for the auth endpoints (nothing else reads cookies).
struct BrowserSessionMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/auth/") else { return try await next(request, context) }
        let session = BrowserSession(headers: request.headers, authority: request.head.authority)
        var response = try await BrowserSession.$current.withValue(session) { try await next(request, context) }
        if let cookie = session.reply.value.withLock({ $0 }) { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return response
    }
}

/// A cookie a handler sets for the response (one per request).
final class CookieReply: Sendable {
    let value = Mutex<String?>(nil)
}

