/// An odd modulus m with what Montgomery multiplication needs: R = 2^(64·count), −m⁻¹ mod 2^64, R² and R³ mod m.
///
/// A number x is in *Montgomery form* as x·R mod m; ``multiply(_:_:)`` of two such numbers gives the Montgomery form
/// of their product, with no division. Every operation here runs in time that depends on the width only: no branch
/// and no memory index depends on the modulus or the operands, so the same code serves the secret primes p and q
/// and the public modulus n. (The final subtraction of each product is chosen by a mask, not an `if`.)
struct MontgomeryModulus: Sendable {
    /// m, in ``count`` limbs (the top limb may be zero: p and q share one width).
    let modulus: [UInt64]
    /// −m⁻¹ mod 2^64.
    let inverse: UInt64
    /// R² mod m: turns a number into Montgomery form.
    let rSquared: [UInt64]
    /// R³ mod m: turns the Montgomery reduction of a wide number into Montgomery form (``montgomeryResidue(of:)``).
    let rCubed: [UInt64]

    /// The width in limbs.
    var count: Int { modulus.count }

    /// Prepares an odd modulus.
    ///
    /// - Parameter modulus: An odd m > 1, in the width to compute in.
    init(odd modulus: [UInt64]) {
        precondition(modulus.first.map { $0 & 1 == 1 } == true, "a Montgomery modulus is odd")
        self.modulus = modulus
        inverse = Self.negatedInverse(of: modulus[0])
        let rSquared = Self.powerOfTwo(exponent: 128 * modulus.count, modulo: modulus)
        self.rSquared = rSquared
        rCubed = Self.multiply(rSquared, rSquared, modulus: modulus, inverse: inverse)
    }

    /// a·b·R⁻¹ mod m, for a, b < m in this width. Constant-time.
    func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        Self.multiply(a, b, modulus: modulus, inverse: inverse)
    }

    /// x·R⁻¹ mod m (Montgomery reduction, REDC), for any x < m·R of up to 2·``count`` limbs. Constant-time.
    ///
    /// This is how a number wider than m — the message modulo p, for instance — is reduced without a division and
    /// without a branch: follow it by a ``multiply(_:_:)`` with R² (``residue(of:)``) or R³
    /// (``montgomeryResidue(of:)``).
    func reduce(_ wide: [UInt64]) -> [UInt64] {
        precondition(wide.count <= 2 * count, "REDC input wider than 2·count limbs")
        var result = [UInt64](repeating: 0, count: count)
        var padded = Limbs.resized(wide, to: 2 * count)
        modulus.withUnsafeBufferPointer { m in
            padded.withUnsafeMutableBufferPointer { t in
                result.withUnsafeMutableBufferPointer { r in
                    Self.reduce(
                        t.baseAddress!,
                        into: r.baseAddress!,
                        modulus: m.baseAddress!,
                        inverse: inverse,
                        count: count
                    )
                }
            }
        }
        return result
    }

    /// x mod m, for x < m·R of up to 2·``count`` limbs. Constant-time.
    func residue(of wide: [UInt64]) -> [UInt64] {
        multiply(reduce(wide), rSquared)
    }

    /// The Montgomery form of x mod m, x·R mod m, for x < m·R of up to 2·``count`` limbs. Constant-time.
    func montgomeryResidue(of wide: [UInt64]) -> [UInt64] {
        multiply(reduce(wide), rCubed)
    }

    /// (a − b) mod m, for a, b < m: the borrow decides by mask whether m is added back. Constant-time.
    func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var difference = [UInt64](repeating: 0, count: count)
        var borrow: UInt64 = 0
        for index in 0..<count {
            let (partial, borrow1) = a[index].subtractingReportingOverflow(b[index])
            let (total, borrow2) = partial.subtractingReportingOverflow(borrow)
            difference[index] = total
            borrow = Limbs.bit(borrow1) | Limbs.bit(borrow2)
        }
        let addBack = Limbs.mask(borrow)
        var carry: UInt64 = 0
        for index in 0..<count {
            let (sum, overflow1) = difference[index].addingReportingOverflow(modulus[index] & addBack)
            let (total, overflow2) = sum.addingReportingOverflow(carry)
            difference[index] = total
            carry = Limbs.bit(overflow1) | Limbs.bit(overflow2)
        }
        return difference
    }

    /// −m0⁻¹ mod 2^64 by Newton's iteration: for odd m0, m0 is its own inverse mod 8, and each step doubles the
    /// number of correct low bits (3, 6, 12, 24, 48, 96).
    private static func negatedInverse(of m0: UInt64) -> UInt64 {
        var inverse = m0
        for _ in 0..<5 { inverse = inverse &* (2 &- m0 &* inverse) }
        return 0 &- inverse
    }

    /// 2^exponent mod m, by doubling 1 `exponent` times with a masked subtraction each time. Constant-time (the
    /// number of steps is the public width), and it needs no division and no bit length of m.
    private static func powerOfTwo(exponent: Int, modulo modulus: [UInt64]) -> [UInt64] {
        let count = modulus.count
        var value = [UInt64](repeating: 0, count: count)
        value[0] = 1
        var reduced = value
        modulus.withUnsafeBufferPointer { m in
            value.withUnsafeMutableBufferPointer { x in
                reduced.withUnsafeMutableBufferPointer { u in
                    for _ in 0..<exponent {
                        doubleModulo(x.baseAddress!, scratch: u.baseAddress!, modulus: m.baseAddress!, count: count)
                    }
                }
            }
        }
        return value
    }

    /// x ← 2x mod m for x < m, through `scratch` (`count` limbs).
    private static func doubleModulo(
        _ x: UnsafeMutablePointer<UInt64>,
        scratch u: UnsafeMutablePointer<UInt64>,
        modulus m: UnsafePointer<UInt64>,
        count: Int
    ) {
        var shiftedOut: UInt64 = 0
        for index in 0..<count {
            let limb = x[index]
            x[index] = (limb << 1) | shiftedOut
            shiftedOut = limb >> 63
        }
        var borrow: UInt64 = 0
        for index in 0..<count {
            let (partial, borrow1) = x[index].subtractingReportingOverflow(m[index])
            let (total, borrow2) = partial.subtractingReportingOverflow(borrow)
            u[index] = total
            borrow = Limbs.bit(borrow1) | Limbs.bit(borrow2)
        }
        // 2x − m is negative only if nothing was shifted out and the subtraction borrowed: then keep 2x.
        let keep = Limbs.mask(borrow & ~shiftedOut & 1)
        for index in 0..<count {
            x[index] = (x[index] & keep) | (u[index] & ~keep)
        }
    }
}
