import Foundation
import Testing

@testable import MonPS

/// The shared-cache policy of each route comes from `x-monps-cache` in the contract.
@Suite struct CachePolicyTableTests {
    @Test func theBundledContractDeclaresWhichRoutesAreShared() throws {
        let table = try CachePolicyTable(document: OpenAPIDocument.bundled())
        let opportunities = CachePolicy.shared(ttl: .seconds(15), tags: ["opportunities"], fillFromCredentialedRequests: true)
        #expect(table.policy(forPath: "/v1/opportunities") == opportunities)
        #expect(table.policy(forPath: "/v1/opportunities/0b7e2f9c-5d1e-4c55-9a53-1f1f5b0c2d11") == opportunities)
        #expect(table.policy(forPath: "/v1/agents") == opportunities)
        #expect(table.policy(forPath: "/v1/agents/compare") == opportunities)
        #expect(table.policy(forPath: "/v1/sports") == .shared(ttl: .seconds(300), tags: ["sports"]))
        #expect(table.policy(forPath: "/v1/sports/soccer_epl") == .shared(ttl: .seconds(300), tags: ["sports"]))
        #expect(table.policy(forPath: "/v1/bookmakers") == .shared(ttl: .seconds(300), tags: ["bookmakers"]))
        let events = { (ttl: Int64) in CachePolicy.shared(ttl: .seconds(ttl), tags: ["events"], fillFromCredentialedRequests: true) }
        #expect(table.policy(forPath: "/v1/events") == events(30))
        #expect(table.policy(forPath: "/v1/events/42") == events(30))
        #expect(table.policy(forPath: "/v1/events/42/odds") == events(15))
        #expect(table.policy(forPath: "/v1/events/42/odds/history") == events(30))
    }

    @Test func perUserAndUnknownRoutesAreNeverShared() throws {
        let table = try CachePolicyTable(document: OpenAPIDocument.bundled())
        // A fixed path is not taken for the template beside it (`/v1/opportunities/{id}`).
        #expect(table.policy(forPath: "/v1/opportunities/history") == nil)
        #expect(table.policy(forPath: "/v1/opportunities/0b7e2f9c-5d1e-4c55-9a53-1f1f5b0c2d11/shares") == nil)
        for path in ["/v1/bets", "/v1/me", "/v1/bankrolls", "/v1/tokens", "/v1/events/", "/v1/events//odds", "/v1/nothing", "/"] {
            #expect(table.policy(forPath: path) == nil, "\(path)")
        }
    }

    @Test func aMalformedExtensionIsAStartUpError() throws {
        let yaml = """
            openapi: 3.1.0
            info: {title: t, version: "1"}
            paths:
              /v1/things:
                get:
                  operationId: listThings
                  x-monps-cache: {scope: private, ttl: 15, tags: [things]}
                  responses: {"200": {description: ok}}
            """
        #expect(throws: CachePolicyError.self) { try CachePolicyTable(document: OpenAPIDocument(yaml: Array(yaml.utf8))) }
        let valid = yaml.replacingOccurrences(of: "scope: private", with: "scope: shared")
        let table = try CachePolicyTable(document: OpenAPIDocument(yaml: Array(valid.utf8)))
        #expect(table.policy(forPath: "/v1/things") == .shared(ttl: .seconds(15), tags: ["things"]))
    }
}
