import Foundation
import OpenAPIRuntime
import Yams

/// The committed OpenAPI document, as shipped in the bundle: served byte for byte as YAML, and as JSON.
struct OpenAPIDocument: Sendable {
    let yaml: [UInt8]
    let json: [UInt8]
    /// The JSON form as the generated `getOpenAPIJSON` response type, decoded once.
    let jsonObject: OpenAPIObjectContainer

    init(yaml: [UInt8]) throws {
        self.yaml = yaml
        guard let text = String(bytes: yaml, encoding: .utf8), let object = try Yams.load(yaml: text) else {
            throw OpenAPIDocumentError.unreadable
        }
        let json = try JSONSerialization.data(withJSONObject: Self.jsonCompatible(object), options: [.sortedKeys])
        self.json = Array(json)
        self.jsonObject = try OpenAPIValueTree.object(tree: object)
    }

    static func bundled() throws -> OpenAPIDocument {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw OpenAPIDocumentError.unreadable
        }
        return try OpenAPIDocument(yaml: Array(try Data(contentsOf: url)))
    }

    /// Every operation of the document, for the tables read from it at start (access rules, cache policies): its
    /// method as written (`get`, `post`, …), its path template and its object.
    func operations() throws -> [(method: String, path: String, operation: [String: Any])] {
        guard let root = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            let paths = root["paths"] as? [String: Any]
        else { throw OpenAPIDocumentError.unreadable }
        return paths.flatMap { path, value in
            ((value as? [String: Any]) ?? [:]).compactMap { method, operation in
                (operation as? [String: Any]).map { (method, path, $0) }
            }
        }
    }

    /// YAML gives integer-keyed maps (response codes such as 200) and non-string scalars; JSON needs string keys.
    private static func jsonCompatible(_ value: Any) -> Any {
        switch value {
        case let dictionary as [AnyHashable: Any]:
            var result: [String: Any] = [:]
            for (key, element) in dictionary { result["\(key.base)"] = jsonCompatible(element) }
            return result
        case let array as [Any]:
            return array.map(jsonCompatible)
        default:
            return value
        }
    }
}

enum OpenAPIDocumentError: Error, CustomStringConvertible {
    case unreadable
    var description: String { "the bundled OpenAPI document is missing or not valid YAML" }
}
