import Foundation
import OpenAPIRuntime
import Testing

@testable import MonPS

@Suite("Response dates: the integer transcoder writes what the runtime's ISO 8601 formatter writes", .hangGuard)
struct InternetDateTranscoderTests {
    @Test func matchesTheFormatterOnEdgesAndRandomDates() throws {
        let standard = ISO8601DateTranscoder()
        let fast = InternetDateTranscoder()
        var dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -0.25),
            Date(timeIntervalSince1970: 951_782_400), Date(timeIntervalSince1970: 4_107_542_399.999),  // 2000-02-29, 2100
            Date(timeIntervalSince1970: 1_767_225_599.999_999), Date(timeIntervalSince1970: -2_208_988_800),  // 1900-01-01
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: -2_300_000_000...4_200_000_000, using: &generator)))
        }
        for date in dates {
            #expect(try fast.encode(date) == standard.encode(date), "\(date.timeIntervalSince1970)")
        }
        let text = "2026-11-26T13:45:00Z"
        #expect(try fast.decode(text) == standard.decode(text))
    }
}
