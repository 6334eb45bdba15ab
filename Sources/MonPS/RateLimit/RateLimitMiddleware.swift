// Per-request rate limiting with IETF RateLimit headers on every response.

import HTTPTypes
import Hummingbird

/// Counts each request against `<route class>:<principal kind>:<id>` and refuses it with 429 when the
/// bucket is empty.
///
/// - Route class: `RateLimitRouteClass.classify(method:path:)`. Principal: the `subject` closure.
/// - Exempt paths (exact match, default `/healthz`, `/metrics`) are neither counted nor annotated. `/readyz` is
///   counted like any read: it reaches PostgreSQL and Redis, so a flood of it must not be free.
/// - Every other response gets `RateLimit-Policy: "<name>";q=<limit>;w=<window>`,
///   `RateLimit: "<name>";r=<remaining>;t=<seconds until the bucket is full>`, and the legacy
///   `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (same values; Reset is in seconds
///   from now, not an epoch time).
/// - An exhausted bucket answers 429 problem+json (`APIError.tooManyRequests`) with `Retry-After` (≥ 1 s)
///   and the same headers. The response is rendered here rather than thrown, so the middleware works on
///   either side of `ProblemMiddleware`.
///
/// Placement: either side of `ProblemMiddleware`. Outside it, every response is annotated as it passes.
/// Inside it, thrown `APIError`s get the headers merged into `APIError.headers`, and any other error is
/// rethrown as `RateLimitAnnotatedError` (which `ProblemMapper` maps like the original, plus the headers).
/// The one exception inside: a 404 that `ProblemMiddleware` rewrites for unrouted paths (404/405) is rebuilt
/// there without them. Put it *before* authentication, so that floods of bad credentials are limited too.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let defaultExemptPaths: Set<String> = ["/healthz", "/metrics"]

    let limiter: any RateLimiter
    let policies: RateLimitPolicyStore
    let exemptPaths: Set<String>
    /// Who is limited; it may note in the context what it learnt (a verified token) for later middleware.
    let subject: @Sendable (Request, inout AppRequestContext) async -> RateLimitSubject
    /// Counts refused bearer credentials per client address (`LoginThrottle.recordRefusedCredential`), and refuses
    /// an address over the threshold before its next unverified credential is looked up. Nil: not counted.
    let refusedCredentials: LoginThrottle?

    init(
        limiter: any RateLimiter,
        policies: RateLimitPolicyStore = RateLimitPolicyStore(),
        exemptPaths: Set<String> = Self.defaultExemptPaths,
        refusedCredentials: LoginThrottle? = nil,
        subject: @escaping @Sendable (Request, inout AppRequestContext) async -> RateLimitSubject
    ) {
        self.limiter = limiter
        self.policies = policies
        self.exemptPaths = exemptPaths
        self.refusedCredentials = refusedCredentials
        self.subject = subject
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if exemptPaths.contains(path) { return try await next(request, context) }

        let routeClass = RateLimitRouteClass.classify(method: request.method.rawValue, path: path)
        var context = context
        let subject = await self.subject(request, &context)
        // A credential not verified yet (an API token needs a lookup; a JWT that failed its check): an address that
        // presented too many refused ones waits, before any lookup.
        let presentsCredential = request.headers[.authorization] != nil
        let unverified = presentsCredential && context.verifiedAccessToken == nil
        if unverified, let refusedCredentials {
            let lock = await refusedCredentials.checkCredentials(ip: context.clientAddress)
            if !lock.isAllowed {
                let error = APIError.tooManyRequests(retryAfter: lock.retryAfterSeconds, headers: HTTPFields())
                return ProblemDetails(error, instance: path, requestID: context.requestID).response(headers: error.headers)
            }
        }
        let policy = policies.current.policy(for: routeClass, principal: subject.kind)
        let decision = await limiter.acquire(key: "\(routeClass.rawValue):\(subject.bucketKey)", policy: policy)
        let headers = RateLimitHeaders.fields(policy: policy, decision: decision)

        guard decision.allowed else {
            context.logger.debug(
                "rate limit exhausted",
                metadata: ["route_class": "\(routeClass.rawValue)", "subject_kind": "\(subject.kind.rawValue)"])
            let error = APIError.tooManyRequests(retryAfter: decision.retryAfterSeconds, headers: headers)
            return ProblemDetails(error, instance: path, requestID: context.requestID).response(headers: error.headers)
        }
        do {
            var response = try await next(request, context)
            if presentsCredential, response.status == .unauthorized { await countRefused(context) }
            RateLimitHeaders.apply(headers, to: &response.headers)
            return response
        } catch var error as APIError {
            if presentsCredential, error.status == .unauthorized { await countRefused(context) }
            RateLimitHeaders.apply(headers, to: &error.headers)
            throw error
        } catch let error as CancellationError {
            throw error  // shutting down: keep ProblemMapper's "not a server fault" view of it
        } catch {
            // Any other error (OpenAPI `ServerError`, database, ...) is still mapped by `ProblemMapper`, with the
            // headers added (only relevant when this middleware sits inside `ProblemMiddleware`).
            throw RateLimitAnnotatedError(underlying: error, headers: headers)
        }
    }

    private func countRefused(_ context: Context) async {
        await refusedCredentials?.recordRefusedCredential(ip: context.clientAddress)
    }
}

