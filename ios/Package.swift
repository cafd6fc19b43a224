// swift-tools-version:5.9
// Từng Nhà for iOS: the core (Rust, as an XCFramework built by build-xcframework.sh), its
// generated Swift bindings, and the view-models the SwiftUI app (App/, see project.yml) uses.
// Run ./build-xcframework.sh on a Mac first: it produces build/TungNhaCoreFFI.xcframework and
// Sources/TungNhaCore/TungNhaCore.swift (both build outputs, git-ignored).
import PackageDescription

let package = Package(
    name: "TungNha",
    // iOS 17 / macOS 14: the form models are @Observable (Observation framework).
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [
        .library(name: "TungNhaCore", targets: ["TungNhaCore"]),
        .library(name: "TungNhaPresentation", targets: ["TungNhaPresentation"]),
    ],
    targets: [
        .binaryTarget(name: "TungNhaCoreFFI", path: "build/TungNhaCoreFFI.xcframework"),
        .target(name: "TungNhaCore", dependencies: ["TungNhaCoreFFI"], path: "Sources/TungNhaCore", exclude: ["README.md"]),
        .target(name: "TungNhaPresentation", dependencies: ["TungNhaCore"], path: "Sources/TungNhaPresentation"),
        .testTarget(name: "TungNhaPresentationTests", dependencies: ["TungNhaPresentation"], path: "Tests/TungNhaPresentationTests"),
    ]
)
