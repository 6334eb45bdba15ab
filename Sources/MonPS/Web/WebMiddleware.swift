import HTTPTypes
import Hummingbird
import NIOCore

/// Serves the web app (GET and HEAD only): the shell at `/` and at every app route (`/opportunities/…`, `/s/{token}`,
/// …) so that deep links and reloads work, `/assets/<version>/…`, `/sw.js` and `/manifest.webmanifest`. Every other
/// request — `/v1/…` above all — goes on to the API untouched, so unknown API paths keep their problem+json 404.
/// Lookups are exact keys of an in-memory table: no path ever reaches the file system (no traversal possible).
struct WebMiddleware<Context: RequestContext>: RouterMiddleware {
    let assets: WebAssets

    /// First path segments the app routes itself (`/` is the dashboard).
    static var appRoutes: Set<String> {
        ["", "login", "dashboard", "opportunities", "bets", "bankrolls", "analytics", "agents", "calculators",
         "notifications", "settings", "admin", "s"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, let (file, caching) = lookup(request.uri.path) else {
            return try await next(request, context)
        }
        return Self.response(file, caching: caching, request: request)
    }

    enum Caching: Equatable { case revalidate, immutable }

    /// The file a path names, and how long it may be cached; nil when the path is not the app's.
    func lookup(_ path: String) -> (WebAssets.File, Caching)? {
        guard path.hasPrefix("/"), !path.hasPrefix("/v1/"), path != "/v1" else { return nil }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        // Nothing odd is ever looked up: no dot segments, no escapes, no backslashes.
        guard !segments.contains(where: { $0 == "." || $0 == ".." }), !path.contains("%"), !path.contains("\\") else {
            return nil
        }
        if segments.count == 1, let root = assets.root[String(segments[0])], segments[0] != "index.html" {
            return (root, .revalidate)
        }
        if segments.count >= 3, segments[0] == "assets" {
            let relative = segments.dropFirst(2).joined(separator: "/")
            guard let file = assets.assets[relative] else { return nil }
            // An old version's URL (a page loaded before a deploy) gets today's file, revalidated.
            return (file, segments[1] == assets.version ? .immutable : .revalidate)
        }
        guard let first = segments.first, Self.appRoutes.contains(String(first)), !path.contains("."),
            let shell = assets.root["index.html"]
        else { return nil }
        return (shell, .revalidate)
    }

    static func response(_ file: WebAssets.File, caching: Caching, request: Request) -> Response {
        var headers = WebHeaders.security
        headers[.contentType] = file.contentType
        headers[.eTag] = file.etag
        headers[.cacheControl] = caching == .immutable ? "public, max-age=31536000, immutable" : "no-cache"
        if matches(request.headers[values: .ifNoneMatch], etag: file.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(file.bytes.count)
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    /// `If-None-Match`: `*` or a list of entity tags compared weakly (RFC 9110 §13.1.2).
    static func matches(_ values: [String], etag: String) -> Bool {
        let tags = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return tags.contains { $0 == "*" || $0 == etag || $0 == "W/" + etag }
    }
}

/// The headers every web app response carries.
enum WebHeaders {
    /// No inline script or style anywhere: everything comes from this origin's files.
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
        "connect-src 'self'", "manifest-src 'self'", "worker-src 'self'", "object-src 'none'", "base-uri 'none'",
        "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    static var security: HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        // Shared links carry their token in the path: never leak it to another site.
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=(), payment=()"
        return headers
    }
}
