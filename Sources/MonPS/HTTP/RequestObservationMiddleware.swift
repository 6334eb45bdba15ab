import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Outermost middleware: assigns the request id, times the request, writes the one access-log line and
/// records the HTTP metrics. Everything inside it has already been turned into a response.
struct RequestObservationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: HTTPMetrics
    let logger: Logger
    let inFlight: InFlightRequests

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let ticket = inFlight.begin(method: request.method.rawValue, path: request.uri.path, at: start)
        defer { inFlight.end(ticket) }
        var context = context
        let requestID = Self.acceptedRequestID(request.headers[.requestID]) ?? Self.makeRequestID()
        context.requestID = requestID
        context.logger[metadataKey: "request_id"] = .string(requestID)

        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Inner middleware converts every error; this is only a last line of defence.
            response = ProblemDetails(.internalError, instance: request.uri.path, requestID: requestID).response()
        }
        response.headers[.requestID] = requestID

        let elapsed = ContinuousClock.now - start
        // Hummingbird labels a request no route matched "NotFound"; keep unmatched paths out of metric labels.
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        metrics.record(method: request.method.rawValue, route: route, status: Int(response.status.code), duration: elapsed)
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "route": .string(route),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(String(format: "%.2f", milliseconds)),
                "request_id": .string(requestID),
            ])
        return response
    }

    /// A client-supplied id is kept only when it is short and made of safe characters (it lands in logs).
    static func acceptedRequestID(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") })
        else { return nil }
        return value
    }

    static func makeRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return String(high, radix: 16).leftPadded(to: 16) + String(low, radix: 16).leftPadded(to: 16)
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
