// swift-tools-version: 6.2
// Standalone benchmark of MonPSCore's de-vig methods. MonPSCore is compiled from the repository's
// own sources through the symlink Sources/MonPSCore -> ../../../Sources/MonPSCore, so this package
// builds without any of the server's dependencies.
import PackageDescription

let package = Package(
    name: "DevigBenchmark",
    targets: [
        .target(name: "MonPSCore", swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .executableTarget(name: "DevigBenchmark", dependencies: ["MonPSCore"]),
    ]
)
