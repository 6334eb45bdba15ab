import Foundation
import HTTPTypes
import Hummingbird

/// The validation boundary: checks every request's path and query parameters and JSON body against the contract's
/// own schemas (`ContractTable`, compiled from the bundled document at start-up) before any handler runs.
///
/// Why here and not in the handlers: the generated server checks types and enums but not `pattern`, lengths,
/// bounds or item counts, so each handler checked some constraints and forgot others, and the contract and the code
/// drifted. Runs after routing and authentication (an anonymous caller learns nothing about a protected operation's
/// inputs) and before the response cache and the handlers.
///
/// Answers: a parameter → 400 `invalid-parameter`; a body that is not JSON or has the wrong shape (type, missing or
/// unknown member, value outside an enum) → 400 `bad-request`; a well-formed body whose values break a constraint →
/// 422 `validation-failed`. Each names every failing field in `errors` (`field`: the parameter, or the member path
/// in the body such as `legs[0].odds`).
struct ContractValidationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let contracts: ContractTable
    let maxBodyBytes: Int

    /// Enough for a client to fix its request; a body of a thousand bad items is not echoed a thousand times.
    static let maxReportedIssues = 20

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let routePath = context.endpointPath,
            let contract = contracts.contract(method: request.method.rawValue, routePath: routePath)
        else { return try await next(request, context) }
        var issues: [SchemaRule.Issue] = []
        Self.checkParameters(contract, query: request.uri.query, path: { context.parameters.get($0) }, into: &issues)
        if !issues.isEmpty { throw APIError.invalidParameters(issues) }
        guard let body = contract.jsonBody, Self.isJSON(request.headers[.contentType]) else {
            return try await next(request, context)
        }
        var request = request
        let bytes = try await request.collectBody(upTo: maxBodyBytes)
        if bytes.readableBytes == 0 {
            if body.required { throw APIError.badRequest("a JSON request body is required") }
            return try await next(request, context)
        }
        let value: StrictJSON.Value
        do {
            value = try StrictJSON.parse(bytes.readableBytesView)
        } catch {
            throw APIError.badRequest("malformed JSON: the body is not one valid JSON value (duplicate member names and nesting deeper than \(StrictJSON.maxDepth) are refused)")
        }
        body.rule.validate(value, at: "", into: &issues)
        if !issues.isEmpty { throw APIError.invalidBody(issues) }
        return try await next(request, context)
    }

    /// The parameters' issues; `path` reads a path parameter's value as the router captured it.
    static func checkParameters(
        _ contract: OperationContract, query: String?, path: (String) -> String?, into issues: inout [SchemaRule.Issue]
    ) {
        var seen = [Bool](repeating: false, count: contract.parameters.count)
        for (index, parameter) in contract.parameters.enumerated() where parameter.location == .path {
            guard let raw = path(parameter.name) else { continue }
            seen[index] = true
            check(raw.removingPercentEncoding ?? raw, against: parameter, into: &issues)
        }
        if contract.hasQueryParameters, let query, !query.isEmpty {
            for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
                let separator = pair.firstIndex(of: "=")
                let name = decodeQueryComponent(pair[..<(separator ?? pair.endIndex)])
                guard let index = contract.queryIndex[name] else { continue }
                seen[index] = true
                let value = separator.map { decodeQueryComponent(pair[pair.index(after: $0)...]) } ?? ""
                check(value, against: contract.parameters[index], into: &issues)
            }
        }
        for (index, parameter) in contract.parameters.enumerated() where parameter.required && !seen[index] {
            issues.append(SchemaRule.Issue(field: parameter.name, message: "is required", isStructural: true))
        }
    }

    /// A query name or value as the generated server reads it: `+` is a space, then percent-decoding.
    static func decodeQueryComponent(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(text) }
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Reads a parameter's text as the JSON value its schema describes, then applies the schema.
    private static func check(_ text: String, against parameter: OperationContract.Parameter, into issues: inout [SchemaRule.Issue]) {
        let value: StrictJSON.Value
        if parameter.scalar.contains(.string) {
            value = .string(text)
        } else if parameter.scalar.contains(.boolean) {
            guard text == "true" || text == "false" else {
                issues.append(.init(field: parameter.name, message: "must be true or false", isStructural: true))
                return
            }
            value = .bool(text == "true")
        } else {
            let wantsInteger = !parameter.scalar.contains(.number)
            guard isJSONNumber(text), !wantsInteger || SchemaRule.isIntegerLiteral(text) else {
                issues.append(.init(field: parameter.name, message: "must be \(wantsInteger ? "an integer" : "a number")", isStructural: true))
                return
            }
            value = .number(text)
        }
        parameter.rule.validate(value, at: parameter.name, into: &issues)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: JSON's number grammar (Swift's `Double` also reads `inf`,
    /// `nan` and hexadecimal, which no client means as a number).
    static func isJSONNumber(_ text: String) -> Bool {
        (try? StrictJSON.parse(text.utf8, maxDepth: 0)).map { if case .number = $0 { true } else { false } } ?? false
    }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }
}

extension APIError {
    /// 400: parameters that break the contract, each named.
    static func invalidParameters(_ issues: [SchemaRule.Issue]) -> APIError {
        let reported = Array(issues.prefix(ContractValidationMiddleware.maxReportedIssues))
        return APIError(
            status: .badRequest, slug: "invalid-parameter", title: "Invalid parameter",
            detail: reported.map { "\($0.field): \($0.message)" }.joined(separator: "; "),
            fieldIssues: reported.map { FieldIssue(field: $0.field, message: $0.message) })
    }

    /// 400 when the body has the wrong shape, else 422: its values break the contract's constraints.
    static func invalidBody(_ issues: [SchemaRule.Issue]) -> APIError {
        let reported = Array(issues.prefix(ContractValidationMiddleware.maxReportedIssues))
        let structural = reported.contains(where: \.isStructural)
        let fieldIssues = reported.map { FieldIssue(field: $0.field.isEmpty ? "body" : $0.field, message: $0.message) }
        return APIError(
            status: structural ? .badRequest : .unprocessableContent, slug: structural ? "bad-request" : "validation-failed",
            title: structural ? "Bad request" : "Validation failed",
            detail: fieldIssues.map { "\($0.field): \($0.message)" }.joined(separator: "; "), fieldIssues: fieldIssues)
    }
}
