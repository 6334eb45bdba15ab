import Testing

@testable import MonPS

@Suite("Authorization: Bearer parsing (RFC 6750 §2.1)")
struct BearerTokenParsingTests {
    @Test(arguments: [
        ("Bearer abc.DEF-ghi_~+/=", "abc.DEF-ghi_~+/="),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("  Bearer    abc \t ", "abc"),
        ("Bearer \tabc", "abc"),
    ])
    func acceptedHeaders(header: String, token: String) {
        #expect(AuthenticationMiddleware.bearerToken(header) == token)
    }

    @Test(arguments: [
        "", "Bearer", "Bearer ", "Bearer    ", "Basic abc", "Bearerabc", "Bearer\tabc", "Bearer a b", "Bearer a,b",
        "Bearer é", "Bear abc", "Bearers abc", "Token abc",
    ])
    func refusedHeaders(header: String) {
        #expect(AuthenticationMiddleware.bearerToken(header) == nil)
    }

    @Test func tokensOverEightKilobytesAreRefused() {
        #expect(AuthenticationMiddleware.bearerToken("Bearer " + String(repeating: "a", count: 8192))?.count == 8192)
        #expect(AuthenticationMiddleware.bearerToken("Bearer " + String(repeating: "a", count: 8193)) == nil)
    }
}
