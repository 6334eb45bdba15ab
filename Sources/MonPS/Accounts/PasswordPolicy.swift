import Foundation

/// NIST SP 800-63B-style password rules: length, a deny-list of common passwords, no trivial patterns,
/// not the email address. No composition rules. Passwords are NFKC-normalised before hashing and verifying
/// so the same password typed on different keyboards (composed vs decomposed accents) matches.
public struct PasswordPolicy: Sendable, Equatable {
    public var minimumLength: Int
    /// UTF-8 bytes; argon2 pre-hashes anyway, this bounds the work per request.
    public var maximumBytes: Int

    public init(minimumLength: Int = 12, maximumBytes: Int = PasswordHasher.maximumPasswordByteCount) {
        precondition(minimumLength >= 8, "NIST SP 800-63B requires at least 8 characters")
        self.minimumLength = minimumLength
        self.maximumBytes = min(maximumBytes, PasswordHasher.maximumPasswordByteCount)
    }

    /// The form that is hashed and verified.
    public static func normalize(_ password: String) -> String {
        password.precomposedStringWithCompatibilityMapping
    }

    /// Throws `IdentityError.weakPassword` naming the first rule the (normalised) password breaks.
    public func validate(_ password: String, email: EmailAddress?) throws(IdentityError) {
        let password = Self.normalize(password)
        guard password.count >= minimumLength else {
            throw .weakPassword("must be at least \(minimumLength) characters long")
        }
        guard password.utf8.count <= maximumBytes else {
            throw .weakPassword("must be at most \(maximumBytes) bytes long")
        }
        let folded = password.lowercased()
        guard !CommonPasswords.contains(folded) else {
            throw .weakPassword("is too common; choose a less predictable password (a few random words work well)")
        }
        guard Set(folded).count >= 4, !Self.isSequence(folded) else {
            throw .weakPassword("is too repetitive or sequential")
        }
        if let email {
            let trimmedFolded = IdentityText.trimmed(folded)
            guard trimmedFolded != email.normalized, trimmedFolded != email.localPart else {
                throw .weakPassword("must not be your email address")
            }
        }
    }

    /// "abcdefghijklm", "987654321098"-style runs with a constant step of ±1 (wrapping digits).
    private static func isSequence(_ text: String) -> Bool {
        let scalars = text.unicodeScalars.map(\.value)
        guard scalars.count >= 2 else { return true }
        for step: Int64 in [1, -1] {
            var isRun = true
            for (a, b) in zip(scalars, scalars.dropFirst()) {
                let difference = Int64(b) - Int64(a)
                let wrapsDigit = (a == 57 && b == 48 && step == 1) || (a == 48 && b == 57 && step == -1)
                if difference != step && !wrapsDigit {
                    isRun = false
                    break
                }
            }
            if isRun { return true }
        }
        return false
    }
}

/// Built-in deny-list (lower-case). Short entries are listed too: they also catch repetitions below.
enum CommonPasswords {
    static func contains(_ folded: String) -> Bool {
        if list.contains(folded) { return true }
        // "passwordpassword", "qwertyqwerty12"…: a listed word repeated, or a listed word plus a short tail.
        for base in bases where folded.hasPrefix(base) {
            let rest = folded.dropFirst(base.count)
            if rest.count <= 4 || rest.hasPrefix(base) { return true }
        }
        return false
    }

    /// Words that, followed by up to four characters or repeated, make a common password.
    static let bases: [String] = [
        "password", "passw0rd", "p@ssw0rd", "p@ssword", "qwertyuiop", "qwerty", "letmein", "welcome", "iloveyou",
        "admin", "administrator", "monps", "football", "baseball", "superman", "batman", "dragon", "monkey",
        "sunshine", "princess", "trustno1", "changeme", "abc123", "123456", "654321", "111111", "asdfgh", "zxcvbn",
        "1q2w3e4r", "1qaz2wsx", "qazwsx", "starwars", "whatever", "master", "shadow", "michael", "jennifer",
        "secret", "login", "betting", "bet365", "jackpot", "default",
    ]

    static let list: Set<String> = [
        "password1234", "password12345", "password123456", "password123!", "password1234!", "passwordpassword",
        "qwertyuiop12", "qwertyuiop123", "qwertyuiop1234", "qwertyuiopasdf", "qwertyuiopasdfgh",
        "qwertyuiopasdfghjkl", "qwerty123456", "qwerty1234567", "qwertyqwerty", "1234567890qwerty",
        "123456789012", "1234567890123", "12345678901234", "123456789abc", "1234567890ab", "123123123123",
        "123412341234", "121212121212", "112233445566", "111222333444", "000000000000", "111111111111",
        "123456123456", "987654321987", "147258369147", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u", "q1w2e3r4t5y6",
        "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "zaq12wsxcde3", "qazwsxedcrfv", "asdfghjkl123", "zxcvbnm12345",
        "iloveyou1234", "iloveyouiloveyou", "letmein12345", "letmeinletmein", "welcome12345", "welcome123456",
        "welcomewelcome", "administrator", "administrator1", "admin1234567", "adminadmin12", "monkey123456",
        "dragon123456", "football1234", "footballfootball", "baseball1234", "superman1234", "batman123456",
        "sunshine1234", "princess1234", "trustno1trustno1", "changeme1234", "changemechangeme", "abc123abc123",
        "abcd1234abcd", "abcdefghijkl", "abcdef123456", "aaaaaaaaaaaa", "starwars1234", "whatever1234",
        "master123456", "shadow123456", "michael12345", "jennifer1234", "secret123456", "correcthorsebatterystaple",
        "correct horse battery staple", "mypassword123", "mypassword1234", "newpassword123", "password2024",
        "password2025", "password2026", "summer2024!!", "winter2024!!", "spring2025!!", "autumn2025!!",
        "qwerty123456!", "passw0rd1234", "p@ssw0rd1234", "p@ssword1234", "monps1234567", "monpsmonps12",
        "monpspassword", "bettingpassword", "bet365bet365", "jackpot12345", "letmein!2345", "hello1234567",
        "helloworld123", "helloworld1234", "loveyou12345", "football123456", "computer1234", "internet1234",
        "samsung12345", "google123456", "liverpool123", "chelsea12345", "arsenal12345", "manchester123",
    ]
}
