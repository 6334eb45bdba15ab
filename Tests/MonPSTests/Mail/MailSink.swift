import Foundation
@testable import MonPS

/// The SMTP server `deploy/test.sh` starts (deploy/smtp-sink.sh: aiosmtpd, STARTTLS on the port, implicit TLS on the
/// next one, AUTH monps/sink-secret, `@refused.example` recipients refused) and the messages it saved.
enum MailSink {
    static var port: Int { Int(ProcessInfo.processInfo.environment["MONPS_TEST_SMTP_PORT"] ?? "") ?? 25253 }
    static var folder: String {
        ProcessInfo.processInfo.environment["MONPS_TEST_SMTP_DIR"]
            ?? TestEnvironment.repositoryRoot.appendingPathComponent(".var/test/smtp/mail").path
    }
    static var certificate: String {
        ProcessInfo.processInfo.environment["MONPS_TEST_SMTP_CA"]
            ?? TestEnvironment.repositoryRoot.appendingPathComponent(".var/test/smtp/cert.pem").path
    }
    static let user = "monps"
    static let password = "sink-secret"

    /// Configuration overrides sending through the sink with STARTTLS required and AUTH.
    static var overrides: [String: String] {
        [
            "MONPS_SMTP_URL": "smtp://\(user):\(password)@localhost:\(port)?tls=require",
            "MONPS_MAIL_FROM": "MonPS Tests <no-reply@monps.test>",
            "MONPS_SMTP_CA_FILE": certificate,
            "MONPS_SMTP_TIMEOUT": "10",
            "MONPS_PUBLIC_URL": "https://monps.test",
            // A flow (register, sign in, ask for mail, follow links) takes more than the 10 auth requests a minute
            // one address gets; the limits have their own tests.
            "MONPS_RATE_LIMITS": #"{"auth":{"*":{"limit":1000,"window":60}}}"#,
        ]
    }

    /// A unique recipient address at a domain the sink accepts.
    static func address(_ label: String = "user") -> String { "\(label)-\(UUID().uuidString.prefix(8).lowercased())@example.com" }

    /// The messages received for `recipient` so far.
    static func messages(to recipient: String) throws -> [ReceivedMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return try names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().compactMap { name in
            let base = (folder as NSString).appendingPathComponent(String(name.dropLast(5)))
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".json"))) as? [String: Any] ?? [:]
            guard let recipients = envelope["rcpt_tos"] as? [String], recipients.contains(recipient) else { return nil }
            let raw = try String(contentsOfFile: base + ".eml", encoding: .utf8)
            return ReceivedMail(envelope: envelope, raw: MIMEEncoding.crlfLines(raw))
        }
    }

    /// Waits (up to `timeout`) until `count` messages for `recipient` arrived, and returns them.
    static func waitForMessages(to recipient: String, count: Int = 1, timeout: Duration = .seconds(20)) async throws -> [ReceivedMail] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let found = try messages(to: recipient)
            if found.count >= count { return found }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("expected \(count) message(s) for \(recipient) in \(folder), got \(found.count)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// One message as the sink saved it, with a small MIME reader (enough for what MonPS sends).
struct ReceivedMail {
    let envelope: [String: Any]
    let raw: String

    var login: String? { envelope["login"] as? String }
    var tls: Bool { envelope["tls"] as? Bool ?? false }
    var mailFrom: String? { envelope["mail_from"] as? String }

    /// Header fields of the top level, unfolded, by lower-cased name.
    var headers: [String: String] { Self.headers(of: raw) }

    /// The decoded text of the part with this content type (`text/plain`, `text/html`).
    func part(_ type: String) -> String? {
        guard let contentType = headers["content-type"], let range = contentType.range(of: "boundary=\"") else { return nil }
        let boundary = String(contentType[range.upperBound...].prefix { $0 != "\"" })
        for chunk in raw.components(separatedBy: "--" + boundary).dropFirst() {
            let partHeaders = Self.headers(of: String(chunk.drop { $0.isNewline }))
            guard partHeaders["content-type"]?.hasPrefix(type) == true,
                let bodyStart = chunk.range(of: "\r\n\r\n")
            else { continue }
            let body = String(chunk[bodyStart.upperBound...])
            return partHeaders["content-transfer-encoding"] == "quoted-printable" ? Self.decodeQuotedPrintable(body) : body
        }
        return nil
    }

    static func headers(of text: String) -> [String: String] {
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        var result: [String: String] = [:]
        var last: String?
        for line in head.components(separatedBy: "\r\n") {
            if line.first == " " || line.first == "\t", let name = last {
                result[name, default: ""] += line
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                result[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                last = name
            }
        }
        return result
    }

    static func decodeQuotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count,
                let value = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The token of the first link `…#<route>?token=…` in the text part.
    func token(route: String) -> String? {
        guard let text = part("text/plain"), let range = text.range(of: "#\(route)?token=") else { return nil }
        return String(text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }
}
