import Foundation
import Testing
@testable import MonPS

/// The integer calendar that writes dates into COPY rows and response bodies, against Foundation's.
@Suite("UTC calendar arithmetic")
struct UTCCalendarTests {
    @Test(arguments: [
        (0, 0, 0), (-1, -1, 86_399), (86_399, 0, 86_399), (86_400, 1, 0), (-86_400, -1, 0), (-86_401, -2, 86_399),
        (1_795_700_700, 20_783, 49_500),
    ])
    func splitRoundsTowardThePast(seconds: Int, days: Int, secondOfDay: Int) {
        let split = UTCCalendar.split(epochSeconds: seconds)
        #expect(split.days == days && split.secondOfDay == secondOfDay)
    }

    /// Two whole 400-year cycles either side of 1970: every day's date converts back to the same day.
    @Test func civilDatesAndDayCountsAreInverse() {
        for days in stride(from: -292_194, through: 292_194, by: 1) {
            let (year, month, day) = UTCCalendar.civil(fromDays: days)
            guard RFC3339.daysFromCivil(year: year, month: month, day: day) == days else {
                Issue.record("day \(days) is \(year)-\(month)-\(day), which counts as another day")
                return
            }
        }
    }

    @Test func civilDatesAgreeWithFoundationsGregorianCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: -80_000, through: 80_000, by: 97) {
            let components = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            let civil = UTCCalendar.civil(fromDays: days)
            #expect([civil.year, civil.month, civil.day] == [components.year, components.month, components.day], "day \(days)")
        }
        #expect(UTCCalendar.civil(fromDays: 0) == (1970, 1, 1))
        #expect(UTCCalendar.civil(fromDays: 11_016) == (2000, 2, 29))
        #expect(UTCCalendar.civil(fromDays: -25_508) == (1900, 3, 1))
    }
}
