import HTTPTypes

/// How live stream refusals look over HTTP (`GET /v1/stream`, before any upgrade).
extension StreamRefusal: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .tooManyStreams(let limit):
            var headers = HTTPFields()
            headers[.retryAfter] = "5"
            return APIError(
                status: .tooManyRequests, slug: "too-many-streams", title: "Too many live streams",
                detail: "this account already holds \(limit) live streams on this server; close one first",
                headers: headers)
        case .shuttingDown:
            var headers = HTTPFields()
            headers[.retryAfter] = "1"
            return APIError(
                status: .serviceUnavailable, slug: "shutting-down", title: "Shutting down",
                detail: "this server is shutting down; reconnect (with `after`) to reach another", headers: headers)
        }
    }
}

extension APIError {
    /// `GET /v1/stream` reached without a WebSocket upgrade (or with one the server could not take up).
    static var upgradeRequired: APIError {
        var headers = HTTPFields()
        headers[.upgrade] = "websocket"
        return APIError(
            status: HTTPResponse.Status(code: 426, reasonPhrase: "Upgrade Required"), slug: "upgrade-required",
            title: "Upgrade required", detail: "open this URL as a WebSocket (Upgrade: websocket)", headers: headers)
    }
}
