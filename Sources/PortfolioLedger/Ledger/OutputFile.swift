import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way portfolio-ledger creates a file for the user (a ledger, a backup, an export, a
/// chart, …): owner-only (`0600`, whatever the umask), never through a symbolic link, and never
/// over an existing file unless the caller asks for ``Existing/replace``.
///
/// ``write(to:existing:_:)`` fills a temporary file beside the destination and only then puts it
/// in place (`link(2)`, or `rename(2)` when replacing), so the destination never holds a half-written
/// file and a failed write leaves nothing behind. Neither call follows a link: `link` and `rename`
/// act on the directory entry itself, and the temporary file is opened `O_CREAT | O_EXCL | O_NOFOLLOW`.
public enum OutputFile {
    /// What to do when the destination already exists.
    public enum Existing: Sendable {
        /// Refuse with ``LedgerError/alreadyExists(path:)`` (the default everywhere).
        case refuse
        /// Replace a regular file (`--force`). A symbolic link or a directory is still refused.
        case replace
    }

    /// The temporary file a producer fills; it becomes the destination when the producer returns.
    public struct Destination {
        /// Path of the temporary file, for a producer that writes by path (e.g. SQLite's backup).
        public let temporaryPath: String
        let descriptor: Int32

        /// Appends `bytes` to the file.
        public func write(_ bytes: Data) throws {
            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = writeBytes(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw LedgerError.cannotCreate(path: temporaryPath, reason: OutputFile.lastError())
                    }
                    offset += n
                }
            }
        }
    }

    /// Creates an empty owner-only file at `path` for a writer that opens it by path afterwards
    /// (SQLite creating a ledger). Refuses an existing file, a symbolic link (even a dangling one)
    /// and a path it cannot create, with ``LedgerError/cannotCreate(path:reason:)``.
    public static func reserve(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw errno == EEXIST ? LedgerError.alreadyExists(path: path) : LedgerError.cannotCreate(path: path, reason: lastError())
        }
        defer { close(fd) }
        // The umask can only take bits away from 0600; set exactly 0600 anyway.
        guard fchmod(fd, 0o600) == 0 else {
            let reason = lastError()
            unlink(path)
            throw LedgerError.cannotCreate(path: path, reason: reason)
        }
    }

    /// Writes a new file at `path`: `produce` fills a temporary file beside it, which then takes
    /// the destination's place. Returns what `produce` returns.
    ///
    /// - Throws: ``LedgerError/alreadyExists(path:)`` when `path` exists and `existing` is
    ///   ``Existing/refuse``; ``LedgerError/cannotCreate(path:reason:)`` when `path` is a symbolic
    ///   link or a directory, or the folder cannot be written; whatever `produce` throws (the
    ///   temporary file is removed and the destination is untouched).
    @discardableResult
    public static func write<R>(to path: String, existing: Existing, _ produce: (Destination) throws -> R) throws -> R {
        try checkDestination(path, existing: existing)
        let temporary = temporaryPath(beside: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LedgerError.cannotCreate(path: path, reason: lastError()) }
        var isOpen = true
        func discard() {
            if isOpen { close(fd) }
            isOpen = false
            unlink(temporary)
        }
        do {
            guard fchmod(fd, 0o600) == 0 else { throw LedgerError.cannotCreate(path: path, reason: lastError()) }
            let result = try produce(Destination(temporaryPath: temporary, descriptor: fd))
            guard fsync(fd) == 0 else { throw LedgerError.cannotCreate(path: path, reason: lastError()) }
            close(fd)
            isOpen = false
            try publish(temporary, at: path, existing: existing)
            return result
        } catch {
            discard()
            throw error
        }
    }

    // MARK: -

    private static func checkDestination(_ path: String, existing: Existing) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw LedgerError.cannotCreate(path: path, reason: lastError())
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK, existing == .replace {
            throw LedgerError.cannotCreate(path: path, reason: "it is a symbolic link; portfolio-ledger never writes through or replaces a link")
        }
        if type == S_IFDIR { throw LedgerError.cannotCreate(path: path, reason: "it is a directory") }
        guard existing == .replace else { throw LedgerError.alreadyExists(path: path) }
        guard type == S_IFREG else { throw LedgerError.cannotCreate(path: path, reason: "it is not a regular file") }
    }

    /// Puts the finished temporary file at `path`. `link(2)` fails when `path` exists (also as a
    /// link planted meanwhile), so nothing is ever replaced by accident; on a file system without
    /// hard links (FAT, some network shares) the name is claimed with `O_EXCL` and the file renamed
    /// over that claim.
    private static func publish(_ temporary: String, at path: String, existing: Existing) throws {
        if existing == .replace {
            guard rename(temporary, path) == 0 else { throw LedgerError.cannotCreate(path: path, reason: lastError()) }
            return
        }
        if link(temporary, path) == 0 {
            unlink(temporary)
            return
        }
        if errno == EEXIST { throw LedgerError.alreadyExists(path: path) }
        try reserve(path)
        guard rename(temporary, path) == 0 else {
            let reason = lastError()
            unlink(path)
            throw LedgerError.cannotCreate(path: path, reason: reason)
        }
    }

    /// `DIR/.NAME.tmp-PID-RANDOM`, in the destination's folder so the final rename or link stays
    /// on one file system.
    private static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

/// `write(2)`, reachable from inside a type that has a `write` method of its own.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
