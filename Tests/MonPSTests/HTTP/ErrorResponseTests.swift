import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import MonPS

@Suite("Problem responses and request ids", .hangGuard)
struct ErrorResponseTests {
    func expectProblem(_ response: TestResponse, status: HTTPResponse.Status, slug: String) throws {
        #expect(response.status == status)
        #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
        let body = try response.json()
        #expect(body["status"] as? Int == Int(status.code))
        #expect(body["type"] as? String == "https://monps.dev/problems/\(slug)")
        #expect((body["title"] as? String)?.isEmpty == false)
        #expect(body["request_id"] as? String == response.headers[.requestID])
    }

    @Test func unknownRouteIs404Problem() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/v1/nothing-here")
            try expectProblem(response, status: .notFound, slug: "not-found")
            #expect(try response.json()["instance"] as? String == "/v1/nothing-here")
        }
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.execute(uri: "/v1/sports/soccer_epl", method: .delete)
            try expectProblem(response, status: .methodNotAllowed, slug: "method-not-allowed")
            #expect(response.headers[.allow] == "GET, HEAD")
        }
    }

    @Test func requestIDIsEchoedOrGenerated() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let echoed = try await client.get("/healthz", headers: [.requestID: "client-abc.123"])
            #expect(echoed.headers[.requestID] == "client-abc.123")
            let generated = try await client.get("/healthz")
            #expect(generated.headers[.requestID]?.count == 32)
            let unsafe = try await client.get("/healthz", headers: [.requestID: "bad id\u{7f}<script>"])
            #expect(unsafe.headers[.requestID] != "bad id\u{7f}<script>")
            #expect(unsafe.headers[.requestID]?.count == 32)
        }
    }

    @Test func invalidQueryParameterIs400Problem() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            try expectProblem(try await client.get("/v1/sports?limit=abc"), status: .badRequest, slug: "invalid-parameter")
            try expectProblem(try await client.get("/v1/sports?group=cricket"), status: .badRequest, slug: "invalid-parameter")
        }
    }

    @Test func problemsNeverLeakInternals() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/v1/sports?cursor=%27%3B%20DROP%20TABLE%20sports%3B--")
            try expectProblem(response, status: .badRequest, slug: "invalid-parameter")
            #expect(!response.text.contains("PSQL"))
            #expect(!response.text.contains("SELECT"))
        }
    }
}
