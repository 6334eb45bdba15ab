/// Turns the JSON form of the contract's schemas into `SchemaRule`s, resolving local `$ref`s and merging `allOf`.
/// Runs at start-up only; a keyword it does not know is an error, so that the contract cannot grow a constraint the
/// boundary silently ignores.
struct SchemaCompiler {
    enum CompileError: Error, CustomStringConvertible {
        case unsupported(String, at: String)
        case badReference(String)

        var description: String {
            switch self {
            case .unsupported(let keyword, let path): "the contract uses `\(keyword)` at \(path), which the validation boundary does not implement"
            case .badReference(let ref): "the contract refers to \(ref), which it does not define"
            }
        }
    }

    let document: [String: StrictJSON.Value]
    private var resolved: [String: SchemaRule] = [:]

    init(document: [String: StrictJSON.Value]) { self.document = document }

    /// Keywords that document a schema without constraining requests (or constrain only responses).
    private static let annotations: Set<String> = [
        "description", "title", "examples", "example", "default", "readOnly", "writeOnly", "deprecated", "$comment",
        "contentMediaType", "discriminator", "x-monps-scope",
    ]

    mutating func compile(_ schema: StrictJSON.Value, at path: String, depth: Int = 0) throws -> SchemaRule {
        guard depth < 64 else { throw CompileError.unsupported("recursive $ref", at: path) }
        guard case .object(let keywords) = schema else {
            if case .bool(true) = schema { return SchemaRule() }
            throw CompileError.unsupported("non-object schema", at: path)
        }
        if case .string(let ref)? = keywords["$ref"] {
            if let cached = resolved[ref] { return cached }
            let rule = try compile(try lookUp(ref), at: ref, depth: depth + 1)
            resolved[ref] = rule
            return rule
        }
        var rule = SchemaRule()
        for (keyword, value) in keywords {
            switch keyword {
            case "type": rule.types = try Self.types(value, at: path)
            case "enum":
                guard case .array(let values) = value else { throw CompileError.unsupported("enum", at: path) }
                rule.enumValues = values
            case "const": rule.enumValues = [value]
            case "format":
                // Formats the boundary does not know (none today) are annotations, as JSON Schema 2020-12 allows.
                if case .string(let name) = value { rule.format = SchemaRule.Format(rawValue: name) }
            case "minLength": rule.minLength = try Self.integer(value, keyword, at: path)
            case "maxLength": rule.maxLength = try Self.integer(value, keyword, at: path)
            case "pattern":
                guard case .string(let source) = value else { throw CompileError.unsupported(keyword, at: path) }
                rule.pattern = try StringPattern(source)
            case "minimum": rule.minimum = try Self.number(value, keyword, at: path)
            case "maximum": rule.maximum = try Self.number(value, keyword, at: path)
            case "exclusiveMinimum": rule.exclusiveMinimum = try Self.number(value, keyword, at: path)
            case "exclusiveMaximum": rule.exclusiveMaximum = try Self.number(value, keyword, at: path)
            case "minItems": rule.minItems = try Self.integer(value, keyword, at: path)
            case "maxItems": rule.maxItems = try Self.integer(value, keyword, at: path)
            case "uniqueItems": rule.uniqueItems = value == .bool(true)
            case "minProperties": rule.minProperties = try Self.integer(value, keyword, at: path)
            case "maxProperties": rule.maxProperties = try Self.integer(value, keyword, at: path)
            case "items": rule.items = try compile(value, at: path + "/items", depth: depth + 1)
            case "required":
                guard case .array(let names) = value else { throw CompileError.unsupported(keyword, at: path) }
                rule.required = names.compactMap(\.string)
            case "properties":
                guard case .object(let members) = value else { throw CompileError.unsupported(keyword, at: path) }
                for (name, member) in members {
                    rule.properties[name] = try compile(member, at: path + "/properties/" + name, depth: depth + 1)
                }
            case "additionalProperties":
                switch value {
                case .bool(false): rule.additional = .forbidden
                case .bool(true): rule.additional = .allowed
                default: rule.additional = .rule(try compile(value, at: path + "/additionalProperties", depth: depth + 1))
                }
            case "allOf":
                guard case .array(let members) = value else { throw CompileError.unsupported(keyword, at: path) }
                rule.allOf = try members.enumerated().map { index, member in
                    try compile(member, at: path + "/allOf/\(index)", depth: depth + 1)
                }
            case _ where Self.annotations.contains(keyword) || keyword.hasPrefix("x-"):
                break
            default:
                throw CompileError.unsupported(keyword, at: path)
            }
        }
        return rule
    }

    /// `#/components/schemas/Name` (or any other local JSON pointer) in the document.
    func lookUp(_ ref: String) throws -> StrictJSON.Value {
        guard ref.hasPrefix("#/") else { throw CompileError.badReference(ref) }
        var node = StrictJSON.Value.object(document)
        for token in ref.dropFirst(2).split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard case .object(let members) = node, let next = members[key] else { throw CompileError.badReference(ref) }
            node = next
        }
        return node
    }

    /// A `$ref`'d object (parameter, request body) itself, or the value when it is not a reference.
    func dereference(_ value: StrictJSON.Value) throws -> [String: StrictJSON.Value] {
        var value = value
        for _ in 0..<8 {
            guard case .object(let members) = value else { break }
            guard case .string(let ref)? = members["$ref"] else { return members }
            value = try lookUp(ref)
        }
        throw CompileError.badReference("a non-object or over-long $ref chain")
    }

    private static func types(_ value: StrictJSON.Value, at path: String) throws -> SchemaRule.Types {
        let names: [String]
        switch value {
        case .string(let name): names = [name]
        case .array(let values): names = values.compactMap(\.string)
        default: throw CompileError.unsupported("type", at: path)
        }
        var types: SchemaRule.Types = []
        for name in names {
            switch name {
            case "string": types.insert(.string)
            case "integer": types.insert(.integer)
            case "number": types.insert([.number, .integer])
            case "boolean": types.insert(.boolean)
            case "object": types.insert(.object)
            case "array": types.insert(.array)
            case "null": types.insert(.null)
            default: throw CompileError.unsupported("type \(name)", at: path)
            }
        }
        return types
    }

    private static func integer(_ value: StrictJSON.Value, _ keyword: String, at path: String) throws -> Int {
        guard let int = value.int64 else { throw CompileError.unsupported(keyword, at: path) }
        return Int(int)
    }

    private static func number(_ value: StrictJSON.Value, _ keyword: String, at path: String) throws -> Double {
        guard case .number(let literal) = value, let number = Double(literal) else { throw CompileError.unsupported(keyword, at: path) }
        return number
    }
}
