import Foundation

/// What a test needs from outside the package — the shared real data, a program, a user account —
/// found relative to this file (never by an absolute path). A missing requirement is a thrown
/// ``Missing`` that names it and how to provide it: the test fails, it is never skipped, so a run
/// on a machine without it cannot pass by not checking anything. `.ci/run` installs the programs.
public enum TestRequirement {
    public struct Missing: Error, CustomStringConvertible {
        public let what: String
        public let remedy: String
        public init(what: String, remedy: String) {
            self.what = what
            self.remedy = remedy
        }
        public var description: String {
            "missing test requirement: \(what). \(remedy)\(isCI ? " (CI=true: .ci/run must provide it)" : "")"
        }
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The package root: this file is `Tests/LedgerTestSupport/TestRequirement.swift`.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data/real` beside the package root (where CI and every developer keep it).
    public static let realDataDirectory = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/data/real").standardizedFileURL

    /// The path of a file of the shared real data, which must exist.
    public static func realData(_ relative: String) throws -> String {
        let url = realDataDirectory.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(what: "real data file \(url.path)",
                          remedy: "The shared folder must sit at ../shared beside the package root (shared/data/real, see its README).")
        }
        return url.path
    }

    /// The absolute path of `program` on `PATH`.
    public static func program(_ program: String, package: String? = nil) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(program).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Missing(what: "the program `\(program)` is not on PATH",
                      remedy: "Install it (Debian/Ubuntu: apt-get install \(package ?? program)).")
    }
}

extension TestRequirement {
    /// A local user account, by name (e.g. `nobody`, for tests that need an unprivileged user).
    public static func account(_ name: String) throws -> (uid: uid_t, gid: gid_t) {
        guard let entry = getpwnam(name) else {
            throw Missing(what: "the user account `\(name)`", remedy: "Create it (useradd), or run the tests where it exists.")
        }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }
}
