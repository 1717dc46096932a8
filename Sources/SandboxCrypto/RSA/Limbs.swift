/// RSA's big numbers: natural numbers stored as fixed-width arrays of 64-bit limbs, least significant first.
///
/// A number's width (its limb count) is chosen from public sizes (the modulus, the primes' limb count) and never
/// from its value, so the loops below run the same number of times for every value of a given width. Functions
/// marked *variable-time* look at the value and are only used on public numbers (the modulus, the public exponent,
/// signatures) or on sizes.
enum Limbs {
    /// The number whose big-endian bytes are `bytes`, in `count` limbs; `nil` if it does not fit.
    ///
    /// Leading zero bytes are allowed. The loop depends on the length of `bytes` only.
    static func fromBigEndian(_ bytes: some Collection<UInt8>, count: Int) -> [UInt64]? {
        let bytes = Array(bytes)
        var limbs = [UInt64](repeating: 0, count: count)
        var overflow: UInt8 = 0
        for (position, byte) in bytes.reversed().enumerated() {
            let limb = position / 8
            if limb < count {
                limbs[limb] |= UInt64(byte) << (8 * UInt64(position % 8))
            } else {
                overflow |= byte
            }
        }
        return overflow == 0 ? limbs : nil
    }

    /// The big-endian bytes of `limbs`, exactly `byteCount` of them (I2OSP of RFC 8017 §4.1).
    ///
    /// - Precondition: the number fits in `byteCount` bytes (the caller reduced it modulo a `byteCount`-byte
    ///   modulus).
    static func bigEndianBytes(_ limbs: [UInt64], byteCount: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: byteCount)
        for position in 0..<byteCount {
            let limb = position / 8
            guard limb < limbs.count else { break }
            bytes[byteCount - 1 - position] = UInt8(truncatingIfNeeded: limbs[limb] >> (8 * UInt64(position % 8)))
        }
        return bytes
    }

    /// The number of limbs up to and including the most significant non-zero one. *Variable-time*: used on
    /// public numbers, and on the primes only for their size (which the modulus' size gives away).
    static func significantCount(_ limbs: [UInt64]) -> Int {
        var count = limbs.count
        while count > 0 && limbs[count - 1] == 0 { count -= 1 }
        return count
    }

    /// The number of bits up to and including the most significant set bit; 0 for zero. *Variable-time*.
    static func bitCount(_ limbs: [UInt64]) -> Int {
        let count = significantCount(limbs)
        guard count > 0 else { return 0 }
        return count * 64 - limbs[count - 1].leadingZeroBitCount
    }

    /// `limbs` with its width changed to `count`: zero-extended, or cut (the caller knows the cut limbs are zero).
    static func resized(_ limbs: [UInt64], to count: Int) -> [UInt64] {
        if limbs.count >= count { return Array(limbs[0..<count]) }
        return limbs + [UInt64](repeating: 0, count: count - limbs.count)
    }

    /// −1, 0 or 1 as `a` is below, equal to or above `b`, compared as numbers of any widths. *Variable-time*.
    static func compare(_ a: [UInt64], _ b: [UInt64]) -> Int {
        for index in stride(from: max(a.count, b.count) - 1, through: 0, by: -1) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// The product `a · b`, in `a.count + b.count` limbs (schoolbook; the loops depend on the widths only).
    static func product(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: a.count + b.count)
        for i in 0..<a.count {
            var carry: UInt64 = 0
            for j in 0..<b.count {
                let (high, low) = a[i].multipliedFullWidth(by: b[j])
                let (sum, overflow1) = low.addingReportingOverflow(result[i + j])
                let (total, overflow2) = sum.addingReportingOverflow(carry)
                result[i + j] = total
                carry = high &+ bit(overflow1) &+ bit(overflow2)
            }
            result[i + b.count] = carry
        }
        return result
    }

    /// Adds `b` to `a` in place, modulo 2^(64·a.count); `b` is at most as wide as `a`. Returns the carry out.
    @discardableResult
    static func add(_ a: inout [UInt64], _ b: [UInt64]) -> UInt64 {
        var carry: UInt64 = 0
        for index in 0..<a.count {
            let (sum, overflow1) = a[index].addingReportingOverflow(index < b.count ? b[index] : 0)
            let (total, overflow2) = sum.addingReportingOverflow(carry)
            a[index] = total
            carry = bit(overflow1) | bit(overflow2)
        }
        return carry
    }

    /// 1 for `true`, 0 for `false`, without a branch.
    ///
    /// A `Bool` is one byte holding 0 or 1, so reinterpreting it is a plain zero-extension. `flag ? 1 : 0` is not
    /// safe here: in an optimized build LLVM turned the carries of ``product(_:_:)`` written that way into
    /// conditional jumps on the carry flag, i.e. on the secret limbs.
    @inline(__always)
    static func bit(_ flag: Bool) -> UInt64 {
        UInt64(unsafeBitCast(flag, to: UInt8.self))
    }

    /// All ones if `bit` is 1, zero if it is 0: the selector of the constant-time choices `(x & mask) | (y & ~mask)`.
    ///
    /// The mask goes through ``opaque(_:)``: an optimizer that can see a value is 0 or all ones rewrites the choice
    /// as a branch (it did: it unswitched the final-subtraction loop of the Montgomery multiplication on the mask).
    @inline(__always)
    static func mask(_ bit: UInt64) -> UInt64 {
        opaque(0 &- bit)
    }

    /// `value`, through a call the optimizer can neither inline nor look into, so that it knows nothing about the
    /// result (Swift has no value barrier like C's empty `asm`). Called once per mask, not per limb.
    @inline(never)
    @_optimize(none)
    static func opaque(_ value: UInt64) -> UInt64 {
        value
    }
}
