import Foundation

/// Built products of this package, found next to the running test bundle
/// (`.build*/<configuration>/`), so tests run the binaries of the same build.
public enum Binaries {
    /// The directory of the running test executable.
    public static var directory: String {
        #if os(Linux)
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return (resolved as NSString).deletingLastPathComponent
        }
        #endif
        // macOS: the .xctest bundle sits in the products directory.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return (bundle.bundlePath as NSString).deletingLastPathComponent
        }
        return (CommandLine.arguments[0] as NSString).deletingLastPathComponent
    }

    /// Absolute path of a product, e.g. `Binaries.path("forge-reporter")`.
    public static func path(_ product: String) -> String {
        directory + "/" + product
    }
}
