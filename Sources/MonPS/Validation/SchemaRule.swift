import Foundation

/// One JSON Schema of the contract, compiled once at start-up into the checks it implies (the subset of JSON Schema
/// 2020-12 the document uses: type, enum, pattern, lengths, bounds, items, properties, required, member counts,
/// `additionalProperties`, `allOf` and the formats date-time, uuid, email, int32 and int64).
///
/// Why compiled rather than read from the document per request: the checks run in front of every operation,
/// including lists served thousands of times a second, so nothing here walks YAML, allocates regexes or resolves
/// `$ref`s while a request is served.
struct SchemaRule: Sendable {
    struct Types: OptionSet, Sendable {
        let rawValue: UInt8
        static let string = Types(rawValue: 1 << 0)
        static let integer = Types(rawValue: 1 << 1)
        static let number = Types(rawValue: 1 << 2)
        static let boolean = Types(rawValue: 1 << 3)
        static let object = Types(rawValue: 1 << 4)
        static let array = Types(rawValue: 1 << 5)
        static let null = Types(rawValue: 1 << 6)
        static let any = Types(rawValue: 0x7F)

        var names: String {
            let all: [(Types, String)] = [
                (.string, "string"), (.integer, "integer"), (.number, "number"), (.boolean, "boolean"),
                (.object, "object"), (.array, "array"), (.null, "null"),
            ]
            return all.filter { contains($0.0) }.map(\.1).joined(separator: " or ")
        }
    }

    enum Format: String, Sendable {
        case dateTime = "date-time", uuid, email, int32, int64
    }

    /// Whether an object may carry members its `properties` do not name, and what they must be.
    indirect enum Additional: Sendable {
        case allowed
        case forbidden
        case rule(SchemaRule)
    }

    var types: Types = .any
    var enumValues: [StrictJSON.Value]?
    var format: Format?
    var minLength: Int?
    var maxLength: Int?
    var pattern: StringPattern?
    var minimum: Double?
    var maximum: Double?
    var exclusiveMinimum: Double?
    var exclusiveMaximum: Double?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    /// The rule of array elements, if any (an array: a struct cannot hold itself directly).
    var items: SchemaRule? {
        get { itemRules.first }
        set { itemRules = newValue.map { [$0] } ?? [] }
    }
    private var itemRules: [SchemaRule] = []
    var properties: [String: SchemaRule] = [:]
    var required: [String] = []
    var minProperties: Int?
    var maxProperties: Int?
    var additional: Additional = .allowed
    /// `allOf` members that could not be merged into this rule; each must hold too.
    var allOf: [SchemaRule] = []

    /// Filled by `SchemaCompiler` while it builds the rule; only read afterwards.
    init() {}

    /// A violation of the rule at `field` (`name`, `legs[0].odds`; empty for the whole body).
    struct Issue: Sendable, Equatable {
        var field: String
        var message: String
        /// The value has the wrong shape (type, missing member, unknown member, enum): a malformed request (400),
        /// as opposed to a well-formed one whose values are out of range (422).
        var isStructural: Bool
    }

    func validate(_ value: StrictJSON.Value, at field: String, into issues: inout [Issue]) {
        guard let kind = matchType(value) else {
            issues.append(Issue(field: field, message: "must be of type \(types.names)", isStructural: true))
            return
        }
        if let enumValues, !enumValues.contains(where: { Self.equal($0, value) }) {
            let list = enumValues.map(Self.render).joined(separator: ", ")
            issues.append(Issue(field: field, message: "must be one of \(list)", isStructural: true))
            return
        }
        switch value {
        case .string(let string): checkString(string, at: field, into: &issues)
        case .number(let literal): checkNumber(literal, isInteger: kind == .integer, at: field, into: &issues)
        case .array(let elements): checkArray(elements, at: field, into: &issues)
        case .object(let members): checkObject(members, at: field, into: &issues)
        case .bool, .null: break
        }
        for rule in allOf { rule.validate(value, at: field, into: &issues) }
    }

    /// The JSON type the value counts as under this rule, or nil when the rule does not accept its type.
    private func matchType(_ value: StrictJSON.Value) -> Types? {
        let kind: Types
        switch value {
        case .string: kind = .string
        case .number(let literal): kind = Self.isIntegerLiteral(literal) ? .integer : .number
        case .bool: kind = .boolean
        case .null: kind = .null
        case .array: kind = .array
        case .object: kind = .object
        }
        if types.contains(kind) { return kind }
        // An integer is a number; `number` rules accept it.
        if kind == .integer, types.contains(.number) { return .number }
        return nil
    }

    private func checkString(_ string: String, at field: String, into issues: inout [Issue]) {
        // The contract's rule for all text (PostgreSQL cannot store U+0000: such a value was a 500).
        if string.utf8.contains(0) {
            issues.append(Issue(field: field, message: "must not contain the NUL character (U+0000)", isStructural: false))
        }
        if minLength != nil || maxLength != nil {
            let length = string.unicodeScalars.count
            if let minLength, length < minLength {
                issues.append(Issue(field: field, message: "must be at least \(minLength) characters long", isStructural: false))
            }
            if let maxLength, length > maxLength {
                issues.append(Issue(field: field, message: "must be at most \(maxLength) characters long", isStructural: false))
            }
        }
        if let pattern, !pattern.matches(string) {
            issues.append(Issue(field: field, message: "must match \(pattern.source)", isStructural: false))
        }
        if let format, !Self.conforms(string, to: format) {
            issues.append(Issue(field: field, message: "must be a valid \(format.rawValue)", isStructural: false))
        }
    }

