import Foundation

// Lenient wire types of The Odds API v4 JSON. Every field is decoded on its own and remembers
// whether it was absent, of the wrong type or usable, so one malformed value never fails its
// array: the mappers turn the bad ones into issues. Unknown fields are never decoded.
//
// Documented shapes (decimal odds, ISO dates):
//   odds:   [{id, sport_key, sport_title, commence_time, home_team, away_team,
//             bookmakers: [{key, title, last_update, markets: [{key, last_update,
//                           outcomes: [{name, price, point?}]}]}]}]
//   events: the same without `bookmakers`
//   scores: [{id, sport_key, sport_title, commence_time, completed, home_team, away_team,
//             scores: [{name, score: "3"}] | null, last_update: ISO | null}]
//   sports: [{key, group, title, description, active, has_outrights}]
//   errors: {message, error_code, details_url}

/// One JSON value of the expected type, or what went wrong with it.
enum OddsAPIField<Value> {
    /// Missing key or JSON `null`.
    case absent
    /// Present with another type (or a number that does not fit, e.g. `1e400`).
    case invalid
    case value(Value)

    var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}

extension KeyedDecodingContainer {
    func oddsAPIField<Value: Decodable>(_ type: Value.Type, _ key: Key) -> OddsAPIField<Value> {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return .absent }
        if let value = try? decode(Value.self, forKey: key) { return .value(value) }
        return .invalid
    }
}

/// An array element that is `nil` when it does not decode (e.g. a string where an object belongs).
struct OddsAPILenient<Wrapped: Decodable>: Decodable {
    var value: Wrapped?
    init(from decoder: any Decoder) throws { value = try? Wrapped(from: decoder) }
}

/// A timestamp as sent with `dateFormat=iso` (string) or `dateFormat=unix` (seconds).
enum OddsAPITimestamp: Decodable {
    case iso(String)
    case unix(Double)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .iso(text)
        } else {
            self = .unix(try container.decode(Double.self))
        }
    }
}

/// A score: the API sends strings (`"3"`); plain integers are tolerated.
enum OddsAPIScoreValue: Decodable {
    case text(String)
    case number(Double)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }
}

struct OddsAPIEventPayload: Decodable {
    var id: OddsAPIField<String>
    var sportTitle: OddsAPIField<String>
    var commenceTime: OddsAPIField<OddsAPITimestamp>
    var homeTeam: OddsAPIField<String>
    var awayTeam: OddsAPIField<String>
    var bookmakers: OddsAPIField<[OddsAPILenient<OddsAPIBookmakerPayload>]>
    var completed: OddsAPIField<Bool>
    var scores: OddsAPIField<[OddsAPILenient<OddsAPIScorePayload>]>
    var lastUpdate: OddsAPIField<OddsAPITimestamp>

    private enum CodingKeys: String, CodingKey {
        case id, completed, scores, bookmakers
        case sportTitle = "sport_title", commenceTime = "commence_time", homeTeam = "home_team"
        case awayTeam = "away_team", lastUpdate = "last_update"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = c.oddsAPIField(String.self, .id)
        sportTitle = c.oddsAPIField(String.self, .sportTitle)
        commenceTime = c.oddsAPIField(OddsAPITimestamp.self, .commenceTime)
        homeTeam = c.oddsAPIField(String.self, .homeTeam)
        awayTeam = c.oddsAPIField(String.self, .awayTeam)
        bookmakers = c.oddsAPIField([OddsAPILenient<OddsAPIBookmakerPayload>].self, .bookmakers)
        completed = c.oddsAPIField(Bool.self, .completed)
        scores = c.oddsAPIField([OddsAPILenient<OddsAPIScorePayload>].self, .scores)
        lastUpdate = c.oddsAPIField(OddsAPITimestamp.self, .lastUpdate)
    }
}

struct OddsAPIBookmakerPayload: Decodable {
    var key: OddsAPIField<String>
    var lastUpdate: OddsAPIField<OddsAPITimestamp>
    var markets: OddsAPIField<[OddsAPILenient<OddsAPIMarketPayload>]>

    private enum CodingKeys: String, CodingKey {
        case key, markets
        case lastUpdate = "last_update"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = c.oddsAPIField(String.self, .key)
        lastUpdate = c.oddsAPIField(OddsAPITimestamp.self, .lastUpdate)
        markets = c.oddsAPIField([OddsAPILenient<OddsAPIMarketPayload>].self, .markets)
    }
}