/// An error thrown below `RateLimitMiddleware`, carrying the rate-limit headers: `ProblemMapper` maps it as
/// it would map `underlying`, plus the headers.
struct RateLimitAnnotatedError: APIErrorConvertible, CustomStringConvertible, CustomDebugStringConvertible {
    let underlying: any Error
    let headers: HTTPFields

    var apiError: APIError {
        var error = ProblemMapper.map(underlying).error
        RateLimitHeaders.apply(headers, to: &error.headers)
        return error
    }

    var description: String { String(describing: underlying) }
    var debugDescription: String { String(reflecting: underlying) }
}

/// The header fields of a decision.
enum RateLimitHeaders {
    static let policy = HTTPField.Name("RateLimit-Policy")!
    static let rateLimit = HTTPField.Name("RateLimit")!
    static let limit = HTTPField.Name("X-RateLimit-Limit")!
    static let remaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let reset = HTTPField.Name("X-RateLimit-Reset")!

    static func fields(policy: RateLimitPolicy, decision: RateLimitDecision) -> HTTPFields {
        let name = structuredString(policy.name)
        let reset = String(decision.resetAfterSeconds)
        var fields = HTTPFields()
        fields[Self.policy] = "\(name);q=\(policy.limit);w=\(policy.windowSeconds)"
        fields[Self.rateLimit] = "\(name);r=\(decision.remaining);t=\(reset)"
        fields[Self.limit] = String(policy.limit)
        fields[Self.remaining] = String(decision.remaining)
        fields[Self.reset] = reset
        return fields
    }

    /// Sets (replaces) each of `fields` in `headers`.
    static func apply(_ fields: HTTPFields, to headers: inout HTTPFields) {
        for field in fields { headers[field.name] = field.value }
    }

    /// An RFC 8941 sf-string: quoted, `\` and `"` escaped, non-printable ASCII dropped.
    static func structuredString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars where scalar.value >= 0x20 && scalar.value < 0x7F {
            if scalar == "\"" || scalar == "\\" { out.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }
}

extension APIError {
    /// 429 with `Retry-After: <seconds>` (at least 1) and any extra headers (the rate-limit fields).
    public static func tooManyRequests(retryAfter seconds: Int, headers: HTTPFields = [:]) -> APIError {
        let seconds = max(1, seconds)
        var fields = headers
        fields[.retryAfter] = String(seconds)
        return APIError(
            status: .tooManyRequests, slug: "too-many-requests", title: "Too many requests",
            detail: "the rate limit of this route is exhausted; retry in \(seconds) s", headers: fields)
    }
}
