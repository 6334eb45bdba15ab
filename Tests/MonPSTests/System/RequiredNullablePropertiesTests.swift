import Foundation
import Testing
@testable import MonPS

/// The generated types leave an optional property out of the JSON when it is nil. A property the contract marks
/// required and nullable must therefore reference one of the `Nullable…` schemas (or `NextCursor`), whose Swift types
/// always write the key, `null` included; an inline `type: [x, "null"]` would be left out and break the contract.
@Suite("Required nullable properties are always written")
struct RequiredNullablePropertiesTests {
    @Test func everyRequiredNullablePropertyUsesAnAlwaysWrittenType() throws {
        let document = try OpenAPIDocument.bundled()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(document.json)) as? [String: Any])
        var offenders: [String] = []
        var checked = 0
        func walk(_ node: Any, at path: String) {
            if let list = node as? [Any] {
                for (index, item) in list.enumerated() { walk(item, at: "\(path)[\(index)]") }
                return
            }
            guard let object = node as? [String: Any] else { return }
            if let properties = object["properties"] as? [String: Any], let required = object["required"] as? [String] {
                for name in required {
                    guard let property = properties[name] as? [String: Any] else { continue }
                    if let types = property["type"] as? [String], types.contains("null") {
                        offenders.append("\(path)/properties/\(name)")
                    }
                    if property["$ref"] is String { checked += 1 }
                }
            }
            for (key, value) in object { walk(value, at: "\(path)/\(key)") }
        }
        walk(root, at: "#")
        #expect(offenders.isEmpty, "required, nullable and written inline (left out when nil): \(offenders.sorted())")
        #expect(checked > 0)
        // The always-written schemas are the ones the generator's type overrides replace.
        let schemas = try #require((root["components"] as? [String: Any])?["schemas"] as? [String: Any])
        for name in ["NextCursor", "NullableText", "NullableUUID", "NullableDateTime", "NullableInteger"] {
            #expect(schemas[name] != nil, "\(name) is missing from the spec")
        }
    }
}
