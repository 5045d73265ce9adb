/// The release of both binaries, printed by `--version` and exported as the
/// `cardano_forge_manager_info{version}` label.
public enum ForgeVersion {
    public static let current = "2.0.0"
}
