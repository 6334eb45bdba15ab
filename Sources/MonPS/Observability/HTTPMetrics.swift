import Prometheus
import Synchronization

/// Request counters and latency histograms by method, route template and status, in the app's own
/// Prometheus registry (served at `/metrics`). Metric objects are created once per label set and reused.
final class HTTPMetrics: Sendable {
    private struct Labels: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private let registry: PrometheusCollectorRegistry
    private let counters = Mutex<[Labels: Counter]>([:])
    private let histograms = Mutex<[Labels: DurationHistogram]>([:])

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(5),
    ]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func record(method: String, route: String, status: Int, duration: Duration) {
        let labels = Labels(method: method, route: route, status: status)
        let pairs = [("method", method), ("route", route), ("status", String(status))]
        let counter = counters.withLock { table in
            if let existing = table[labels] { return existing }
            let created = registry.makeCounter(
                name: "monps_http_requests_total", labels: pairs, help: "HTTP requests by method, route and status")
            table[labels] = created
            return created
        }
        let histogram = histograms.withLock { table in
            if let existing = table[labels] { return existing }
            let created = registry.makeDurationHistogram(
                name: "monps_http_request_duration_seconds", labels: pairs, buckets: Self.latencyBuckets,
                help: "HTTP request latency by method, route and status")
            table[labels] = created
            return created
        }
        counter.increment()
        histogram.recordNanoseconds(duration.nanoseconds)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
