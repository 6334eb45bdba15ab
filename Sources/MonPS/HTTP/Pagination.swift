import Foundation

/// The list convention of the whole API: `limit` (1–200, default 50) and an opaque `cursor` that encodes
/// the sort key of the last item returned (keyset pagination, stable under inserts).
struct PageRequest: Sendable, Equatable {
    static let defaultLimit = 50
    static let maximumLimit = 200

    var limit: Int
    /// The sort-key values of the last item of the previous page, if any.
    var after: [String]?

    /// The id a page keyed by one increasing id resumes from (`[String(id)]` cursors); nil on the first page.
    func afterID() throws(APIError) -> Int64? {
        try after.map { values throws(APIError) in
            guard values.count == 1, let id = Int64(values[0]) else {
                throw APIError.invalidParameter("cursor", "is not a cursor returned by this API")
            }
            return id
        }
    }

    init(limit: Int?, cursor: String?) throws(APIError) {
        let limit = limit ?? Self.defaultLimit
        guard (1...Self.maximumLimit).contains(limit) else {
            throw .invalidParameter("limit", "must be between 1 and \(Self.maximumLimit), got \(limit)")
        }
        self.limit = limit
        self.after = try cursor.map { cursor throws(APIError) in try PageCursor.decode(cursor) }
    }

    /// Given up to `limit + 1` fetched items, the page to return and the cursor of the next one.
    func page<Item>(_ fetched: [Item], key: (Item) -> [String]) -> (items: [Item], nextCursor: String?) {
        guard fetched.count > limit else { return (fetched, nil) }
        let items = Array(fetched.prefix(limit))
        return (items, items.last.map { PageCursor.encode(key($0)) })
    }
}

enum PageCursor {
    private static let version = "v1"

    static func encode(_ values: [String]) -> String {
        let payload = (try? JSONEncoder().encode([version] + values)) ?? Data()
        return payload.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) throws(APIError) -> [String] {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard cursor.count <= 512, let data = Data(base64Encoded: base64),
            let values = try? JSONDecoder().decode([String].self, from: data), values.first == version,
            values.count > 1
        else { throw .invalidParameter("cursor", "is not a cursor returned by this API") }
        return Array(values.dropFirst())
    }
}
