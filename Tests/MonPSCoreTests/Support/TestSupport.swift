import Testing

@testable import MonPSCore

/// `|actual − expected| ≤ tolerance`, with both numbers in the failure message.
func expectClose(
    _ actual: Double, _ expected: Double, _ tolerance: Double,
    _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        abs(actual - expected) <= tolerance,
        "\(comment) \(actual) vs \(expected) (±\(tolerance))", sourceLocation: sourceLocation)
}

/// Element-wise ``expectClose(_:_:_:_:sourceLocation:)`` with an equal-count check.
func expectClose(
    _ actual: [Double], _ expected: [Double], _ tolerance: Double,
    _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(comment) count", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        expectClose(a, e, tolerance, comment, sourceLocation: sourceLocation)
    }
}