    private func checkNumber(_ literal: String, isInteger: Bool, at field: String, into issues: inout [Issue]) {
        if isInteger, let format, format == .int32 || format == .int64 {
            // `32304.0` is an integer too (JSON Schema counts values, not spellings).
            let value = Int64(literal) ?? Double(literal).flatMap { $0.isFinite && abs($0) < 9.2e18 ? Int64(exactly: $0) : nil }
            let fits = value.map { format == .int64 || Int32(exactly: $0) != nil } ?? false
            if !fits {
                issues.append(Issue(field: field, message: "must fit in a signed \(format == .int64 ? 64 : 32)-bit integer", isStructural: false))
                return
            }
        }
        guard minimum != nil || maximum != nil || exclusiveMinimum != nil || exclusiveMaximum != nil else { return }
        guard let number = Double(literal), number.isFinite else {
            issues.append(Issue(field: field, message: "must be a finite number", isStructural: false))
            return
        }
        if let minimum, number < minimum {
            issues.append(Issue(field: field, message: "must be at least \(Self.render(minimum))", isStructural: false))
        }
        if let maximum, number > maximum {
            issues.append(Issue(field: field, message: "must be at most \(Self.render(maximum))", isStructural: false))
        }
        if let exclusiveMinimum, number <= exclusiveMinimum {
            issues.append(Issue(field: field, message: "must be greater than \(Self.render(exclusiveMinimum))", isStructural: false))
        }
        if let exclusiveMaximum, number >= exclusiveMaximum {
            issues.append(Issue(field: field, message: "must be less than \(Self.render(exclusiveMaximum))", isStructural: false))
        }
    }

    private func checkArray(_ elements: [StrictJSON.Value], at field: String, into issues: inout [Issue]) {
        if let minItems, elements.count < minItems {
            issues.append(Issue(field: field, message: "must have at least \(minItems) items", isStructural: false))
        }
        if let maxItems, elements.count > maxItems {
            issues.append(Issue(field: field, message: "must have at most \(maxItems) items", isStructural: false))
        }
        if uniqueItems {
            outer: for index in elements.indices {
                for other in elements.indices where other > index && Self.equal(elements[index], elements[other]) {
                    issues.append(Issue(field: field, message: "must not repeat items ([\(index)] = [\(other)])", isStructural: false))
                    break outer
                }
            }
        }
        if let items {
            for (index, element) in elements.enumerated() { items.validate(element, at: "\(field)[\(index)]", into: &issues) }
        }
    }

    private func checkObject(_ members: [String: StrictJSON.Value], at field: String, into issues: inout [Issue]) {
        func child(_ name: String) -> String { field.isEmpty ? name : "\(field).\(name)" }
        for name in required where members[name] == nil {
            issues.append(Issue(field: child(name), message: "is required", isStructural: true))
        }
        if let minProperties, members.count < minProperties {
            issues.append(Issue(field: field, message: "must have at least \(minProperties) members", isStructural: false))
        }
        if let maxProperties, members.count > maxProperties {
            issues.append(Issue(field: field, message: "must have at most \(maxProperties) members", isStructural: false))
        }
        // Sorted so that several issues always come in the same order.
        for name in members.keys.sorted() {
            guard let value = members[name] else { continue }
            if let rule = properties[name] {
                rule.validate(value, at: child(name), into: &issues)
                continue
            }
            switch additional {
            case .allowed: break
            case .forbidden: issues.append(Issue(field: child(name), message: "is not a known member", isStructural: true))
            case .rule(let rule): rule.validate(value, at: child(name), into: &issues)
            }
        }
    }
}

extension SchemaRule {
    /// JSON-literal integers: no fraction or exponent, or a fraction of zeros (`2.0` is an integer in JSON Schema).
    static func isIntegerLiteral(_ literal: String) -> Bool {
        if !literal.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            return true
        }
        guard let value = Double(literal) else { return false }
        return value.isFinite && value == value.rounded() && abs(value) < 9.007_199_254_740_992e15
    }

    static func equal(_ lhs: StrictJSON.Value, _ rhs: StrictJSON.Value) -> Bool {
        if case .number(let left) = lhs, case .number(let right) = rhs { return left == right || Double(left) == Double(right) }
        return lhs == rhs
    }

    static func render(_ value: StrictJSON.Value) -> String {
        switch value {
        case .string(let string): string
        case .number(let literal): literal
        case .bool(let bool): String(bool)
        case .null: "null"
        case .array, .object: "(structured value)"
        }
    }

    static func render(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    static func conforms(_ string: String, to format: Format) -> Bool {
        switch format {
        case .uuid: UUID(uuidString: string) != nil && string.utf8.count == 36
        case .dateTime: RFC3339.parse(string) != nil
        case .email: EmailShape.isPlausible(string)
        case .int32, .int64: true  // formats of numbers; a string under them is not checked further
        }
    }
}

/// The shape RFC 5321 requires of an address in a request (`local@domain`, no spaces or controls, within its
/// lengths). Whether the mailbox exists is never the contract's business.
enum EmailShape {
    static func isPlausible(_ string: String) -> Bool {
        let utf8 = string.utf8
        guard utf8.count <= 254, let at = utf8.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = utf8[..<at]
        let domain = utf8[utf8.index(after: at)...]
        guard (1...64).contains(local.count), !domain.isEmpty,
            utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F })
        else { return false }
        return !domain.contains(UInt8(ascii: "@")) && domain.first != UInt8(ascii: ".") && domain.last != UInt8(ascii: ".")
    }
}
