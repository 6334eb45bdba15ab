import Foundation
import OpenAPIRuntime
import Yams

/// Free-form JSON as the runtime's `OpenAPIObjectContainer`, without `JSONDecoder`.
///
/// The container's `Decodable` conformance finds each value's type by trial (Bool, then Int, then Double, then
/// String…), throwing and catching an error per miss: tens of thousands of throws for the OpenAPI document. Under
/// Swift Testing every throw also records a backtrace, which kept both cooperative threads of a 2-core machine
/// busy for minutes while the rest of the suite starved. Building the container from an already parsed tree
/// throws nothing.
enum OpenAPIValueTree {
    /// `value` as loaded by Yams (JSON is YAML), with non-string keys written out.
    static func sendable(_ value: Any) -> (any Sendable)? {
        switch value {
        case let dictionary as [AnyHashable: Any]:
            var result: [String: (any Sendable)?] = [:]
            for (key, element) in dictionary { result["\(key.base)"] = sendable(element) }
            return result
        case let array as [Any]: return array.map(sendable)
        case let text as String: return text
        case let flag as Bool: return flag
        case let integer as Int: return integer
        case let number as Double: return number
        default: return nil  // null
        }
    }

    /// A JSON object's text as a container.
    static func object(json: String) throws -> OpenAPIObjectContainer {
        guard let tree = try Yams.load(yaml: json), let object = sendable(tree) as? [String: (any Sendable)?] else {
            throw OpenAPIValueTreeError.notAnObject
        }
        return try OpenAPIObjectContainer(unvalidatedValue: object)
    }

    /// An already loaded tree (its root an object) as a container.
    static func object(tree: Any) throws -> OpenAPIObjectContainer {
        guard let object = sendable(tree) as? [String: (any Sendable)?] else { throw OpenAPIValueTreeError.notAnObject }
        return try OpenAPIObjectContainer(unvalidatedValue: object)
    }
}

enum OpenAPIValueTreeError: Error, CustomStringConvertible {
    case notAnObject
    var description: String { "the JSON is not an object" }
}
