import Hummingbird

/// The analytics feature's middleware, for `Application+build`.
extension AnalyticsFeature {
    var middleware: RequestCountingMiddleware { RequestCountingMiddleware(counter: counter) }

    /// In front of the exports' generated routes: the streamed `format=json` bodies (see `ExportBodyMiddleware`).
    var operationMiddleware: [String: any RouterMiddleware<AppRequestContext>] {
        [
            "GET /v1/bets/export": ExportBodyMiddleware(),
            "GET /v1/bankrolls/{id}/transactions/export": ExportBodyMiddleware(),
        ]
    }
}
