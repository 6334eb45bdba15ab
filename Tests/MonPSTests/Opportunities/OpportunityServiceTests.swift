import Foundation
import Testing

@testable import MonPS

/// The opportunities service's own rules, without a database: the `starts_within` window and how its refusals read.
@Suite("Opportunity service rules")
struct OpportunityServiceTests {
    @Test func aWindowIsANumberAndAUnitFromAMinuteToSixtyDays() throws {
        #expect(try OpportunityService.window("90m") == 5_400)
        #expect(try OpportunityService.window("24h") == 86_400)
        #expect(try OpportunityService.window("60d") == 60 * 86_400)
        for (text, message) in [
            ("61d", "at most 60 days"), ("0h", "expected a number and a unit, e.g. 90m, 24h, 7d"),
            ("soon", "expected a number and a unit, e.g. 90m, 24h, 7d"), ("5w", "the unit must be m, h or d"),
            ("", "expected a number and a unit, e.g. 90m, 24h, 7d"),
        ] {
            #expect(throws: OpportunityError.invalid(field: "starts_within", message)) { try OpportunityService.window(text) }
        }
    }

    @Test func refusalsMapToTheContractsProblems() {
        #expect(OpportunityError.notFound("abc").apiError.status == .notFound)
        #expect(OpportunityError.agentNotFound("Z").apiError.detail == "no agent Z")
        let invalid = OpportunityError.invalid(field: "min_edge", "must be a number").apiError
        #expect(invalid.status == .badRequest)
    }
}
