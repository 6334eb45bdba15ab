import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The separate listener of `MONPS_METRICS_ADDRESS`: `/metrics` only, for a scraper on a private network or port,
/// so the public listener need not expose it at all.
enum MetricsListenerApp {
    static func build(
        _ listener: HTTPEdgeSettings.MetricsListener, registry: PrometheusCollectorRegistry, logger: Logger
    ) -> some Service {
        let router = Router()
        router.get(RouterPath(MetricsAccessMiddleware.path)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(listener.host, port: listener.port), serverName: "MonPS-metrics"),
            logger: logger)
    }
}
