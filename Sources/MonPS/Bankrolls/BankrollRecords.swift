import Foundation

/// A bankroll as stored, with the stakes of its pending bets.
struct BankrollRecord: Sendable, Equatable {
    var id: UUID
    var ownerID: UUID
    var name: String
    var currency: String
    var initialAmount: Int64
    /// The last ledger entry's `balance_after`.
    var balance: Int64
    var pendingStakes: Int64
    var archived: Bool
    var createdAt: Date
    var updatedAt: Date
}

/// What a ledger entry records.
enum LedgerKind: String, Sendable, CaseIterable, Codable {
    case deposit, withdrawal, stake, payout, refund, correction
}

/// Who or what caused a ledger entry.
enum LedgerCause: String, Sendable, CaseIterable, Codable {
    case user, bet, settlement, correction
}

/// One entry of a bankroll's append-only ledger.
struct LedgerEntryRecord: Sendable, Equatable {
    var id: Int64
    var bankrollID: UUID
    var kind: LedgerKind
    /// Signed minor units.
    var amount: Int64
    var balanceAfter: Int64
    var betID: UUID?
    var cause: LedgerCause
    var note: String?
    var createdBy: UUID?
    var createdAt: Date
}

/// A movement to append to a ledger.
struct LedgerPosting: Sendable, Equatable {
    var kind: LedgerKind
    var amount: Int64
    var betID: UUID?
    var cause: LedgerCause
    var note: String?
    var createdBy: UUID?
}

extension LedgerPosting {
    /// The balance this posting leaves after `balance`. A ledger never goes below zero (a stake, withdrawal or
    /// negative correction the balance cannot cover is refused) nor past what an `Int64` holds.
    func balance(after balance: Int64) throws(BettingError) -> Int64 {
        let (after, overflow) = balance.addingReportingOverflow(amount)
        guard !overflow else { throw .validation(field: "amount", message: "is too large") }
        guard after >= 0 else { throw .insufficientFunds(balance: balance, needed: -amount) }
        return after
    }
}

/// A user-initiated transaction (`POST /v1/bankrolls/{id}/transactions`), validated.
struct BankrollTransaction: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable { case deposit, withdrawal, correction }
    var kind: Kind
    /// Signed, as it goes into the ledger.
    var amount: Int64
    var note: String?

    static let maximumAmount: Int64 = 1_000_000_000_000_000  // 10¹⁵ minor units: far above any real bankroll.

    /// `amount` as the client sends it: positive for deposits and withdrawals, signed for corrections.
    init(kind: Kind, amount: Int64, note: String?) throws(BettingError) {
        let note = try BettingText.optionalText(note, field: "note", maximum: 500)
        switch kind {
        case .deposit, .withdrawal:
            guard amount > 0 else { throw .validation(field: "amount", message: "must be greater than 0") }
        case .correction:
            guard amount != 0 else { throw .validation(field: "amount", message: "must not be 0") }
            guard note != nil else { throw .validation(field: "note", message: "is required for a correction") }
        }
        guard amount.magnitude <= UInt64(Self.maximumAmount) else {
            throw .validation(field: "amount", message: "must be at most \(Self.maximumAmount) in magnitude")
        }
        self.kind = kind
        self.amount = kind == .withdrawal ? -amount : amount
        self.note = note
    }

    var posting: (kind: LedgerKind, cause: LedgerCause) {
        switch kind {
        case .deposit: (.deposit, .user)
        case .withdrawal: (.withdrawal, .user)
        case .correction: (.correction, .correction)
        }
    }
}

/// Validation of the names, codes and free texts of this feature.
enum BettingText {
    /// A bankroll name: trimmed, 1–100 characters, no control characters.
    static func bankrollName(_ raw: String) throws(BettingError) -> String {
        do {
            return try IdentityText.label(raw, field: "name", maximum: 100)
        } catch {
            if case .validation(let field, let message) = error { throw .validation(field: field, message: message) }
            throw .validation(field: "name", message: "is not acceptable")
        }
    }

    /// An ISO 4217 code: three letters (upper-cased), a code Foundation knows.
    static func currency(_ raw: String) throws(BettingError) -> String {
        let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
        guard code.count == 3, code.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }),
            Locale.Currency.isoCurrencies.contains(where: { $0.identifier == code })
        else { throw .validation(field: "currency", message: "must be an ISO 4217 currency code such as EUR") }
        return code
    }

    /// Optional free text: trimmed, empty → nil, at most `maximum` characters, no control characters but newlines.
    static func optionalText(_ raw: String?, field: String, maximum: Int) throws(BettingError) -> String? {
        guard let raw else { return nil }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        guard text.count <= maximum else { throw .validation(field: field, message: "must be at most \(maximum) characters") }
        guard !text.unicodeScalars.contains(where: { $0 != "\n" && $0 != "\t" && IdentityText.isControl($0) }) else {
            throw .validation(field: field, message: "must not contain control characters")
        }
        return text
    }
}
