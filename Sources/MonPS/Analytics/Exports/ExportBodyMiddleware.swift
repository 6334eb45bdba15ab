import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Streams the `format=json` exports, and writes every export's `Content-Disposition` as it is meant to be read (`GET /v1/bets/export`, `GET /v1/bankrolls/{id}/transactions/export`).
///
/// Why: swift-openapi-generator buffers every `application/json` body (it encodes a `Codable` value into one `Data`),
/// so a generated handler cannot stream a JSON array. The generated route still does everything else — parameters,
/// ownership, status, headers (`Content-Type`, `Content-Disposition`), the problem responses — and hands the
/// streamed body over through this outlet, in place of the empty array it returns to the generated encoder. Sits in
/// front of those two operations only (`RecordingTransport.operationMiddleware`).
struct ExportBodyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let outlet = ExportOutlet()
        var response = try await ExportOutlet.$current.withValue(outlet) { try await next(request, context) }
        // The runtime writes every typed header percent-encoded (URI "simple" style): `attachment%3B%20filename…`. The
        // value is ours (a fixed word, a date and an extension), so decoding it gives back exactly what the handler set.
        if let encoded = response.headers[.contentDisposition], let value = encoded.removingPercentEncoding {
            response.headers[.contentDisposition] = value
        }
        if let stream = outlet.take() {
            response.headers[.contentLength] = nil
            response.body = ResponseBody(asyncSequence: stream)
        }
        return response
    }
}

/// Where a generated export handler leaves a streamed JSON body for `ExportBodyMiddleware`.
final class ExportOutlet: Sendable {
    @TaskLocal static var current: ExportOutlet?

    private let stream = Mutex<ExportStream?>(nil)

    func put(_ body: ExportStream) { stream.withLock { $0 = body } }

    func take() -> ExportStream? { stream.withLock { $0.take() } }

    /// Hands `body` to the middleware, or throws when the route was registered without it (a wiring error: the JSON
    /// export would otherwise answer an empty array).
    static func deliver(_ body: ExportStream) throws {
        guard let outlet = current else { throw ExportOutletMissing() }
        outlet.put(body)
    }
}

struct ExportOutletMissing: Error, CustomStringConvertible {
    var description: String { "the JSON export's route is registered without ExportBodyMiddleware" }
}
