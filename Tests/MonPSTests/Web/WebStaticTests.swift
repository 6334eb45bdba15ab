import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import MonPS

/// The web app's static files as `monps serve` answers them.
@Suite("Web app static serving", .hangGuard)
struct WebStaticTests {
    static let csp = HTTPField.Name("Content-Security-Policy")!

    @Test func shellAtRootWithSecurityHeadersETagAnd304() async throws {
        let app = try await TestApp.make()
        let assets = try WebAssets.bundled()
        try await app.test { client in
            let response = try await client.get("/")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.cacheControl] == "no-cache")
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            let csp = try #require(response.headers[Self.csp])
            #expect(csp.contains("script-src 'self'"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(response.text.contains("/assets/\(assets.version)/js/app.js"), "the template names this build's assets")
            #expect(!response.text.contains(WebAssets.versionPlaceholder))
            let etag = try #require(response.headers[.eTag])
            #expect(etag == assets.root["index.html"]?.etag)
            #expect(Int(response.headers[.contentLength] ?? "") == response.body.readableBytes)

            let again = try await client.get("/", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == etag)
            let other = try await client.get("/", headers: [.ifNoneMatch: "\"something-else\""])
            #expect(other.status == .ok)
            let head = try await client.execute(uri: "/", method: .head)
            #expect(head.status == .ok)
            #expect(head.headers[.eTag] == etag)
        }
    }

    @Test func appRoutesAndSharedLinksServeTheShell() async throws {
        let app = try await TestApp.make()
        let assets = try WebAssets.bundled()
        try await app.test { client in
            for path in ["/s/abc", "/opportunities/123", "/bets", "/notifications", "/admin/users", "/login"] {
                let response = try await client.get(path)
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.eTag] == assets.root["index.html"]?.etag, "\(path)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
            }
        }
    }

    @Test func versionedAssetsAreImmutableOthersRevalidate() async throws {
        let app = try await TestApp.make()
        let assets = try WebAssets.bundled()
        try await app.test { client in
            let script = try await client.get("/assets/\(assets.version)/js/app.js")
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(script.headers[.eTag] == assets.assets["js/app.js"]?.etag)
            #expect(Array(script.body.readableBytesView) == assets.assets["js/app.js"]?.bytes)
            let old = try await client.get("/assets/0000000000000000/js/app.js")
            #expect(old.status == .ok)
            #expect(old.headers[.cacheControl] == "no-cache", "an old build's URL is not cached for a year")
            let icon = try await client.get("/assets/\(assets.version)/icons/icon-192.png")
            #expect(icon.headers[.contentType] == "image/png")
            #expect(Array(icon.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])

            let manifest = try await client.get("/manifest.webmanifest")
            #expect(manifest.headers[.contentType] == "application/manifest+json")
            let json = try manifest.json()
            #expect(json["display"] as? String == "standalone")
            #expect(json["start_url"] as? String == "/")
            let icons = try #require(json["icons"] as? [[String: Any]])
            #expect(Set(icons.compactMap { $0["sizes"] as? String }) == ["192x192", "512x512"])
            #expect(icons.contains { $0["purpose"] as? String == "maskable" })

            let worker = try await client.get("/sw.js")
            #expect(worker.headers[.cacheControl] == "no-cache")
            #expect(worker.text.contains("/assets/\(assets.version)/js/app.js"), "the precache list is filled in")
            #expect(!worker.text.contains(WebAssets.precachePlaceholder))
        }
    }

    @Test func apiPathsKeepTheirProblemsAndTraversalIsRefused() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let unknown = try await client.get("/v1/no-such-thing")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(try unknown.json()["status"] as? Int == 404)
            #expect(unknown.headers[Self.csp] == nil, "API responses are not the web app's")

            for path in [
                "/assets/x/../../Package.swift", "/assets/x/%2e%2e/%2e%2e/Package.swift", "/../Package.swift",
                "/assets/x/..%2f..%2fPackage.swift", "/index.html/..", "/s/..%2f..%2fetc%2fpasswd", "/Package.swift",
                "/assets/x/js/../../../../README.md",
            ] {
                let response = try await client.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true, "\(path)")
                #expect(!response.text.contains("swift-tools-version"), "\(path)")
            }
            // Only GET and HEAD are the web app's.
            let post = try await client.execute(uri: "/", method: .post)
            #expect(post.status != .ok)
        }
    }

    @Test func lookupTableIsExact() throws {
        let assets = WebAssets(files: [
            "index.html": Array("<script src=\"/assets/__MONPS_VERSION__/js/app.js\"></script>".utf8),
            "sw.js": Array("const PRECACHE = __MONPS_PRECACHE__;".utf8),
            "assets/js/app.js": Array("export {}".utf8),
            "assets/icons/icon-512.png": [0x89],
        ])
        let web = WebMiddleware<AppRequestContext>(assets: assets)
        #expect(web.lookup("/")?.1 == .revalidate)
        #expect(web.lookup("/index.html") == nil, "the shell has one URL per route, not its file name")
        #expect(web.lookup("/assets/\(assets.version)/js/app.js")?.1 == .immutable)
        #expect(web.lookup("/assets/\(assets.version)/js/missing.js") == nil)
        #expect(web.lookup("/v1/me") == nil)
        #expect(web.lookup("/healthz") == nil)
        #expect(web.lookup("/metrics") == nil)
        #expect(web.lookup("/openapi.yaml") == nil)
        #expect(web.lookup("/s/abc.def") == nil)
        let worker = String(decoding: try #require(assets.root["sw.js"]).bytes, as: UTF8.self)
        #expect(worker == "const PRECACHE = [\"/\",\"/assets/\(assets.version)/js/app.js\"];")
        #expect(WebMiddleware<AppRequestContext>.matches(["W/\"a\", \"b\""], etag: "\"a\""))
        #expect(WebMiddleware<AppRequestContext>.matches(["*"], etag: "\"a\""))
        #expect(!WebMiddleware<AppRequestContext>.matches(["\"b\""], etag: "\"a\""))
    }
}
