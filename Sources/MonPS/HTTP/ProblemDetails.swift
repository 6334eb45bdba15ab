import Foundation
import HTTPTypes
import Hummingbird

/// The RFC 9457 body every error response carries.
struct ProblemDetails: Encodable, Sendable {
    struct FieldError: Encodable, Sendable {
        var field: String
        var message: String
    }

    var type: String
    var title: String
    var status: Int
    var detail: String?
    var instance: String?
    var requestID: String?
    var errors: [FieldError]?
    /// Extra members a specific problem adds (e.g. readiness `checks`), already JSON-encoded.
    var extensions: [String: JSONFragment] = [:]

    static let mediaType = "application/problem+json"
    static let typeBase = "https://monps.dev/problems/"

    init(_ error: APIError, instance: String?, requestID: String?) {
        self.type = Self.typeBase + error.slug
        self.title = error.title
        self.status = Int(error.status.code)
        self.detail = error.detail
        self.instance = instance
        self.requestID = requestID
        self.errors = error.fieldIssues.isEmpty ? nil : error.fieldIssues.map { .init(field: $0.field, message: $0.message) }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { self.stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(type, forKey: Key("type"))
        try container.encode(title, forKey: Key("title"))
        try container.encode(status, forKey: Key("status"))
        try container.encodeIfPresent(detail, forKey: Key("detail"))
        try container.encodeIfPresent(instance, forKey: Key("instance"))
        try container.encodeIfPresent(requestID, forKey: Key("request_id"))
        try container.encodeIfPresent(errors, forKey: Key("errors"))
        for (name, fragment) in extensions { try container.encode(fragment, forKey: Key(name)) }
    }

    func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data(#"{"title":"Internal server error","status":500}"#.utf8)
        var headers = extra
        headers[.contentType] = Self.mediaType
        headers[.cacheControl] = "no-store"
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Any `Encodable` value, stored encoded, so problems can carry typed extension members.
struct JSONFragment: Encodable, Sendable {
    private let encodeValue: @Sendable (any Encoder) throws -> Void
    init<Value: Encodable & Sendable>(_ value: Value) { self.encodeValue = { try value.encode(to: $0) } }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}
