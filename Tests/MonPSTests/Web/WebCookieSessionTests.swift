import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import MonPS

/// The auth endpoints' cookie mode (browsers) beside their JSON mode.
@Suite("Auth cookie mode", .hangGuard)
struct WebCookieSessionTests {
    static let csrf = HTTPField.Name("X-MonPS-CSRF")!

    /// The `monps_refresh=…` pair of a `Set-Cookie` value, and its attributes.
    func parseSetCookie(_ value: String) -> (token: String, attributes: [String]) {
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let token = parts[0].hasPrefix("monps_refresh=") ? String(parts[0].dropFirst("monps_refresh=".count)) : ""
        return (token, Array(parts.dropFirst()))
    }

    func cookieLogin(_ client: any TestClientProtocol, email: String) async throws -> (TestResponse, String) {
        let login = try await client.postJSON(
            "/v1/auth/login", #"{"email":"\#(email)","password":"\#(TestAccounts.password)","session":"cookie"}"#)
        let setCookie = try #require(login.headers[.setCookie])
        return (login, parseSetCookie(setCookie).token)
    }

    func post(_ client: any TestClientProtocol, _ uri: String, body: String, headers extra: HTTPFields) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func loginSetsAnHttpOnlyStrictCookieAndHidesTheToken() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let email = "cookie-\(UUID().uuidString.prefix(8))@example.com"
            _ = try await TestAccounts(app: app, client: client).token(email: email)
            let (login, token) = try await cookieLogin(client, email: email)
            #expect(login.status == .ok)
            let json = try login.json()
            #expect(json["refresh_token"] == nil, "the refresh token travels only in the cookie")
            #expect((json["access_token"] as? String)?.isEmpty == false)
            let refreshLifetime = try #require(json["refresh_expires_in"] as? Int)
            #expect(OpaqueSecret.parse(token) != nil)
            let attributes = parseSetCookie(try #require(login.headers[.setCookie])).attributes
            #expect(Set(attributes) == ["Path=/v1/auth", "Max-Age=\(refreshLifetime)", "HttpOnly", "Secure", "SameSite=Strict"])

            // JSON clients are unchanged: no cookie, the token in the body.
            let plain = try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"\#(TestAccounts.password)"}"#)
            #expect(plain.status == .ok)
            #expect(plain.headers[.setCookie] == nil)
            #expect((try plain.json()["refresh_token"] as? String).flatMap(OpaqueSecret.parse) != nil)

            // A cross-site page cannot ask for the cookie.
            let crossSite = try await post(
                client, "/v1/auth/login", body: #"{"email":"\#(email)","password":"\#(TestAccounts.password)","session":"cookie"}"#,
                headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.status == .forbidden)
            #expect(crossSite.headers[.setCookie] == nil)
        }
    }

    @Test func refreshWithCookieNeedsTheCSRFHeaderAndRotates() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let email = "cookie-\(UUID().uuidString.prefix(8))@example.com"
            _ = try await TestAccounts(app: app, client: client).token(email: email)
            let (_, first) = try await cookieLogin(client, email: email)

            let withoutHeader = try await post(client, "/v1/auth/refresh", body: "{}", headers: [.cookie: "monps_refresh=\(first)"])
            #expect(withoutHeader.status == .forbidden)
            #expect(withoutHeader.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(try withoutHeader.json()["status"] as? Int == 403)
            #expect(withoutHeader.headers[.setCookie] == nil)

            let crossSite = try await post(
                client, "/v1/auth/refresh", body: "{}",
                headers: [.cookie: "monps_refresh=\(first)", Self.csrf: "1", HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.status == .forbidden)
            let foreignOrigin = try await post(
                client, "/v1/auth/refresh", body: "{}",
                headers: [.cookie: "monps_refresh=\(first)", Self.csrf: "1", .origin: "https://evil.example"])
            #expect(foreignOrigin.status == .forbidden)

            let rotated = try await post(
                client, "/v1/auth/refresh", body: "{}", headers: [.cookie: "other=1; monps_refresh=\(first)", Self.csrf: "1"])
            #expect(rotated.status == .ok)
            #expect(try rotated.json()["refresh_token"] == nil)
            let access = try #require(try rotated.json()["access_token"] as? String)
            #expect(try await client.get("/v1/me", token: access).status == .ok)
            let second = parseSetCookie(try #require(rotated.headers[.setCookie])).token
            #expect(OpaqueSecret.parse(second) != nil)
            #expect(second != first)

            // The spent cookie no longer works; no cookie at all is a 401 too.
            let reuse = try await post(client, "/v1/auth/refresh", body: "{}", headers: [.cookie: "monps_refresh=\(first)", Self.csrf: "1"])
            #expect(reuse.status == .unauthorized)
            let none = try await post(client, "/v1/auth/refresh", body: "{}", headers: [Self.csrf: "1"])
            #expect(none.status == .unauthorized)
            #expect(none.headers[.contentType]?.hasPrefix("application/problem+json") == true)
        }
    }

    @Test func jsonBodyRefreshAndLogoutStillWork() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let email = "json-\(UUID().uuidString.prefix(8))@example.com"
            _ = try await TestAccounts(app: app, client: client).token(email: email)
            let login = try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"\#(TestAccounts.password)"}"#)
            let first = try #require(try login.json()["refresh_token"] as? String)
            // No CSRF header needed: the token is in the body, which no other site can read.
            let rotated = try await client.postJSON("/v1/auth/refresh", #"{"refresh_token":"\#(first)"}"#)
            #expect(rotated.status == .ok)
            #expect(rotated.headers[.setCookie] == nil)
            let second = try #require(try rotated.json()["refresh_token"] as? String)
            #expect(second != first)
            let logout = try await client.postJSON("/v1/auth/logout", #"{"refresh_token":"\#(second)"}"#)
            #expect(logout.status == .noContent)
            #expect(logout.headers[.setCookie] == nil)
            #expect(try await client.postJSON("/v1/auth/refresh", #"{"refresh_token":"\#(second)"}"#).status == .unauthorized)
        }
    }

    @Test func logoutWithCookieRevokesAndExpiresIt() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let email = "cookie-\(UUID().uuidString.prefix(8))@example.com"
            _ = try await TestAccounts(app: app, client: client).token(email: email)
            let (_, token) = try await cookieLogin(client, email: email)
            let forged = try await post(client, "/v1/auth/logout", body: "{}", headers: [.cookie: "monps_refresh=\(token)"])
            #expect(forged.status == .forbidden, "a cross-site form could post here: the CSRF header is required")
            let logout = try await post(client, "/v1/auth/logout", body: "{}", headers: [.cookie: "monps_refresh=\(token)", Self.csrf: "1"])
            #expect(logout.status == .noContent)
            let expired = try #require(logout.headers[.setCookie])
            #expect(expired.hasPrefix("monps_refresh=;"))
            #expect(expired.contains("Max-Age=0"))
            #expect(expired.contains("Path=/v1/auth"))
            let after = try await post(client, "/v1/auth/refresh", body: "{}", headers: [.cookie: "monps_refresh=\(token)", Self.csrf: "1"])
            #expect(after.status == .unauthorized)
        }
    }

    @Test func originChecks() {
        #expect(BrowserSession(origin: "http://127.0.0.1:18500", host: "127.0.0.1:18500").isSameOrigin)
        #expect(BrowserSession(origin: "https://monps.example", host: "monps.example").isSameOrigin)
        #expect(BrowserSession(origin: "https://MonPS.example:443", host: "monps.example").isSameOrigin)
        #expect(!BrowserSession(origin: "https://evil.example", host: "monps.example").isSameOrigin)
        #expect(!BrowserSession(origin: "null", host: "monps.example").isSameOrigin)
        #expect(!BrowserSession(origin: "https://monps.example", host: nil).isSameOrigin)
        #expect(BrowserSession().isSameOrigin, "clients that send no Origin are not browsers")
        #expect(!BrowserSession(host: "monps.example", fetchSite: "same-site").isSameOrigin)
        #expect(BrowserSession(host: "monps.example", fetchSite: "same-origin").isSameOrigin)
        #expect(BrowserSession.cookie(named: "monps_refresh", in: "a=1; monps_refresh=xyz; b=2") == "xyz")
        #expect(BrowserSession.cookie(named: "monps_refresh", in: "xmonps_refresh=1") == nil)
        #expect(BrowserSession.cookie(named: "monps_refresh", in: "monps_refresh=") == nil)
    }
}
