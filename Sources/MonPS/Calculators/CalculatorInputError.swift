/// A calculator request whose values cannot go together (a missing companion field, two alternatives at once…),
/// naming the field at fault. The core's own errors (`DevigError`, `KellyError`…) cover the numbers themselves.
struct CalculatorInputError: Error, Sendable, Equatable {
    var detail: String
    var field: String?

    init(_ detail: String, field: String? = nil) {
        self.detail = detail
        self.field = field
    }
}
