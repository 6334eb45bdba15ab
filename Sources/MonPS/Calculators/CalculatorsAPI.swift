import MonPSAPI

/// Operations of the `calculators` tag: thin wrappers over `Calculators`.
extension APIHandler {
    func calcDevig(_ input: Operations.CalcDevig.Input) async throws -> Operations.CalcDevig.Output {
        guard case .json(let request) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        return .ok(.init(body: .json(try Calculators.devig(request))))
    }

    func calcExpectedValue(_ input: Operations.CalcExpectedValue.Input) async throws -> Operations.CalcExpectedValue.Output {
        guard case .json(let request) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        return .ok(.init(body: .json(try Calculators.expectedValue(request))))
    }

    func calcKelly(_ input: Operations.CalcKelly.Input) async throws -> Operations.CalcKelly.Output {
        guard case .json(let request) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        return .ok(.init(body: .json(try Calculators.kelly(request))))
    }

    func calcClosingLineValue(_ input: Operations.CalcClosingLineValue.Input) async throws -> Operations.CalcClosingLineValue.Output {
        guard case .json(let request) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        return .ok(.init(body: .json(try Calculators.closingLineValue(request))))
    }

    func calcSettle(_ input: Operations.CalcSettle.Input) async throws -> Operations.CalcSettle.Output {
        guard case .json(let request) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        return .ok(.init(body: .json(try Calculators.settle(request, now: now()))))
    }
}
