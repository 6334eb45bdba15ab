import Foundation

/// Sends one notification by email to its user. The SMTP implementation is written elsewhere and plugged in
/// (`DeliveryWorker.mailer`); until one is, the worker leaves `email` deliveries pending and never claims
/// them, so they wait rather than burn their attempts.
protocol NotificationMailer: Sendable {
    /// Returns once the mail server accepted the message; throws otherwise (the delivery is retried).
    func send(_ notification: OutgoingNotification, to userID: UUID) async throws
}
