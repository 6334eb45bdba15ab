import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP response, body collected (bounded).
struct OddsAPIRawResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
}

/// One GET attempt: no retries, no quota logic. Every failure is an ``OddsAPIError`` (or
/// `CancellationError` when the calling task is cancelled).
struct OddsAPITransport: Sendable {
    let httpClient: HTTPClient
    let redactor: OddsAPIRedactor

    /// Error bodies are only read for their `message`; a few KiB are plenty.
    static let maxErrorBodyBytes = 64 * 1024

    /// - Parameters:
    ///   - timeout: covers the whole exchange. AsyncHTTPClient's deadline stops at the response
    ///     head, so a server trickling the body is bounded by racing against a sleep.
    ///   - maxBytes: larger successful bodies fail with ``OddsAPIError/responseTooLarge(limit:)``.
    func get(url: String, timeout: Duration, maxBytes: Int) async throws -> OddsAPIRawResponse {
        let operation: @Sendable () async throws -> OddsAPIRawResponse = { [httpClient] in
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            request.headers.add(name: "Accept", value: "application/json")
            // No logger is passed: AsyncHTTPClient's request logs would include the URL and its key.
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            let status = Int(response.status.code)
            let success = (200..<300).contains(status)
            if success, let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
                throw OddsAPIError.responseTooLarge(limit: maxBytes)
            }
            let body = try await Self.collect(
                response.body, limit: success ? maxBytes : Self.maxErrorBodyBytes, truncate: !success)
            return OddsAPIRawResponse(status: status, headers: response.headers, body: body)
        }
        do {
            return try await withThrowingTaskGroup(of: OddsAPIRawResponse.self) { group in
                group.addTask(operation: operation)
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw OddsAPIError.timeout
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw OddsAPIError.timeout }
                return first
            }
        } catch let error as OddsAPIError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw map(error)
        }
    }

    /// Reads at most `limit` bytes: beyond that either throws (success bodies) or keeps the
    /// prefix (error bodies, which are only mined for a message).
    private static func collect(
        _ body: HTTPClientResponse.Body, limit: Int, truncate: Bool
    ) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body {
            if bytes.count + chunk.readableBytes > limit {
                if truncate {
                    bytes += chunk.readableBytesView.prefix(limit - bytes.count)
                    break
                }
                throw OddsAPIError.responseTooLarge(limit: limit)
            }
            bytes += chunk.readableBytesView
        }
        return bytes
    }

    private func map(_ error: any Error) -> OddsAPIError {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return .timeout
            default:
                return .transport(redactor.clean(String(describing: error)))
            }
        }
        return .transport(redactor.clean(String(describing: error)))
    }
}
