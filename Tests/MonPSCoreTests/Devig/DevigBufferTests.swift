import Testing

@testable import MonPSCore

/// The allocation-free entry points must give exactly (bit for bit) what the array API gives.
@Suite("De-vig buffer API")
struct DevigBufferTests {
    typealias BufferOutcome = (probabilities: [Double], result: Result<DevigSummary, DevigBufferError>)

    /// Runs the buffer API on a copy of `odds`; unwritten output slots keep a −7 sentinel.
    static func viaBuffer(
        _ odds: [Double], _ method: DevigMethod, _ policy: NegativeMarginPolicy = .reject
    ) -> BufferOutcome {
        var out = [Double](repeating: -7, count: odds.count)
        let result = odds.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                Result { () throws(DevigBufferError) in
                    try Devig.devig(input, method: method, negativeMargin: policy, into: output)
                }
            }
        }
        return (out, result)
    }

    static func viaArray(
        _ odds: [Double], _ method: DevigMethod, _ policy: NegativeMarginPolicy = .reject
    ) -> Result<DevigResult, DevigError> {
        Result { () throws(DevigError) in try Devig.devig(odds, method: method, negativeMargin: policy) }
    }

    /// Asserts that the buffer API and (for 3 outcomes) the `SIMD3` API agree exactly with the
    /// array API: same bits in every probability and the same summary, or the same error.
    static func expectSameAsArray(
        _ odds: [Double], _ method: DevigMethod, _ policy: NegativeMarginPolicy = .reject,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let array = viaArray(odds, method, policy)
        let buffer = viaBuffer(odds, method, policy)
        let label = "\(method.rawValue) \(policy.rawValue) \(odds)"
        switch (array, buffer.result) {
        case (.success(let expected), .success(let summary)):
            #expect(
                buffer.probabilities.map(\.bitPattern) == expected.probabilities.map(\.bitPattern),
                "\(label)", sourceLocation: sourceLocation)
            #expect(summary == expected.summary, "\(label)", sourceLocation: sourceLocation)
            #expect(
                summary.parameter?.bitPattern == expected.parameter?.bitPattern
                    && summary.margin.bitPattern == expected.margin.bitPattern,
                "\(label)", sourceLocation: sourceLocation)
            #expect(
                DevigResult(summary: summary, probabilities: buffer.probabilities) == expected,
                "\(label)", sourceLocation: sourceLocation)
        case (.failure(let expected), .failure(let error)):
            #expect(error == .devig(expected), "\(label)", sourceLocation: sourceLocation)
        default:
            Issue.record("\(label): array \(array) vs buffer \(buffer.result)", sourceLocation: sourceLocation)
        }

        guard odds.count == 3 else { return }
        let threeWay = Result { () throws(DevigError) in
            try Devig.devig(
                threeWay: SIMD3(odds[0], odds[1], odds[2]), method: method, negativeMargin: policy)
        }
        switch (array, threeWay) {
        case (.success(let expected), .success(let answer)):
            let p = answer.probabilities
            #expect(
                [p.x, p.y, p.z].map(\.bitPattern) == expected.probabilities.map(\.bitPattern),
                "3-way \(label)", sourceLocation: sourceLocation)
            #expect(answer.summary == expected.summary, "3-way \(label)", sourceLocation: sourceLocation)
        case (.failure(let expected), .failure(let error)):
            #expect(error == expected, "3-way \(label)", sourceLocation: sourceLocation)
        default:
            Issue.record("3-way \(label): array \(array) vs \(threeWay)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: DevigMethod.allCases)
    func workedExampleMatchesArrayAPI(method: DevigMethod) throws {
        let market = [2.10, 3.40, 3.60]
        Self.expectSameAsArray(market, method)
        // And the buffer answer is the documented one (reference values as in DevigReferenceTests).
        let buffer = Self.viaBuffer(market, method)
        let summary = try buffer.result.get()
        expectClose(summary.margin, 0.0480859010270773, 1e-15)
        #expect(summary.method == method && summary.requestedMethod == method && !summary.usedFallback)
        #expect((summary.parameter == nil) == (method.neutralParameter == nil))
        expectClose(buffer.probabilities.reduce(0, +), 1, 1e-12)
    }

    /// 300 seeded markets: 2–8 outcomes, margins from −4% (arbitrage) to 20%, a few exactly fair,
    /// a few with an invalid price; every method under both negative-margin policies.
    @Test func randomMarketsMatchArrayAPI() {
        var rng = SplitMix64(seed: 0xB0FF_E125)
        var outcomes = (succeeded: 0, failed: 0)
        for k in 0..<300 {
            let n = 2 + Int(rng.next() % 7)
            let weights = (0..<n).map { _ in 0.01 + rng.nextUnit() * rng.nextUnit() * 3 }
            let total = weights.reduce(0, +)
            let margin: Double =
                switch k % 6 {
                case 0: 0
                case 1: -0.04 * rng.nextUnit()
                default: 0.2 * rng.nextUnit()
                }
            var odds = weights.map { total / ($0 * (1 + margin)) }
            if k % 25 == 24 { odds[k % n] = [Double.nan, 1.0, 0.9, .infinity][k % 4] }
            for method in DevigMethod.allCases {
                for policy in NegativeMarginPolicy.allCases {
                    Self.expectSameAsArray(odds, method, policy)
                    if case .success = Self.viaArray(odds, method, policy) {
                        outcomes.succeeded += 1
                    } else {
                        outcomes.failed += 1
                    }
                }
            }
        }
        // Both paths must really be exercised.
        #expect(outcomes.succeeded > 2500 && outcomes.failed > 200)
    }

    @Test func edgeMarketsMatchArrayAPI() {
        let markets: [[Double]] = [
            [1.91, 1.91], [1.5, 2.7], [2.0, 4.0, 4.0], [1.3, 4.0, 500], [1.0001, 5000],
            [1.000001, 1.000001], [1 + 1e-12, 50, 50], Array(repeating: 21.0, count: 19) + [3.0],
            [2.0, 2.0 - 1e-11], [2.1, 2.1], [2.1, 4.2, 4.2],
        ]
        for odds in markets {
            for method in DevigMethod.allCases {
                for policy in NegativeMarginPolicy.allCases {
                    Self.expectSameAsArray(odds, method, policy)
                }
            }
        }
    }

    @Test(arguments: DevigMethod.allCases)
    func errorsAreTheArrayErrors(method: DevigMethod) {
        let cases: [([Double], DevigError)] = [
            ([], .tooFewOutcomes(count: 0)),
            ([2.0], .tooFewOutcomes(count: 1)),
            ([2.0, 3.0, 1.0], .invalidOdds(index: 2)),
            ([.nan, 3.0], .invalidOdds(index: 0)),
            ([2.0, .infinity], .invalidOdds(index: 1)),
            ([2.1, 2.1], .negativeMargin(margin: 2 / 2.1 - 1)),
        ]
        for (odds, error) in cases {
            #expect(throws: error) { try Devig.devig(odds, method: method) }
            #expect(throws: DevigBufferError.devig(error)) { try Self.viaBuffer(odds, method).result.get() }
            Self.expectSameAsArray(odds, method)
        }
        #expect(throws: DevigError.invalidOdds(index: 2)) {
            try Devig.devig(threeWay: SIMD3(2.0, 3.0, 1.0), method: method)
        }
    }

    @Test func longShotErrorsAreTheArrayErrors() {
        for method in [DevigMethod.additive, .marginWeights] {
            let error = DevigError.nonPositiveProbability(index: 2, method: method)
            #expect(throws: DevigBufferError.devig(error)) {
                try Self.viaBuffer([1.3, 4.0, 500], method).result.get()
            }
            #expect(throws: error) { try Devig.devig(threeWay: SIMD3(1.3, 4.0, 500), method: method) }
        }
    }

    @Test func sizeMismatchIsReportedBeforeAnythingIsWritten() {
        let odds = [2.10, 3.40, 3.60]
        for outputCount in [0, 2, 4] {
            var out = [Double](repeating: -7, count: outputCount)
            let error = #expect(throws: DevigBufferError.self) {
                try odds.withUnsafeBufferPointer { input throws(DevigBufferError) in
                    try out.withUnsafeMutableBufferPointer { output throws(DevigBufferError) in
                        _ = try Devig.devig(input, method: .power, into: output)
                    }
                }
            }
            #expect(error == .bufferSizeMismatch(oddsCount: 3, probabilitiesCount: outputCount))
            #expect(out.allSatisfy { $0 == -7 })
        }
        // A mismatch is a misuse of the buffers: it is reported even when the market is bad too.
        var out = [Double](repeating: -7, count: 2)
        #expect(throws: DevigBufferError.bufferSizeMismatch(oddsCount: 1, probabilitiesCount: 2)) {
            try [2.0].withUnsafeBufferPointer { input throws(DevigBufferError) in
                try out.withUnsafeMutableBufferPointer { output throws(DevigBufferError) in
                    _ = try Devig.devig(input, method: .shin, into: output)
                }
            }
        }
    }

    @Test func overlappingBuffersAreRejected() {
        let storage = UnsafeMutableBufferPointer<Double>.allocate(capacity: 8)
        defer { storage.deallocate() }
        _ = storage.initialize(from: [2.10, 3.40, 3.60, 2.5, 2.5, 9.0, 9.0, 9.0])
        let odds = UnsafeBufferPointer(rebasing: storage[0..<3])
        for start in 0..<3 {  // the same buffer (in place), and partial overlaps either way
            let output = UnsafeMutableBufferPointer(rebasing: storage[start..<(start + 3)])
            #expect(throws: DevigBufferError.overlappingBuffers) {
                try Devig.devig(odds, method: .multiplicative, into: output)
            }
            #expect(throws: DevigBufferError.overlappingBuffers) {
                try Devig.devig(UnsafeBufferPointer(output), method: .power, into: UnsafeMutableBufferPointer(mutating: odds))
            }
        }
        #expect(Array(storage) == [2.10, 3.40, 3.60, 2.5, 2.5, 9.0, 9.0, 9.0])  // nothing written
        // Adjacent, non-overlapping slices of one allocation are fine, in either order.
        let expected = try? Devig.devig([2.10, 3.40, 3.60], method: .shin).probabilities.map(\.bitPattern)
        let after = UnsafeMutableBufferPointer(rebasing: storage[3..<6])
        #expect(throws: Never.self) { try Devig.devig(odds, method: .shin, into: after) }
        #expect(Array(after).map(\.bitPattern) == expected)
        _ = UnsafeMutableBufferPointer(rebasing: storage[5..<8]).initialize(from: [2.10, 3.40, 3.60])
        let before = UnsafeMutableBufferPointer(rebasing: storage[2..<5])
        #expect(throws: Never.self) {
            try Devig.devig(UnsafeBufferPointer(rebasing: storage[5..<8]), method: .shin, into: before)
        }
        #expect(Array(before).map(\.bitPattern) == expected)
    }

    /// The intended bulk use: one contiguous table of odds, one contiguous table of
    /// probabilities, de-vigged market by market through rebased slices.
    @Test(arguments: DevigMethod.allCases)
    func contiguousTableMatchesArrayAPI(method: DevigMethod) throws {
        var rng = SplitMix64(seed: 77)
        let markets = (0..<50).map { _ in DevigPropertyTests.randomMarket(&rng).odds.prefix(3) }
            .filter { $0.count == 3 }.map(Array.init)
        let table = markets.flatMap { $0 }
        var fair = [Double](repeating: 0, count: table.count)
        var summaries: [Result<DevigSummary, DevigBufferError>] = []
        table.withUnsafeBufferPointer { odds in
            fair.withUnsafeMutableBufferPointer { out in
                for m in markets.indices {
                    let range = (3 * m)..<(3 * m + 3)
                    summaries.append(Result { () throws(DevigBufferError) in
                        try Devig.devig(
                            UnsafeBufferPointer(rebasing: odds[range]), method: method,
                            into: UnsafeMutableBufferPointer(rebasing: out[range]))
                    })
                }
            }
        }
        for (m, odds) in markets.enumerated() {
            switch (Self.viaArray(odds, method), summaries[m]) {
            case (.success(let expected), .success(let summary)):
                #expect(summary == expected.summary)
                #expect(fair[(3 * m)..<(3 * m + 3)].map(\.bitPattern) == expected.probabilities.map(\.bitPattern))
            case (.failure(let expected), .failure(let error)):
                #expect(error == .devig(expected))
            default:
                Issue.record("market \(m) \(odds): outcomes differ")
            }
        }
    }

    @Test func summaryAndResultRoundTrip() throws {
        let result = try Devig.devig([2.1, 4.2, 4.2], method: .shin, negativeMargin: .fallbackToMultiplicative)
        #expect(result.summary.usedFallback && result.summary.method == .multiplicative)
        #expect(DevigResult(summary: result.summary, probabilities: result.probabilities) == result)
    }
}
