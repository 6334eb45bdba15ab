import Testing

@testable import MonPS

@Suite(.hangGuard) struct SecurityJWTKeySetTests {
    static let secretA = String(repeating: "a", count: 32)
    static let secretB = "rotated-secret-0123456789-abcdefghij"
    static let kidA = "72e5235884f65613"  // SHA-256("monps-kid:" + "a"×32)[0..<8], computed independently
    static let now: Int64 = 1_700_000_000
    static let iss = "monps"
    static let aud = "monps-api"

    let keys = try! JWTKeySet(secrets: [secretA, secretB])

    static func claims(exp: Int64 = now + 900, nbf: Int64 = now, iat: Int64 = now) -> JWTClaims {
        JWTClaims(
            subject: "user-42", role: "member", issuedAt: iat, notBefore: nbf, expiresAt: exp,
            issuer: iss, audience: aud, tokenID: "jti-1", scope: "bets:read bets:write")
    }

    static func payload(exp: String = "\(now + 900)", extra: String = "") -> String {
        #"{"sub":"user-42","role":"member","iat":\#(now),"nbf":\#(now),"exp":\#(exp),"iss":"monps","aud":"monps-api","jti":"j"\#(extra)}"#
    }

    static func header(alg: String = "HS256", kid: String = kidA) -> String {
        #"{"alg":"\#(alg)","typ":"JWT","kid":"\#(kid)"}"#
    }

