import Foundation

/// The email channel: one mail per delivery to the user's address, written from the same human text as the
/// Discord and Telegram messages, with a link to the settings and a one-click unsubscribe (RFC 8058).
struct NotificationEmailer: NotificationMailer {
    let database: Database
    let sender: any MailSender
    let links: UnsubscribeLink
    /// The web app's address (`MONPS_PUBLIC_URL`), without a trailing slash.
    let publicURL: String

    func send(_ notification: OutgoingNotification, to userID: UUID) async throws {
        guard let row = try await database.query(
            "SELECT email, display_name FROM users WHERE id = \(userID) AND status = 'active'").first
        else { throw NotificationEmailError.noActiveAccount }
        let read = RowReader(row)
        let (email, name) = (try read("email", String.self), try read("display_name", String.self))
        let message = NotificationText.message(type: notification.type, payload: WebhookFormats.payloadObject(notification))
        let unsubscribe = links.url(publicURL: publicURL, userID: userID)
        try await sender.send(MailMessage(
            to: [try MailAddress(email, name: name)], subject: "MonPS: \(message.title)",
            text: NotificationMail.text(message, settings: publicURL + "/settings", unsubscribe: unsubscribe),
            html: NotificationMail.html(message, settings: publicURL + "/settings", unsubscribe: unsubscribe),
            headers: [
                (name: "List-Unsubscribe", value: "<\(unsubscribe)>"),
                (name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"),
                (name: "X-MonPS-Event-Id", value: notification.id),
            ]))
    }
}

enum NotificationEmailError: Error, CustomStringConvertible {
    case noActiveAccount
    var description: String { "the account is gone or disabled" }
}

/// The bodies of a notification mail (pure).
enum NotificationMail {
    static func text(_ message: NotificationMessage, settings: String, unsubscribe: String) -> String {
        var lines = [message.title, "", message.summary, ""]
        lines += message.fields.map { "\($0.name): \($0.value)" }
        lines += ["", "Notification settings: \(settings)", "Stop these emails: \(unsubscribe)"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func html(_ message: NotificationMessage, settings: String, unsubscribe: String) -> String {
        let escape = WebhookFormats.escapeHTML
        let rows = message.fields.map {
            "<tr><th align=\"left\" style=\"padding:2px 12px 2px 0\">\(escape($0.name))</th><td>\(escape($0.value))</td></tr>"
        }.joined()
        return """
            <!doctype html><html><body style="font-family:sans-serif">
            <h2 style="margin:0 0 8px">\(escape(message.title))</h2>
            <p>\(escape(message.summary))</p>
            <table>\(rows)</table>
            <p style="color:#666;font-size:12px"><a href="\(escape(settings))">Notification settings</a> ·
            <a href="\(escape(unsubscribe))">Stop these emails</a></p>
            </body></html>
            """
    }
}
