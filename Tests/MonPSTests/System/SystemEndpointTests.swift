import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("System endpoints", .hangGuard)
struct SystemEndpointTests {
    @Test func healthIsAlwaysOK() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/healthz")
            #expect(response.status == .ok)
            #expect(try response.json()["status"] as? String == "ok")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test func readyWhenPostgresAndRedisAreUp() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            // Pooled connections first: opening them can outlast the probe's 2 s while the whole suite runs in parallel.
            _ = try await app.services.database.query("SELECT 1")
            try await app.services.redis.ping()
            let response = try await client.get("/readyz")
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["status"] as? String == "ready")
            let checks = try #require(body["checks"] as? [[String: Any]])
            #expect(checks.map { $0["name"] as? String } == ["postgres", "redis"])
            #expect(checks.allSatisfy { $0["status"] as? String == "up" })
        }
    }

    @Test func notReadyNamesRedisWhenRedisIsDown() async throws {
        let app = try await TestApp.make(overrides: ["REDIS_URL": "redis://127.0.0.1:1/0"])
        try await app.test { client in
            // A pooled connection first: opening one can outlast the probe's 2 s while the whole suite runs in parallel.
            _ = try await app.services.database.query("SELECT 1")
            let response = try await client.get("/readyz")
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            let body = try response.json()
            #expect(body["status"] as? Int == 503)
            #expect((body["detail"] as? String)?.contains("redis") == true)
            #expect((body["detail"] as? String)?.contains("postgres") == false)
            #expect((body["request_id"] as? String)?.isEmpty == false)
            let checks = try #require(body["checks"] as? [[String: Any]])
            #expect(checks.first { $0["name"] as? String == "redis" }?["status"] as? String == "down")
            #expect(checks.first { $0["name"] as? String == "postgres" }?["status"] as? String == "up")
        }
    }

    @Test func notReadyNamesPostgresWhenPostgresIsDown() async throws {
        // A database that is migrated but then becomes unreachable: build the app on a real database so the
        // start-up migration check passes, then point readiness at a closed port.
        let live = try await TestApp.make()
        // A pooled Redis connection first, as in the other readiness tests: opening one under the whole parallel
        // suite was once seen to outlast the probe.
        try await live.services.redis.ping()
        let down = DatabaseURL(host: "127.0.0.1", port: 1, username: "monps", password: "monps", database: "monps")
        let probe = ReadinessProbe(
            database: Database(url: down, poolSize: 1, logger: TestEnvironment.logger, registry: .init()),
            redis: live.services.redis, timeout: .seconds(30))  // generous: 10 s was outlasted twice under the parallel suite; port 1 refuses at once anyway
        let checks = await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await probe.database.client.run() }
            defer { group.cancelAll() }
            return await probe.run()
        }
        #expect(checks.map(\.name) == ["postgres", "redis"])
        #expect(checks[0].isUp == false)
        #expect(checks[1].isUp == true, "redis: \(checks[1].error ?? "") after \(checks[1].latencyMilliseconds) ms")
    }

    @Test func metricsExposeRequestCountsByRoute() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_METRICS_TOKEN": "scraper-secret-0123456789"])
        try await app.test { client in
            _ = try await client.get("/v1/sports")
            _ = try await client.get("/v1/sports/nope")
            let response = try await client.get("/metrics", token: "scraper-secret-0123456789")
            #expect(response.status == .ok)
            let text = response.text
            #expect(text.contains(#"monps_http_requests_total{method="GET",route="/v1/sports",status="200"} 1"#))
            #expect(text.contains(#"monps_http_requests_total{method="GET",route="/v1/sports/{key}",status="404"} 1"#))
            #expect(text.contains("monps_http_request_duration_seconds_bucket"))
            #expect(text.contains("monps_db_queries_in_flight"))
        }
    }

    @Test func servedSpecIsTheCommittedSpec() async throws {
        let committed = try Data(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("OpenAPI/openapi.yaml"))
        let app = try await TestApp.make()
        try await app.test { client in
            let yaml = try await client.get("/openapi.yaml")
            #expect(yaml.status == .ok)
            #expect(Data(yaml.body.readableBytesView) == committed)

            let json = try await client.get("/openapi.json")
            #expect(json.status == .ok)
            let document = try json.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(paths["/v1/sports/{key}"] != nil)
            let responses = ((paths["/v1/sports"] as? [String: Any])?["get"] as? [String: Any])?["responses"] as? [String: Any]
            #expect(responses?["200"] != nil)
        }
    }
}