    /// Builds a token by hand with a genuine HS256 MAC over whatever header/payload text is given.
    static func forge(header: String = header(), payload: String = payload(), secret: String = secretA) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let mac = CryptoPrimitives.hmacSHA256(key: Array(secret.utf8), message: Array(input.utf8))
        return input + "." + Base64URL.encode(mac)
    }

    func verify(_ token: String, now: Int64 = now, leeway: Int64 = 0) throws(JWTError) -> JWTClaims {
        try keys.verify(token, now: now, expectedIssuer: Self.iss, expectedAudience: Self.aud, leeway: leeway)
    }

    // MARK: happy paths

    @Test func signThenVerifyRoundTrip() throws {
        let claims = Self.claims()
        let token = keys.sign(claims)
        #expect(try verify(token) == claims)
        let headerSegment = String(token.split(separator: ".")[0])
        let header = String(decoding: try Base64URL.decode(headerSegment), as: UTF8.self)
        #expect(header == #"{"alg":"HS256","typ":"JWT","kid":"72e5235884f65613"}"#)
    }

    @Test func keyIDIsDerivedFromSecret() {
        #expect(JWTKeySet.keyID(forSecret: Self.secretA) == Self.kidA)
        #expect(keys.signingKeyID == Self.kidA)
        #expect(keys.keyIDs.count == 2)
    }

    @Test func handForgedTokenWithCorrectHeaderVerifies() throws {
        // Proves the forging helper is right, so the rejections below are about the one thing changed.
        #expect(try verify(Self.forge()).subject == "user-42")
    }

    @Test func tokenSignedWithRotatedSecretVerifies() throws {
        let old = try JWTKeySet(secrets: [Self.secretB])
        let token = old.sign(Self.claims())
        #expect(try verify(token).subject == "user-42")
        let onlyA = try JWTKeySet(secrets: [Self.secretA])
        #expect(throws: JWTError.unknownKeyID) {
            try onlyA.verify(token, now: Self.now, expectedIssuer: Self.iss, expectedAudience: Self.aud)
        }
    }

    @Test func optionalScopeRoundTripsAndIsOptional() throws {
        #expect(try verify(keys.sign(Self.claims())).scopes == ["bets:read", "bets:write"])
        #expect(try verify(Self.forge()).scope == nil)
    }

    @Test func issuedClaimsHaveRandomJTIAndLifetime() throws {
        let a = try JWTClaims.issue(subject: "u", role: "r", issuer: "i", audience: "a", now: 100, lifetime: 60)
        let b = try JWTClaims.issue(subject: "u", role: "r", issuer: "i", audience: "a", now: 100, lifetime: 60)
        #expect(a.tokenID != b.tokenID)
        #expect(a.tokenID.count == 22)
        #expect((a.issuedAt, a.notBefore, a.expiresAt) == (100, 100, 160))
    }

    // MARK: signature

    @Test func unknownKeyID() {
        #expect(throws: JWTError.unknownKeyID) { try verify(Self.forge(header: Self.header(kid: "0000000000000000"))) }
    }

    @Test func tamperedPayloadIsRejected() {
        let token = keys.sign(Self.claims())
        var parts = token.split(separator: ".").map(String.init)
        var other = Self.claims()
        other.role = "admin"
        parts[1] = Base64URL.encode(Array(other.jsonPayload().utf8))
        #expect(throws: JWTError.badSignature) { try verify(parts.joined(separator: ".")) }
    }

    @Test func tamperedSignatureIsRejected() {
        let token = keys.sign(Self.claims())
        let first = token.index(token.lastIndex(of: ".")!, offsetBy: 1)
        let flipped = token[first] == "A" ? "B" : "A"
        var tampered = token
        tampered.replaceSubrange(first...first, with: flipped)
        #expect(throws: JWTError.badSignature) { try verify(tampered) }
        #expect(throws: JWTError.badSignature) { try verify(String(token.dropLast())) }
        #expect(throws: JWTError.badSignature) { try verify(token + "A") }
    }

    @Test func flippingOnlyTheSpareBitsOfTheLastCharacterIsRejected() throws {
        let token = keys.sign(Self.claims())
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let signature = Array(token.split(separator: ".")[2])
        #expect(signature.count == 43)  // 256 bits in 43×6 = 258 bits: 2 spare bits
        let value = alphabet.firstIndex(of: signature[42])!
        #expect(value & 0b11 == 0)
        for spare in 1...3 {
            let altered = value | spare
            #expect(altered >> 2 == value >> 2)  // same MAC bits: a lenient decoder yields the same MAC
            let forged = String(token.dropLast()) + String(alphabet[altered])
            #expect(throws: JWTError.badSignature) { try verify(forged) }
        }
    }

    @Test func paddingInSignatureIsRejected() {
        #expect(throws: JWTError.badSignature) { try verify(keys.sign(Self.claims()) + "=") }
    }

    // MARK: header

    @Test func algNoneWithEmptySignatureIsRejected() {
        let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = Base64URL.encode(Array(Self.payload().utf8))
        #expect(throws: JWTError.unsupportedAlgorithm) { try verify(header + "." + payload + ".") }
        let withKid = Base64URL.encode(Array(Self.header(alg: "none").utf8))
        #expect(throws: JWTError.unsupportedAlgorithm) { try verify(withKid + "." + payload + ".") }
    }

    @Test(arguments: ["HS512", "hs256", "RS256", "HS256 ", "none"])
    func otherAlgorithmsAreRejectedEvenWithAValidHS256MAC(alg: String) {
        #expect(throws: JWTError.unsupportedAlgorithm) { try verify(Self.forge(header: Self.header(alg: alg))) }
    }

    @Test func typMustBeExactlyJWT() {
        let missing = #"{"alg":"HS256","kid":"\#(Self.kidA)"}"#
        let lower = #"{"alg":"HS256","typ":"jwt","kid":"\#(Self.kidA)"}"#
        let other = #"{"alg":"HS256","typ":"at+jwt","kid":"\#(Self.kidA)"}"#
        for header in [missing, lower, other] {
            #expect(throws: JWTError.unsupportedAlgorithm) { try verify(Self.forge(header: header)) }
        }
    }

    @Test func extraDuplicateOrMissingHeaderFieldsAreRejected() {
        let extra = #"{"alg":"HS256","typ":"JWT","kid":"\#(Self.kidA)","jku":"https://evil.example"}"#
        let duplicate = #"{"alg":"HS256","alg":"HS256","typ":"JWT","kid":"\#(Self.kidA)"}"#
        let noKid = #"{"alg":"HS256","typ":"JWT"}"#
        let numericKid = #"{"alg":"HS256","typ":"JWT","kid":1}"#
        for header in [extra, duplicate, noKid, numericKid] {
            #expect(throws: JWTError.malformed) { try verify(Self.forge(header: header)) }
        }
    }

    // MARK: shape

    @Test func wrongSegmentCountsAreMalformed() {
        let token = keys.sign(Self.claims())
        let parts = token.split(separator: ".")
        #expect(throws: JWTError.malformed) { try verify(parts[0] + "." + parts[1]) }
        #expect(throws: JWTError.malformed) { try verify(token + "." + parts[2]) }
        #expect(throws: JWTError.malformed) { try verify("") }
        #expect(throws: JWTError.malformed) { try verify("..") }
    }

    @Test func paddingInHeaderOrPayloadSegmentIsMalformed() {
        let parts = keys.sign(Self.claims()).split(separator: ".").map(String.init)
        #expect(throws: JWTError.malformed) { try verify(parts[0] + "=." + parts[1] + "." + parts[2]) }
        // Padding in the payload changes the signed bytes: re-MAC it so only the padding is wrong.
        let input = parts[0] + "." + parts[1] + "=="
        let mac = CryptoPrimitives.hmacSHA256(key: Array(Self.secretA.utf8), message: Array(input.utf8))
        #expect(throws: JWTError.malformed) { try verify(input + "." + Base64URL.encode(mac)) }
        #expect(throws: JWTError.badSignature) { try verify(parts[0] + "." + parts[1] + "==." + parts[2]) }
    }

    @Test func nonJSONOrNonObjectPayloadIsMalformed() {
        for payload in ["not json", "[1,2]", #""string""#, Self.payload() + " x", Self.payload() + "}"] {
            #expect(throws: JWTError.malformed) { try verify(Self.forge(payload: payload)) }
        }
    }

    @Test func duplicateClaimIsMalformed() {
        #expect(throws: JWTError.malformed) { try verify(Self.forge(payload: Self.payload(extra: #","exp":1"#))) }
    }

    @Test func overlongTokenIsMalformed() {
        let big = Self.payload(extra: #","pad":""# + String(repeating: "x", count: 9000) + #"""#)
        #expect(throws: JWTError.malformed) { try verify(Self.forge(payload: big)) }
    }

    // MARK: claims

    @Test(arguments: [#""1700000900""#, "1700000900.0", "1.7000009e9", "true", "null"])
    func nonIntegerExpIsRejected(exp: String) {
        #expect(throws: JWTError.invalidClaim("exp")) { try verify(Self.forge(payload: Self.payload(exp: exp))) }
    }

    @Test func missingClaimIsNamed() {
        let noSub = #"{"role":"member","iat":1,"nbf":1,"exp":9999999999,"iss":"monps","aud":"monps-api","jti":"j"}"#
        #expect(throws: JWTError.missingClaim("sub")) { try verify(Self.forge(payload: noSub)) }
        let noExp = #"{"sub":"s","role":"member","iat":1,"nbf":1,"iss":"monps","aud":"monps-api","jti":"j"}"#
        #expect(throws: JWTError.missingClaim("exp")) { try verify(Self.forge(payload: noExp)) }
    }

    @Test func expiryAndLeewayBoundaries() throws {
        let exp = Self.now + 100
        let token = keys.sign(Self.claims(exp: exp))
        #expect(try verify(token, now: exp - 1).expiresAt == exp)
        #expect(throws: JWTError.expired) { try verify(token, now: exp) }
        #expect(try verify(token, now: exp + 29, leeway: 30).expiresAt == exp)
        #expect(throws: JWTError.expired) { try verify(token, now: exp + 30, leeway: 30) }
    }

    @Test func notBeforeAndIssuedAtBoundaries() throws {
        let nbf = Self.now + 100
        let token = keys.sign(Self.claims(exp: nbf + 900, nbf: nbf, iat: nbf))
        #expect(throws: JWTError.notYetValid) { try verify(token, now: nbf - 1) }
        #expect(try verify(token, now: nbf).notBefore == nbf)
        #expect(try verify(token, now: nbf - 30, leeway: 30).notBefore == nbf)
        #expect(throws: JWTError.notYetValid) { try verify(token, now: nbf - 31, leeway: 30) }
        let futureIat = keys.sign(Self.claims(iat: Self.now + 60))
        #expect(throws: JWTError.notYetValid) { try verify(futureIat, now: Self.now + 59) }
    }

    @Test func wrongIssuerAndAudience() {
        let token = keys.sign(Self.claims())
        #expect(throws: JWTError.wrongIssuer) {
            try keys.verify(token, now: Self.now, expectedIssuer: "other", expectedAudience: Self.aud)
        }
        #expect(throws: JWTError.wrongAudience) {
            try keys.verify(token, now: Self.now, expectedIssuer: Self.iss, expectedAudience: "other")
        }
    }

    // MARK: key set construction

    @Test func shortEmptyOrDuplicateSecretsAreRefused() {
        #expect(throws: JWTKeyError.noSecrets) { try JWTKeySet(secrets: []) }
        #expect(throws: JWTKeyError.secretTooShort(index: 1, byteCount: 31)) {
            try JWTKeySet(secrets: [Self.secretA, String(repeating: "b", count: 31)])
        }
        #expect(throws: JWTKeyError.duplicateSecret(index: 1)) { try JWTKeySet(secrets: [Self.secretA, Self.secretA]) }
        #expect(throws: JWTKeyError.noSecrets) { try JWTKeySet(commaSeparated: "") }
        #expect(throws: JWTKeyError.emptySecret(index: 1)) { try JWTKeySet(commaSeparated: Self.secretA + ",") }
        #expect(
            JWTKeyError.secretTooShort(index: 0, byteCount: 5).description
                == "MONPS_JWT_SECRETS entry #1 is 5 bytes; at least 32 are required")
    }

    @Test func commaSeparatedConfigTrimsAndKeepsOrder() throws {
        let parsed = try JWTKeySet(commaSeparated: " \(Self.secretB) ,\n\(Self.secretA)\n")
        #expect(parsed.keyIDs == [JWTKeySet.keyID(forSecret: Self.secretB), Self.kidA])
    }

    @Test func descriptionsNeverContainSecrets() {
        var dumped = ""
        dump(keys, to: &dumped)
        for text in [String(describing: keys), String(reflecting: keys), dumped] {
            #expect(!text.contains(Self.secretA))
            #expect(!text.contains(Self.secretB))
            #expect(!text.contains("97, 97, 97"))  // the secret's bytes
            #expect(text.contains(Self.kidA))
        }
    }
}
