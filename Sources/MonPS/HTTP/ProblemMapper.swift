import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import PostgresNIO

/// The one place where anything thrown while serving a request becomes what the client sees.
/// Client mistakes get a precise 4xx; everything else is a generic 500/503 whose cause is logged, never sent.
enum ProblemMapper {
    struct Mapped {
        var error: APIError
        /// Whether the cause is a server-side failure worth logging at error level.
        var isServerFault: Bool
    }

    static func map(_ error: any Error) -> Mapped {
        switch error {
        case let apiError as APIError:
            return Mapped(error: apiError, isServerFault: apiError.status.code >= 500)
        case let convertible as any APIErrorConvertible:
            let apiError = convertible.apiError
            return Mapped(error: apiError, isServerFault: apiError.status.code >= 500)
        case let serverError as ServerError:
            return mapOpenAPI(serverError)
        case let httpError as HTTPError:
            return mapHTTPError(httpError)
        case let decodingError as DecodingError:
            return Mapped(error: .badRequest(describe(decodingError)), isServerFault: false)
        case let unavailable as DatabaseUnavailable:
            return Mapped(error: .databaseUnavailable(unavailable), isServerFault: false)
        case is PSQLError:
            if let unavailable = DatabaseUnavailable.classify(error) {
                return Mapped(error: .databaseUnavailable(unavailable), isServerFault: false)
            }
            return Mapped(error: .internalError, isServerFault: true)
        case is CancellationError:
            return Mapped(error: .serviceUnavailable("the request was cancelled while the server shuts down"), isServerFault: false)
        default:
            return Mapped(error: .internalError, isServerFault: true)
        }
    }

    /// Errors from the generated OpenAPI layer: failures before our handler ran are the client's
    /// (bad parameter, wrong media type, malformed body); failures inside it are mapped by their cause.
    private static func mapOpenAPI(_ error: ServerError) -> Mapped {
        if error.operationInput != nil { return map(error.underlyingError) }
        let status = error.httpStatus
        let detail: String
        if let decoding = error.underlyingError as? DecodingError {
            detail = describe(decoding)
        } else {
            detail = error.causeDescription
        }
        switch status.code {
        case 415:
            return Mapped(error: .unsupportedMediaType(detail), isServerFault: false)
        case 406:
            return Mapped(
                error: APIError(status: .notAcceptable, slug: "not-acceptable", title: "Not acceptable", detail: detail),
                isServerFault: false)
        case 400..<500:
            return Mapped(error: .badRequest(detail), isServerFault: false)
        default:
            return Mapped(error: .internalError, isServerFault: true)
        }
    }

    private static func mapHTTPError(_ error: HTTPError) -> Mapped {
        switch error.status {
        case .contentTooLarge:
            return Mapped(error: APIError(status: .contentTooLarge, slug: "payload-too-large", title: "Payload too large", detail: error.body ?? "the request body is too large"), isServerFault: false)
        case .notFound:
            return Mapped(error: .notFound(error.body ?? "no such resource"), isServerFault: false)
        default:
            let status = error.status
            if status.code >= 500 { return Mapped(error: .internalError, isServerFault: true) }
            return Mapped(
                error: APIError(status: status, slug: "http-\(status.code)", title: status.reasonPhrase, detail: error.body),
                isServerFault: false)
        }
    }

    /// A readable account of what was wrong with a JSON body or parameter, without echoing the input.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, appending key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let rendered = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return rendered.hasPrefix(".") ? String(rendered.dropFirst()) : rendered
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let cause = context.underlyingError.map { " (\(String(describing: $0)))" } ?? ""
            return "malformed JSON: \(context.debugDescription)\(cause)"
        case .dataCorrupted(let context):
            return "invalid value at `\(path(context))`: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing required field `\(path(context, appending: key))`"
        case .typeMismatch(let type, let context):
            return "wrong type at `\(path(context))`: expected \(type)"
        case .valueNotFound(let type, let context):
            return "missing value at `\(path(context))`: expected \(type)"
        @unknown default:
            return "the request could not be decoded"
        }
    }
}

/// Domain errors (from repositories, jobs, the maths core adapters) say how they look over HTTP here,
/// so handlers can simply rethrow them.
protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

extension APIError {
    /// PostgreSQL cannot serve now: 503 with `Retry-After`, saying whether a write was stored.
    static func databaseUnavailable(_ error: DatabaseUnavailable) -> APIError {
        var detail = "the database is unavailable; retry shortly"
        switch error.writeOutcome {
        case .notApplied?: detail += " (your change was not saved)"
        case .unknown?: detail += " (the connection was lost while your change was being committed: check whether it was saved before retrying)"
        case nil: break
        }
        var unavailable = APIError.serviceUnavailable(detail)
        unavailable.headers[.retryAfter] = "1"
        return unavailable
    }
}
