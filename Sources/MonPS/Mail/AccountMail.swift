import Foundation

/// The texts of account mail (password reset, address verification), plain and HTML. Links open the web app, whose
/// hash routes read the token from the fragment (never sent to a server, never in access logs).
enum AccountMail {
    static func passwordReset(to address: MailAddress, name: String, publicURL: String, token: String) -> MailMessage {
        let link = "\(publicURL)/#reset?token=\(token)"
        let minutes = Int(AccountTokenPurpose.passwordReset.lifetime / 60)
        let text = """
            Hello \(name),

            Someone (hopefully you) asked to reset the password of your MonPS account.
            Choose a new password here (the link works once, for \(minutes) minutes):

            \(link)

            If you did not ask for this, ignore this message: your password stays as it is.
            """
        let html = page(
            """
            <p>Hello \(escape(name)),</p>
            <p>Someone (hopefully you) asked to reset the password of your MonPS account.
            Choose a new password here (the link works once, for \(minutes) minutes):</p>
            <p><a href="\(escape(link))">Reset my password</a></p>
            <p>If you did not ask for this, ignore this message: your password stays as it is.</p>
            """)
        return MailMessage(to: [address], subject: "Reset your MonPS password", text: text, html: html)
    }

    static func verification(to address: MailAddress, name: String, publicURL: String, token: String) -> MailMessage {
        let link = "\(publicURL)/#verify?token=\(token)"
        let text = """
            Hello \(name),

            Please confirm that this is your address to start using MonPS (the link works for 24 hours):

            \(link)

            If you did not create a MonPS account, ignore this message.
            """
        let html = page(
            """
            <p>Hello \(escape(name)),</p>
            <p>Please confirm that this is your address to start using MonPS (the link works for 24 hours):</p>
            <p><a href="\(escape(link))">Confirm my address</a></p>
            <p>If you did not create a MonPS account, ignore this message.</p>
            """)
        return MailMessage(to: [address], subject: "Confirm your MonPS address", text: text, html: html)
    }

    private static func page(_ body: String) -> String {
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n\(body)\n</body></html>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
