import MonPSAPI
import OpenAPIRuntime

/// Operations of the `system` tag: liveness, readiness, metrics and the OpenAPI document.
extension APIHandler {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: .ok, version: MonPSVersion.current))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        let checks = await readiness.run()
        let rendered = checks.map { check in
            Components.Schemas.DependencyCheck(
                name: check.name, status: check.isUp ? .up : .down, latencyMs: check.latencyMilliseconds, error: check.error)
        }
        if checks.allSatisfy(\.isUp) {
            return .ok(.init(body: .json(.init(status: .ready, checks: rendered))))
        }
        let down = checks.filter { !$0.isUp }.map(\.name)
        let problem = Components.Schemas.ReadinessProblem(
            value1: .init(
                _type: ProblemDetails.typeBase + "dependency-down", title: "Service unavailable", status: 503,
                detail: "not ready: \(down.joined(separator: ", ")) down", instance: "/readyz",
                requestId: RequestScope.current?.requestID),
            value2: .init(checks: rendered))
        return .serviceUnavailable(.init(body: .applicationProblemJson(problem)))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(registry.emitToBuffer()))))
    }

    func getOpenAPIYAML(_ input: Operations.GetOpenAPIYAML.Input) async throws -> Operations.GetOpenAPIYAML.Output {
        .ok(.init(body: .yaml(HTTPBody(document.yaml))))
    }

    func getOpenAPIJSON(_ input: Operations.GetOpenAPIJSON.Input) async throws -> Operations.GetOpenAPIJSON.Output {
        .ok(.init(body: .json(.init(additionalProperties: document.jsonObject))))
    }
}