struct OddsAPIMarketPayload: Decodable {
    var key: OddsAPIField<String>
    var lastUpdate: OddsAPIField<OddsAPITimestamp>
    var outcomes: OddsAPIField<[OddsAPILenient<OddsAPIOutcomePayload>]>

    private enum CodingKeys: String, CodingKey {
        case key, outcomes
        case lastUpdate = "last_update"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = c.oddsAPIField(String.self, .key)
        lastUpdate = c.oddsAPIField(OddsAPITimestamp.self, .lastUpdate)
        outcomes = c.oddsAPIField([OddsAPILenient<OddsAPIOutcomePayload>].self, .outcomes)
    }
}

struct OddsAPIOutcomePayload: Decodable {
    var name: OddsAPIField<String>
    var price: OddsAPIField<Double>
    var point: OddsAPIField<Double>

    private enum CodingKeys: String, CodingKey { case name, price, point }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.oddsAPIField(String.self, .name)
        price = c.oddsAPIField(Double.self, .price)
        point = c.oddsAPIField(Double.self, .point)
    }
}

struct OddsAPIScorePayload: Decodable {
    var name: OddsAPIField<String>
    var score: OddsAPIField<OddsAPIScoreValue>

    private enum CodingKeys: String, CodingKey { case name, score }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.oddsAPIField(String.self, .name)
        score = c.oddsAPIField(OddsAPIScoreValue.self, .score)
    }
}

struct OddsAPISportPayload: Decodable {
    var key: OddsAPIField<String>
    var group: OddsAPIField<String>
    var title: OddsAPIField<String>
    var description: OddsAPIField<String>
    var active: OddsAPIField<Bool>
    var hasOutrights: OddsAPIField<Bool>

    private enum CodingKeys: String, CodingKey {
        case key, group, title, description, active
        case hasOutrights = "has_outrights"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = c.oddsAPIField(String.self, .key)
        group = c.oddsAPIField(String.self, .group)
        title = c.oddsAPIField(String.self, .title)
        description = c.oddsAPIField(String.self, .description)
        active = c.oddsAPIField(Bool.self, .active)
        hasOutrights = c.oddsAPIField(Bool.self, .hasOutrights)
    }
}

/// The API's error body, e.g. `{"message": "...", "error_code": "OUT_OF_USAGE_CREDITS"}`.
struct OddsAPIErrorPayload: Decodable {
    var message: String?
    var errorCode: String?

    private enum CodingKeys: String, CodingKey {
        case message
        case errorCode = "error_code"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        message = c.oddsAPIField(String.self, .message).value
        errorCode = c.oddsAPIField(String.self, .errorCode).value
    }
}

/// Decoding entry points: a whole response is either a JSON array of (lenient) items or an
/// ``OddsAPIError/invalidPayload(_:)``.
enum OddsAPIDecoding {
    static func array<Item: Decodable>(
        of type: Item.Type, from body: [UInt8], redactor: OddsAPIRedactor
    ) throws(OddsAPIError) -> [OddsAPILenient<Item>] {
        let data = Data(body)
        do {
            return try JSONDecoder().decode([OddsAPILenient<Item>].self, from: data)
        } catch {
            // Distinguish "JSON but not an array" (often an error object) from "not JSON".
            if let object = try? JSONDecoder().decode(OddsAPIErrorPayload.self, from: data) {
                let message = object.message.map { " (message: \(redactor.clean($0)))" } ?? ""
                throw .invalidPayload("expected a JSON array, got an object\(message)")
            }
            if (try? JSONDecoder().decode(OddsAPIScoreValue.self, from: data)) != nil
                || (try? JSONDecoder().decode(Bool.self, from: data)) != nil
            {
                throw .invalidPayload("expected a JSON array, got a scalar")
            }
            throw .invalidPayload("not valid JSON (\(body.count) bytes)")
        }
    }

    /// The `message` and `error_code` of an error body, when it is such a JSON object.
    static func errorPayload(from body: [UInt8]) -> OddsAPIErrorPayload? {
        guard !body.isEmpty else { return nil }
        return try? JSONDecoder().decode(OddsAPIErrorPayload.self, from: Data(body))
    }
}
