#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line in chunks (bounded memory), for JSON Lines. Lines end with `\n`
/// or `\r\n`; a UTF-8 byte-order mark at the start is skipped.
final class LineReader {
    let path: String
    let fileSize: Int64
    /// 1-based number of the line last returned.
    private(set) var line = 0
    private let fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var consumedBefore: Int64 = 0
    private let maxLineBytes: Int
    private var hasher = XXH64()
    private var isFirstFill = true

    init(path: String, chunkSize: Int = 1 << 20, maxLineBytes: Int = 64 << 20) throws(ImportError) {
        (fd, fileSize) = try openRegularFile(path)
        self.path = path
        capacity = max(chunkSize, 64)
        self.maxLineBytes = max(maxLineBytes, capacity)
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    var bytesRead: Int64 { consumedBefore + Int64(start) }
    var contentHash: (digest: UInt64, size: Int64) { (hasher.digest(), consumedBefore + Int64(end)) }

    /// Calls `body` with the next line's bytes (without its line end); false at the end of the file.
    func next(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Bool {
        while true {
            var i = start
            while i < end && buffer[i] != 0x0A { i += 1 }
            if i < end || (atEOF && start < end) {
                var lineEnd = i
                if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                line += 1
                let bytes = UnsafeBufferPointer(start: buffer + start, count: lineEnd - start)
                start = min(i + 1, end)
                try body(bytes)
                return true
            }
            if atEOF { return false }
            try fill()
        }
    }

    private func fill() throws(ImportError) {
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { buffer.update(from: buffer + start, count: remaining) }
            consumedBefore += Int64(start)
            start = 0
            end = remaining
        }
        if end == capacity {
            guard capacity < maxLineBytes else {
                throw ImportError(file: path, line: line + 1, reason: "a line longer than \(maxLineBytes) bytes")
            }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: min(capacity * 2, maxLineBytes))
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = min(capacity * 2, maxLineBytes)
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw ImportError(file: path, line: line + 1, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { atEOF = true }
            hasher.update(UnsafeRawBufferPointer(start: buffer + end, count: n))
            end += n
            break
        }
        if isFirstFill {
            isFirstFill = false
            if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
        }
    }
}

/// Opens `path` read-only and returns its descriptor and size; refuses anything but a regular file
/// (a directory, a FIFO), so a reader never blocks or reads garbage. Shared by the CSV and line readers.
func openRegularFile(_ path: String) throws(ImportError) -> (fd: Int32, size: Int64) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ImportError(file: path, reason: "cannot open: \(String(cString: strerror(errno)))", isUnreadableFile: true) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
        close(fd)
        throw ImportError(file: path, reason: "not a regular file", isUnreadableFile: true)
    }
    return (fd, Int64(info.st_size))
}
