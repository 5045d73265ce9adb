import Foundation

/// Locations inside the repository, found from this source file's path so tests work from
/// any working directory.
public enum RepoPaths {
    /// The repository root: the nearest ancestor of this file holding `Package.swift`.
    public static var root: String {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
            url.deleteLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }

    /// `emulator/kube_api_emulator.py`.
    public static var emulatorScript: String { root + "/emulator/kube_api_emulator.py" }

    /// The directory holding the project's CRD manifests.
    public static var crdDirectory: String { root + "/charts/cardano-forge-crds/crds" }
}
