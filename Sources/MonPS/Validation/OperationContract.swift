import Foundation

/// What the contract requires of one operation's request: its path and query parameters and its JSON body, as
/// compiled `SchemaRule`s.
struct OperationContract: Sendable {
    struct Parameter: Sendable {
        enum Location: String, Sendable { case path, query }

        var name: String
        var location: Location
        var required: Bool
        var rule: SchemaRule
        /// How a text value is read before the rule sees it (query and path values are strings on the wire).
        var scalar: SchemaRule.Types
    }

    struct Body: Sendable {
        var required: Bool
        var rule: SchemaRule
    }

    var parameters: [Parameter] = []
    /// Query parameters by name, for a lookup per received pair.
    var queryIndex: [String: Int] = [:]
    /// The `application/json` body, when the operation takes one.
    var jsonBody: Body?

    var hasQueryParameters: Bool { !queryIndex.isEmpty }
}

/// Every operation's `OperationContract`, keyed as the router names its routes (`GET /v1/tokens/{id}`), built from the
/// bundled OpenAPI document once at start-up.
struct ContractTable: Sendable {
    /// Route path, then method: two lookups of strings the request already holds, nothing concatenated per request.
    private var operations: [String: [String: OperationContract]] = [:]

    init(document: OpenAPIDocument) throws {
        guard case .object(let root) = try StrictJSON.parse(document.json, maxDepth: 256),
            case .object(let paths)? = root["paths"]
        else { throw OpenAPIDocumentError.unreadable }
        var compiler = SchemaCompiler(document: root)
        for (path, item) in paths {
            let pathItem = try compiler.dereference(item)
            let shared = pathItem["parameters"]
            for (method, value) in pathItem {
                guard ["get", "put", "post", "patch", "delete"].contains(method),
                    case .object(let operation) = value
                else { continue }
                let context = "\(method.uppercased()) \(path)"
                var contract = OperationContract()
                for list in [shared, operation["parameters"]] {
                    guard case .array(let entries)? = list else { continue }
                    for entry in entries {
                        try Self.add(parameter: try compiler.dereference(entry), to: &contract, compiler: &compiler, context: context)
                    }
                }
                if let body = operation["requestBody"] {
                    let requestBody = try compiler.dereference(body)
                    if case .object(let content)? = requestBody["content"], case .object(let json)? = content["application/json"],
                        let schema = json["schema"]
                    {
                        contract.jsonBody = OperationContract.Body(
                            required: requestBody["required"] == .bool(true),
                            rule: try compiler.compile(schema, at: context + " body"))
                    }
                }
                operations[path, default: [:]][method.uppercased()] = contract
            }
        }
    }

    private static func add(
        parameter: [String: StrictJSON.Value], to contract: inout OperationContract, compiler: inout SchemaCompiler,
        context: String
    ) throws {
        guard let name = parameter["name"]?.string, let locationName = parameter["in"]?.string else {
            throw SchemaCompiler.CompileError.unsupported("parameter without name or in", at: context)
        }
        guard let location = OperationContract.Parameter.Location(rawValue: locationName) else {
            // Header and cookie parameters would need their own reading; the contract has none.
            throw SchemaCompiler.CompileError.unsupported("\(locationName) parameter \(name)", at: context)
        }
        let rule = try compiler.compile(parameter["schema"] ?? .object([:]), at: "\(context) \(name)")
        // A parameter is one scalar here; arrays and objects in the query would need the style rules of OpenAPI.
        let scalars: SchemaRule.Types = [.string, .integer, .number, .boolean]
        guard rule.types.isSubset(of: scalars) || rule.types == .any else {
            throw SchemaCompiler.CompileError.unsupported("non-scalar parameter \(name)", at: context)
        }
        contract.parameters.append(
            OperationContract.Parameter(
                name: name, location: location, required: parameter["required"] == .bool(true) || location == .path,
                rule: rule, scalar: rule.types == .any ? .string : rule.types))
        if location == .query { contract.queryIndex[name] = contract.parameters.count - 1 }
    }

    /// The contract of the route Hummingbird matched; `HEAD` is served by the `GET` handler, under its contract.
    func contract(method: String, routePath: String) -> OperationContract? {
        operations[routePath]?[method == "HEAD" ? "GET" : method]
    }
}
