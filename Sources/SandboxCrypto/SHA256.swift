/// SHA-256 (FIPS 180-4), streaming.
///
/// Feed bytes with ``update(_:)-(UnsafeRawBufferPointer)`` as they arrive, then call ``finalize()``; or hash a
/// whole message at once with ``hash(_:)``. Whole 64-byte blocks are compressed straight from the caller's
/// memory; only a trailing partial block is copied into the 64-byte inline buffer, so nothing is allocated
/// per byte or per block.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update("abc".utf8)
/// Hex.encode(hasher.finalize())  // "ba7816bf…"
/// ```
public struct SHA256: Sendable {
    /// The digest length in bytes (32).
    public static let byteCount = 32
    /// The block length in bytes (64); HMAC pads keys to this length.
    public static let blockByteCount = 64

    private var state: State
    /// The unprocessed tail of the message (fewer than 64 bytes), as eight words of inline storage.
    private var buffer: Block
    private var bufferCount: Int
    private var messageByteCount: UInt64

    /// Creates a hasher for an empty message.
    public init() {
        state = State()
        buffer = Block()
        bufferCount = 0
        messageByteCount = 0
    }

    /// Appends bytes to the message.
    ///
    /// - Parameter bytes: The next bytes of the message. The memory is only read during the call.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        messageByteCount &+= UInt64(remaining)

        if bufferCount > 0 {
            let taken = min(remaining, Self.blockByteCount - bufferCount)
            let count = bufferCount
            withUnsafeMutableBytes(of: &buffer) { block in
                (block.baseAddress! + count).copyMemory(from: input, byteCount: taken)
            }
            bufferCount += taken
            input += taken
            remaining -= taken
            guard bufferCount == Self.blockByteCount else { return }
            withUnsafeBytes(of: buffer) { block in
                Self.compress(&state, blocks: block.baseAddress!, count: 1)
            }
            bufferCount = 0
        }

        let wholeBlocks = remaining / Self.blockByteCount
        if wholeBlocks > 0 {
            Self.compress(&state, blocks: input, count: wholeBlocks)
            input += wholeBlocks * Self.blockByteCount
            remaining -= wholeBlocks * Self.blockByteCount
        }

        if remaining > 0 {
            withUnsafeMutableBytes(of: &buffer) { block in
                block.baseAddress!.copyMemory(from: input, byteCount: remaining)
            }
            bufferCount = remaining
        }
    }

    /// Appends bytes to the message.
    ///
    /// Contiguous collections (`[UInt8]`, `Data`, `String.UTF8View`, slices) are read in place; other sequences
    /// are copied in chunks.
    ///
    /// - Parameter bytes: The next bytes of the message.
    @inlinable
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { storage in
            update(UnsafeRawBufferPointer(storage))
        }
        if handled == nil {
            updateByCopying(bytes)
        }
    }

    @usableFromInline
    mutating func updateByCopying(_ bytes: some Sequence<UInt8>) {
        var chunk: [UInt8] = []
        chunk.reserveCapacity(4096)
        for byte in bytes {
            chunk.append(byte)
            if chunk.count == 4096 {
                chunk.withUnsafeBytes { update($0) }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        chunk.withUnsafeBytes { update($0) }
    }

    /// Returns the digest of everything passed to `update` so far.
    ///
    /// The hasher is not consumed: more bytes may be added afterwards and `finalize()` called again for the
    /// digest of the longer message.
    ///
    /// - Returns: The 32-byte digest.
    public func finalize() -> [UInt8] {
        var state = self.state
        var block = Block()
        let count = bufferCount
        let bitLength = messageByteCount &* 8
        withUnsafeMutableBytes(of: &block) { bytes in
            withUnsafeBytes(of: buffer) { tail in
                bytes.baseAddress!.copyMemory(from: tail.baseAddress!, byteCount: count)
            }
            bytes[count] = 0x80
            if count >= Self.blockByteCount - 8 {
                // No room for the length: pad this block with zeros and put the length in one more block.
                Self.compress(&state, blocks: UnsafeRawPointer(bytes.baseAddress!), count: 1)
                for index in 0..<Self.blockByteCount { bytes[index] = 0 }
            }
            bytes.storeBytes(of: bitLength.bigEndian, toByteOffset: Self.blockByteCount - 8, as: UInt64.self)
            Self.compress(&state, blocks: UnsafeRawPointer(bytes.baseAddress!), count: 1)
        }
        return state.digest()
    }

    /// Returns the SHA-256 digest of a whole message.
    ///
    /// - Parameter bytes: The message.
    /// - Returns: The 32-byte digest.
    @inlinable
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

extension SHA256 {
    /// The eight working words H0…H7.
    struct State {
        var a: UInt32 = 0x6a09_e667
        var b: UInt32 = 0xbb67_ae85
        var c: UInt32 = 0x3c6e_f372
        var d: UInt32 = 0xa54f_f53a
        var e: UInt32 = 0x510e_527f
        var f: UInt32 = 0x9b05_688c
        var g: UInt32 = 0x1f83_d9ab
        var h: UInt32 = 0x5be0_cd19

        func digest() -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: SHA256.byteCount) { bytes, initialized in
                let raw = UnsafeMutableRawBufferPointer(bytes)
                for (index, word) in [a, b, c, d, e, f, g, h].enumerated() {
                    raw.storeBytes(of: word.bigEndian, toByteOffset: index * 4, as: UInt32.self)
                }
                initialized = SHA256.byteCount
            }
        }
    }

    /// 64 bytes of inline storage.
    struct Block {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    }
}
