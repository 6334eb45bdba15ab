import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The test harness's own spawner: a child (a PostgreSQL server, `monps serve`) inherits none of this process's
/// descriptors. PostgreSQL refused to start with the hundreds of sockets a test process holds.
@Suite("Test harness: spawned children inherit no descriptors")
struct SubprocessTests {
    @Test func aChildSeesOnlyItsStandardDescriptors() async throws {
        // Open descriptors this process would otherwise pass on (not close-on-exec).
        let held = (0..<50).map { _ in open("/dev/null", O_RDONLY) }
        defer { held.forEach { close($0) } }
        #expect(held.allSatisfy { $0 > 2 })
        // `ls` lists 0, 1, 2 and the descriptor of the directory it reads.
        let listed = try await Subprocess.run("/bin/sh", ["-c", "ls /proc/self/fd"])
        let descriptors = listed.split(whereSeparator: \.isNewline).compactMap { Int($0) }
        #expect(descriptors.count <= 4, "\(descriptors)")
        #expect(descriptors.allSatisfy { $0 <= 3 }, "\(descriptors)")
    }
}
