/// XXH64, the 64-bit xxHash of Yann Collet (specification:
/// <https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md>), computed incrementally so a
/// file of any size is hashed in bounded memory.
///
/// It identifies an imported file's content (the `import_source.content_hash`): fast (several
/// GB/s) and well distributed, but **not** cryptographic — it recognises the same file, it does
/// not defend against a forged one. Test vectors from the reference implementation are in
/// `ContentHashTests`.
public struct XXH64: Sendable {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var v1, v2, v3, v4: UInt64
    /// Bytes of an incomplete 32-byte stripe, carried to the next `update`.
    private var carry: [UInt8] = []
    private var length: UInt64 = 0

    public init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ Self.p1 &+ Self.p2
        v2 = seed &+ Self.p2
        v3 = seed
        v4 = seed &- Self.p1
        carry.reserveCapacity(32)
    }

    /// The hash of `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0) -> UInt64 {
        var hasher = XXH64(seed: seed)
        hasher.update(Array(bytes))
        return hasher.digest()
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inline(__always) private static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
        (acc ^ round(0, value)) &* p1 &+ p4
    }

    @inline(__always) private static func load64(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always) private static func load64(_ p: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Feeds `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        if !carry.isEmpty {
            let take = min(32 - carry.count, bytes.count)
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<take]))
            offset = take
            guard carry.count == 32 else { return }
            let lanes = carry.withUnsafeBytes { raw in
                (Self.load64(raw, 0), Self.load64(raw, 8), Self.load64(raw, 16), Self.load64(raw, 24))
            }
            v1 = Self.round(v1, lanes.0)
            v2 = Self.round(v2, lanes.1)
            v3 = Self.round(v3, lanes.2)
            v4 = Self.round(v4, lanes.3)
            carry.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= 32 {
            stripe(base, offset)
            offset += 32
        }
        if offset < bytes.count { carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset...])) }
    }

    /// Feeds `bytes`.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    @inline(__always) private mutating func stripe(_ p: UnsafeRawPointer, _ offset: Int) {
        v1 = Self.round(v1, Self.load64(p, offset))
        v2 = Self.round(v2, Self.load64(p, offset + 8))
        v3 = Self.round(v3, Self.load64(p, offset + 16))
        v4 = Self.round(v4, Self.load64(p, offset + 24))
    }

    /// The hash of everything fed so far.
    public func digest() -> UInt64 {
        var h: UInt64
        if length >= 32 {
            h = Self.rotl(v1, 1) &+ Self.rotl(v2, 7) &+ Self.rotl(v3, 12) &+ Self.rotl(v4, 18)
            h = Self.merge(h, v1)
            h = Self.merge(h, v2)
            h = Self.merge(h, v3)
            h = Self.merge(h, v4)
        } else {
            h = seed &+ Self.p5
        }
        h &+= length
        carry.withUnsafeBytes { tail in
            var i = 0
            while tail.count - i >= 8 {
                h ^= Self.round(0, UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                h = Self.rotl(h, 27) &* Self.p1 &+ Self.p4
                i += 8
            }
            if tail.count - i >= 4 {
                h ^= UInt64(UInt32(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* Self.p1
                h = Self.rotl(h, 23) &* Self.p2 &+ Self.p3
                i += 4
            }
            while i < tail.count {
                h ^= UInt64(tail[i]) &* Self.p5
                h = Self.rotl(h, 11) &* Self.p1
                i += 1
            }
        }
        h ^= h >> 33
        h &*= Self.p2
        h ^= h >> 29
        h &*= Self.p3
        h ^= h >> 32
        return h
    }
}

extension UInt64 {
    /// 16 lowercase hex digits.
    var hex16: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
