// The common pages of GET /v1/opportunities written from the stored list entries (`OpportunityListingStore`).

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A page of active opportunities as their stored list entries (`ListingColumns`).
struct OpportunityListingPage: Sendable {
    /// The sort keys of an opportunity (what a next cursor is made of).
    struct Keys: Sendable, Equatable {
        var id: UUID
        var score: Double
        var edge: Double
        var startsAt: Date
    }

    /// Rows found: the page's, plus one when there is a next page.
    var fetched: Int
    /// Rows of the page without an entry (written while they were not active).
    var unlisted: Int
    /// The entries (the JSON of the OpenAPI `Opportunity` schema) joined with commas, in order; nil for no rows.
    var entries: ByteBuffer?
    /// The sort keys of the page's last row.
    var last: Keys?
}

/// Serves `GET /v1/opportunities` filtered by nothing but the sport, in any order, with or without a cursor and a
/// limit — the shape clients poll — by joining the page's stored entries into the `OpportunityPage` envelope.
///
/// Why: the generated handler decodes twenty columns per row and re-encodes them with Foundation's `JSONEncoder`, about
/// 2 CPU ms per page of 50, most of an uncached request. The entries are that encoder's output for each row, written
/// ahead (tests compare the two paths' pages byte for byte), so the generated route stays the contract and the reference:
/// every other request — other filters, values needing percent-decoding, invalid values (its 400s), `HEAD` — and
/// any page with a row lacking its entry goes to it. Runs after authentication, rate limiting and the response cache.
struct OpportunityListingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let repository: PostgresOpportunityRepository

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get, let query = OpportunityListingQuery(request.uri.query),
            let fetched = try await repository.listing(query.filter, after: query.after, limit: query.page.limit + 1),
            let body = Self.page(fetched, request: query)
        else { return try await next(request, context) }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: body))
    }

    /// `{"data":[entries…],"next_cursor":…}` (the envelope's keys in the generated encoder's sorted order); nil when an
    /// entry is missing.
    static func page(_ fetched: OpportunityListingPage, request: OpportunityListingQuery) -> ByteBuffer? {
        guard fetched.unlisted == 0 else { return nil }
        var next: String?
        if fetched.fetched > request.page.limit {
            guard let last = fetched.last else { return nil }
            next = PageCursor.encode(
                request.filter.sort.cursorKey(score: last.score, edge: last.edge, startsAt: last.startsAt, id: last.id))
        }
        var body = ByteBuffer()
        body.reserveCapacity(48 + (fetched.entries?.readableBytes ?? 0) + (next?.utf8.count ?? 0))
        body.writeStaticString(#"{"data":["#)
        if let entries = fetched.entries { body.writeImmutableBuffer(entries) }
        body.writeStaticString(#"],"next_cursor":"#)
        if let next {
            // A cursor is base64url: nothing in it needs escaping in a JSON string.
            body.writeStaticString("\"")
            body.writeString(next)
            body.writeStaticString("\"")
        } else {
            body.writeStaticString("null")
        }
        body.writeStaticString("}")
        return body
    }
}

/// A list request the stored entries can answer: `sport`, `sort`, `limit` and `cursor`, each at most once, with
/// non-empty values of URL-unreserved characters (so nothing to percent-decode), all valid. Nil for anything else.
struct OpportunityListingQuery {
    var filter = OpportunityFilter()
    var page: PageRequest
    var after: (value: Double, id: UUID)?

    init?(_ query: String?) {
        var values: [Substring: Substring] = [:]
        let text = query ?? ""
        for pair in text.isEmpty ? [] : text.split(separator: "&", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, ["sport", "sort", "limit", "cursor"].contains(parts[0]), values[parts[0]] == nil,
                !parts[1].isEmpty, parts[1].utf8.allSatisfy(URICharacters.isUnreserved)
            else { return nil }
            values[parts[0]] = parts[1]
        }
        var limit: Int?
        if let text = values["limit"] {
            guard text.utf8.count <= 3, let value = Int(text) else { return nil }
            limit = value
        }
        if let sort = values["sort"] {
            guard let value = OpportunityFilter.Sort(rawValue: String(sort)) else { return nil }
            filter.sort = value
        }
        filter.sport = values["sport"].map(String.init)
        guard let page = try? PageRequest(limit: limit, cursor: values["cursor"].map(String.init)) else { return nil }
        self.page = page
        if let keys = page.after {
            guard let after = try? OpportunityFilter.Sort.keyset(keys) else { return nil }
            self.after = after
        }
    }
}
