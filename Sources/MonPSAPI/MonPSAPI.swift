import Foundation

// The types and the `APIProtocol` server protocol of this module are generated at build time from
// `openapi.yaml` (a link to `OpenAPI/openapi.yaml`, the single source of truth) by swift-openapi-generator.

/// A required property whose value may be null (`NextCursor`, `NullableText`, `NullableUUID`, `NullableDateTime`,
/// `NullableInteger` in the spec, through `typeOverrides`): always written, as JSON `null` when there is no value,
/// because the generated optional properties are left out of the JSON when nil and clients are promised the key.
public struct Nullable<Wrapped: Codable & Hashable & Sendable>: Codable, Hashable, Sendable {
    public var value: Wrapped?

    public init(_ value: Wrapped?) {
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? nil : try container.decode(Wrapped.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

public typealias NullableString = Nullable<String>
public typealias NullableDate = Nullable<Date>
public typealias NullableInt = Nullable<Int>
