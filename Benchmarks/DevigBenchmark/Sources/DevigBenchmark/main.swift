// De-vig throughput: 3-way markets per second for each method and each entry point, single thread.
//
// Entry points measured for every method:
//   array     Devig.devig(_: [Double], …) -> DevigResult        (allocates the two result arrays)
//   buffer    Devig.devig(_: UnsafeBufferPointer, …, into:)      (allocation-free; one contiguous
//                                                                 odds table in, one table out)
//   threeWay  Devig.devig(threeWay: SIMD3<Double>, …)            (allocation-free, no pointers)
//
// The markets are generated at run time from a seeded SplitMix64 (random fair probabilities and
// margins 2–10%), so nothing can be constant-folded; every call's first probability and its
// iteration count feed a checksum that is printed, so no call can be dropped as dead code.
// Throughput is reported per second of this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), which
// stays meaningful on a shared machine, and per second of wall time.
// Usage: DevigBenchmark [seconds-per-run (default 1.0)] [runs (default 5)]
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MonPSCore

let arguments = CommandLine.arguments
let secondsPerRun = arguments.count > 1 ? Double(arguments[1]) ?? 1.0 : 1.0
let runs = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 5) : 5

/// 4096 distinct 3-way markets (fits in L1/L2; the loop cycles through them).
func makeMarkets(count: Int, seed: UInt64) -> [[Double]] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        let weights = (0..<3).map { _ in 0.2 + rng.nextUnit() }
        let total = weights.reduce(0, +)
        let margin = 0.02 + rng.nextUnit() * 0.08
        return weights.map { total / ($0 * (1 + margin)) }
    }
}

let markets = makeMarkets(count: 4096, seed: UInt64(arguments.count) &+ 0x00DE_71C0)
let mask = markets.count - 1
/// The same markets as one contiguous table (market m at 3m..<3m+3), for the buffer entry point.
let oddsTable: [Double] = markets.flatMap { $0 }
/// The same markets as SIMD3 values, for the three-way entry point.
let simdMarkets: [SIMD3<Double>] = markets.map { SIMD3($0[0], $0[1], $0[2]) }

/// CPU time consumed by the calling thread, in seconds.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

enum EntryPoint: String, CaseIterable {
    case array, buffer, threeWay
}

struct Run {
    var cpuMps: Double
    var wallMps: Double
    var checksum: Double
    var iterations: Double
}

/// Runs `body(marketIndex)` on cycling market indices until `secondsPerRun` of thread CPU time
/// has passed; `body` returns (a probability to fold into the checksum, solver iterations).
@inline(__always)
func measure(_ body: (Int) -> (Double, Int)) -> Run {
    var checksum = 0.0
    var iterations = 0
    var done = 0
    let clock = ContinuousClock()
    let start = clock.now
    let cpuStart = threadCPUSeconds()
    // Check the clock every 16 384 markets so timing costs nothing measurable.
    while threadCPUSeconds() - cpuStart < secondsPerRun {
        for i in 0..<16_384 {
            let (probability, used) = body((done &+ i) & mask)
            checksum += probability
            iterations &+= used
        }
        done += 16_384
    }
    let cpu = threadCPUSeconds() - cpuStart
    let elapsed = clock.now - start
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return Run(
        cpuMps: Double(done) / cpu / 1e6, wallMps: Double(done) / wall / 1e6, checksum: checksum,
        iterations: Double(iterations) / Double(done))
}

func measure(_ method: DevigMethod, _ entryPoint: EntryPoint) -> Run {
    switch entryPoint {
    case .array:
        return measure { m in
            do {
                let result = try Devig.devig(markets[m], method: method)
                return (result.probabilities[0], result.iterations)
            } catch {
                return (-1, 0)  // Not expected for these markets; counted so it is not optimised away.
            }
        }
    case .buffer:
        var fairTable = [Double](repeating: 0, count: oddsTable.count)
        return oddsTable.withUnsafeBufferPointer { odds in
            fairTable.withUnsafeMutableBufferPointer { fair in
                measure { m in
                    let range = (3 &* m)..<(3 &* m &+ 3)
                    let out = UnsafeMutableBufferPointer(rebasing: fair[range])
                    do {
                        let summary = try Devig.devig(
                            UnsafeBufferPointer(rebasing: odds[range]), method: method, into: out)
                        return (out[0], summary.iterations)
                    } catch {
                        return (-1, 0)
                    }
                }
            }
        }
    case .threeWay:
        return simdMarkets.withUnsafeBufferPointer { odds in
            measure { m in
                do {
                    let (probabilities, summary) = try Devig.devig(threeWay: odds[m], method: method)
                    return (probabilities.x, summary.iterations)
                } catch {
                    return (-1, 0)
                }
            }
        }
    }
}

print("De-vig throughput, 3-way markets, single thread, \(runs) runs × \(secondsPerRun) s CPU (median)")
print("method          entry point  M/s (CPU time)  M/s (wall)  ns/market  vs array  iterations/market")
var grandChecksum = 0.0
for method in DevigMethod.allCases {
    var arrayMedian = 0.0
    for entryPoint in EntryPoint.allCases {
        _ = measure(method, entryPoint)  // warm-up run
        var cpu: [Double] = [], wall: [Double] = []
        var iterations = 0.0
        for _ in 0..<runs {
            let run = measure(method, entryPoint)
            cpu.append(run.cpuMps)
            wall.append(run.wallMps)
            grandChecksum += run.checksum
            iterations = run.iterations
        }
        cpu.sort()
        wall.sort()
        let median = cpu[cpu.count / 2]
        if entryPoint == .array { arrayMedian = median }
        let name = entryPoint == .array ? method.rawValue : ""
        print(
            name.rightPadded(to: 15), entryPoint.rawValue.rightPadded(to: 12),
            median.fixed(2).leftPadded(to: 14), wall[wall.count / 2].fixed(2).leftPadded(to: 11),
            (1000 / median).fixed(0).leftPadded(to: 10), ((median / arrayMedian).fixed(1) + "×").leftPadded(to: 9),
            iterations.fixed(1).leftPadded(to: 12))
    }
}
print("checksum \(grandChecksum)")

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

extension Double {
    /// Fixed-point text without Foundation, e.g. 12.3456.fixed(2) == "12.35".
    func fixed(_ digits: Int) -> String {
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((self * Double(scale)).rounded())
        guard digits > 0 else { return String(scaled) }
        let fraction = String(scaled % scale)
        return "\(scaled / scale)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
