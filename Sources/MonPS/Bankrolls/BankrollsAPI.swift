import Foundation
import MonPSAPI

/// Operations of the `bankrolls` tag. Every lookup is scoped to the caller: another user's bankroll is a 404.
extension APIHandler {
    func listBankrolls(_ input: Operations.ListBankrolls.Input) async throws -> Operations.ListBankrolls.Output {
        let principal = try RequestScope.requirePrincipal()
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let after = try KeysetSQL.position(page.after).map { position throws(APIError) in
            guard let id = UUID(uuidString: position.id) else {
                throw APIError.invalidParameter("cursor", "is not a cursor returned by this API")
            }
            return (position.micros, id)
        }
        let fetched = try await bankrolls.list(
            owner: principal.userID, includeArchived: input.query.includeArchived ?? false, after: after,
            limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.createdMicros), $0.record.id.uuidString.lowercased()] }
        return .ok(.init(body: .json(.init(data: items.map { .init($0.record) }, nextCursor: .init(next)))))
    }

    func createBankroll(_ input: Operations.CreateBankroll.Input) async throws -> Operations.CreateBankroll.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let record = try await bankrolls.create(
            owner: principal.userID, name: body.name, currency: body.currency, initialAmount: body.initialAmount)
        return .created(.init(body: .json(.init(record))))
    }

    func getBankroll(_ input: Operations.GetBankroll.Input) async throws -> Operations.GetBankroll.Output {
        let principal = try RequestScope.requirePrincipal()
        let record = try await bankrolls.get(id: try UUID.parameter(input.path.id), owner: principal.userID)
        return .ok(.init(body: .json(.init(record))))
    }

    func updateBankroll(_ input: Operations.UpdateBankroll.Input) async throws -> Operations.UpdateBankroll.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let id = try UUID.parameter(input.path.id)
        let record = try await bankrolls.update(id: id, owner: principal.userID, name: body.name, archived: body.archived)
        return .ok(.init(body: .json(.init(record))))
    }

    func listBankrollTransactions(_ input: Operations.ListBankrollTransactions.Input) async throws
        -> Operations.ListBankrollTransactions.Output
    {
        let principal = try RequestScope.requirePrincipal()
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let before = try page.afterID()
        let fetched = try await bankrolls.entries(
            bankrollID: try UUID.parameter(input.path.id), owner: principal.userID,
            kind: try input.query.kind?.bridged(), beforeID: before, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.id)] }
        return .ok(.init(body: .json(.init(data: try items.map(Components.Schemas.LedgerEntry.init), nextCursor: .init(next)))))
    }

    func createBankrollTransaction(_ input: Operations.CreateBankrollTransaction.Input) async throws
        -> Operations.CreateBankrollTransaction.Output
    {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let id = try UUID.parameter(input.path.id)
        let kind = try body.kind.bridged(BankrollTransaction.Kind.self)
        let transaction = try BankrollTransaction(kind: kind, amount: body.amount, note: body.note)
        let entry = try await bankrolls.post(transaction, bankrollID: id, actor: principal.userID, context: .current)
        return .created(.init(body: .json(try .init(entry))))
    }
}

extension Components.Schemas.Bankroll {
    init(_ record: BankrollRecord) {
        self.init(
            id: record.id.uuidString.lowercased(), name: record.name, currency: record.currency,
            initialAmount: record.initialAmount, balance: record.balance, pendingStakes: record.pendingStakes,
            archived: record.archived, createdAt: record.createdAt, updatedAt: record.updatedAt)
    }
}

extension Components.Schemas.LedgerEntry {
    init(_ entry: LedgerEntryRecord) throws {
        let kind: Components.Schemas.LedgerKind = try entry.kind.bridged(), cause: CausedByPayload = try entry.cause.bridged()
        self.init(
            id: entry.id, bankrollId: entry.bankrollID.uuidString.lowercased(), kind: kind, amount: entry.amount,
            balanceAfter: entry.balanceAfter, betId: entry.betID?.uuidString.lowercased(), causedBy: cause, note: entry.note,
            createdBy: entry.createdBy?.uuidString.lowercased(), createdAt: entry.createdAt)
    }
}
