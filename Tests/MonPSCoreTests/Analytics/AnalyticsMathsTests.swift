import Testing
@testable import MonPSCore

@Suite("Analytics maths: yield interval, mean interval, bands, drawdown")
struct AnalyticsMathsTests {
    /// Two equal stakes, +100 and −100: R = 0, residual Σ(y − Rx)² = 20 000, SE = √(20 000 / 2) / 100 = 1.
    @Test func yieldIntervalByHand() throws {
        let interval = try #require(SampleStatistics.yieldInterval(
            RatioSums(count: 2, sumX: 200, sumY: 0, sumXX: 20_000, sumYY: 20_000, sumXY: 0)))
        #expect(abs(interval.lower + 1.959963984540054) < 1e-12)
        #expect(abs(interval.upper - 1.959963984540054) < 1e-12)
    }

    /// With equal stakes the ratio interval is the interval of the mean per-bet return.
    @Test func yieldIntervalMatchesMeanReturnForEqualStakes() throws {
        let returns = [1.0, -1.0, 0.9, -1.0, 0.5]
        let stake = 1_000.0
        let profits = returns.map { $0 * stake }
        let sums = RatioSums(
            count: returns.count, sumX: stake * 5, sumY: profits.reduce(0, +), sumXX: stake * stake * 5,
            sumYY: profits.reduce(0) { $0 + $1 * $1 }, sumXY: profits.reduce(0) { $0 + $1 * stake })
        let ratio = try #require(SampleStatistics.yieldInterval(sums))
        let mean = try #require(SampleStatistics.meanInterval(
            count: 5, sum: returns.reduce(0, +), sumOfSquares: returns.reduce(0) { $0 + $1 * $1 }))
        #expect(abs(ratio.lower - mean.lower) < 1e-12 && abs(ratio.upper - mean.upper) < 1e-12)
    }

    @Test func intervalsNeedTwoObservations() {
        #expect(SampleStatistics.yieldInterval(RatioSums(count: 1, sumX: 100, sumY: 50, sumXX: 10_000, sumYY: 2_500, sumXY: 5_000)) == nil)
        #expect(SampleStatistics.yieldInterval(RatioSums(count: 3, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0)) == nil)
        #expect(SampleStatistics.meanInterval(count: 1, sum: 0.1, sumOfSquares: 0.01) == nil)
    }

    /// 0.1, −0.1, 0.3: mean 0.1, sample variance (0.11 − 3·0.01)/2 = 0.04.
    @Test func meanIntervalByHand() throws {
        let interval = try #require(SampleStatistics.meanInterval(count: 3, sum: 0.3, sumOfSquares: 0.11))
        let half = 1.959963984540054 * 0.2 / 3.0.squareRoot()
        #expect(abs(interval.lower - (0.1 - half)) < 1e-12 && abs(interval.upper - (0.1 + half)) < 1e-12)
    }

    /// Numbered like PostgreSQL's `width_bucket(value, bounds)`: bounds belong to the band above them.
    @Test func oddsBands() {
        let bands = Bands.odds
        #expect(bands.count == 7)
        #expect(bands.index(of: 1.2) == 0 && bands.index(of: 1.5) == 1 && bands.index(of: 2.05) == 2)
        #expect(bands.index(of: 9.99) == 5 && bands.index(of: 10) == 6 && bands.index(of: 500) == 6)
        #expect(bands.label(0) == "1.00-1.50" && bands.label(2) == "2.00-2.50" && bands.label(6) == "10.00+")
    }

    @Test func clvHistogramBins() {
        let bins = Bands.clvHistogram
        #expect(bins.count == 22)
        #expect(bins.index(of: -0.25) == 0 && bins.index(of: 0) == 11 && bins.index(of: 0.05) == 13 && bins.index(of: 0.3) == 21)
        #expect(bins.label(0, percent: true) == "<-20%" && bins.label(11, percent: true) == "0%-2%")
        #expect(bins.label(21, percent: true) == "20%+" && bins.label(10, percent: true) == "-2%-0%")
        #expect(Bands.clvYield.label(1, percent: true) == "-5%-0%")
    }

    @Test func drawdownSeries() {
        let points = DrawdownSeries.compute([100, 150, 120, 80, 200])
        #expect(points.map(\.peak) == [100, 150, 150, 150, 200])
        #expect(points.map(\.drawdown) == [0, 0, 30, 70, 0])
        #expect(points[3].drawdownShare == 70.0 / 150)
        #expect(DrawdownSeries.maximum(points) == 70)
        // A peak reached before the range still counts.
        let later = DrawdownSeries.compute([90, 95], startingPeak: 120)
        #expect(later.map(\.drawdown) == [30, 25])
        #expect(DrawdownSeries.compute([0]).first?.drawdownShare == nil)
    }
}
