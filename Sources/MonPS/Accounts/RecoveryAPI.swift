import Foundation
import MonPSAPI

/// Password reset and email verification (`auth` tag). Requests for a mail answer 202 at once, the same whether or
/// not the address has an account: the work happens in `AccountMailer`, after the answer.
extension APIHandler {
    func requestPasswordReset(_ input: Operations.RequestPasswordReset.Input) async throws -> Operations.RequestPasswordReset.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        auth.mailer.requestPasswordReset(email: body.email, context: .current)
        return .accepted(.init())
    }

    func confirmPasswordReset(_ input: Operations.ConfirmPasswordReset.Input) async throws -> Operations.ConfirmPasswordReset.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        try await auth.identity.resetPassword(token: body.token, newPassword: body.newPassword, context: .current)
        return .noContent(.init())
    }

    func verifyEmail(_ input: Operations.VerifyEmail.Input) async throws -> Operations.VerifyEmail.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        try await auth.identity.verifyEmail(token: body.token, context: .current)
        return .noContent(.init())
    }

    func resendVerificationEmail(_ input: Operations.ResendVerificationEmail.Input) async throws
        -> Operations.ResendVerificationEmail.Output
    {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        auth.mailer.requestVerification(email: body.email)
        return .accepted(.init())
    }
}
