import Foundation
import PostgresNIO

/// The SQL of the exports. Every column is written by PostgreSQL, as text for CSV or as one JSON object per row, so
/// Swift only copies bytes; timestamps are UTC with microseconds, money integer minor units. Read through an
/// `ExportCursor` (the guarded, lease-bounded connection every statement uses).
struct Exporters: Sendable {
    let database: Database

    /// A column of an export: its name and the SQL expression of its value (aliases `b` bets, `r` bankrolls,
    /// `x` ledger entries).
    typealias Column = (name: String, sql: String)

    static func timestamp(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    }

    static let betColumns: [Column] = [
        ("id", "b.id"), ("bankroll_id", "b.bankroll_id"), ("currency", "r.currency"),
        ("placed_at", timestamp("b.placed_at")), ("status", "b.status"), ("sport", "b.sport_key"),
        ("competition", "b.competition"), ("event_id", "b.event_id"), ("event_description", "b.event_description"),
        ("market", "b.market"), ("selection", "b.selection"), ("point", "b.point"), ("bookmaker", "b.bookmaker"),
        ("odds", "b.odds"), ("stake", "b.stake"), ("potential_return", "b.potential_return"),
        ("settled_at", timestamp("b.settled_at")), ("payout", "b.payout"), ("profit", "b.profit"),
        ("closing_odds", "b.closing_odds"), ("sharp_closing_odds", "b.sharp_closing_odds"),
        ("fair_closing_odds", "b.fair_closing_odds"), ("clv", "b.clv"), ("beat_close", "b.beat_close"),
        ("opportunity_id", "b.opportunity_id"), ("agent", "b.agent"), ("edge_at_placement", "b.edge_at_placement"),
        ("fair_probability", "b.fair_probability"), ("suggested_kelly_fraction", "b.suggested_kelly_fraction"),
        ("kelly_fraction_used", "b.kelly_fraction_used"), ("tags", "b.tags"), ("notes", "b.notes"),
        ("source", "b.source"), ("is_live", "b.is_live"), ("created_at", timestamp("b.created_at")),
        ("updated_at", timestamp("b.updated_at")), ("version", "b.version"),
    ]

    static let ledgerColumns: [Column] = [
        ("id", "x.id"), ("bankroll_id", "x.bankroll_id"), ("currency", "r.currency"), ("kind", "x.kind"),
        ("amount", "x.amount"), ("balance_after", "x.balance_after"), ("bet_id", "x.bet_id"),
        ("caused_by", "x.caused_by"), ("note", "x.note"), ("created_by", "x.created_by"),
        ("created_at", timestamp("x.created_at")),
    ]

    /// `expr::text AS name, …` (tags as `a;b`), or `json_build_object('name', expr, …)::text AS line`.
    static func select(_ columns: [Column], format: ExportFormat) -> String {
        switch format {
        case .csv:
            return columns.map { column in
                column.name == "tags" ? "array_to_string(\(column.sql), ';') AS tags" : "(\(column.sql))::text AS \(column.name)"
            }.joined(separator: ", ")
        case .json, .ndjson:
            return "json_build_object(" + columns.map { "'\($0.name)', \($0.sql)" }.joined(separator: ", ") + ")::text AS line"
        }
    }

    /// The owner's bets matching `filter` (pending and cancelled included unless `status` says otherwise), oldest first.
    func bets(owner: UUID, filter: AnalyticsFilter, format: ExportFormat) async throws -> ExportStream {
        try await ExportStream.open(
            database,
            query: """
                SELECT \(unescaped: Self.select(Self.betColumns, format: format))
                FROM bets b JOIN bankrolls r ON r.id = b.bankroll_id
                WHERE \(bets: filter, owner: owner, currencyColumn: "r.currency")
                ORDER BY b.placed_at, b.id
                """,
            encoder: ExportRowEncoder(format: format, columns: Self.betColumns.map(\.name)))
    }

    /// A bankroll's ledger (the caller checked it is the owner's), oldest entry first.
    func ledger(bankrollID: UUID, owner: UUID, from: Date?, to: Date?, format: ExportFormat) async throws -> ExportStream {
        try await ExportStream.open(
            database,
            query: """
                SELECT \(unescaped: Self.select(Self.ledgerColumns, format: format))
                FROM bankroll_entries x JOIN bankrolls r ON r.id = x.bankroll_id
                WHERE x.bankroll_id = \(bankrollID) AND r.user_id = \(owner)
                  \(and: "x.created_at", ">=", from) \(and: "x.created_at", "<", to)
                ORDER BY x.id
                """,
            encoder: ExportRowEncoder(format: format, columns: Self.ledgerColumns.map(\.name)))
    }
}

