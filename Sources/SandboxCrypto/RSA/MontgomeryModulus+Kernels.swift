// The inner loops of Montgomery arithmetic, on raw pointers so that the loops carry no bounds checks (which also
// keeps debug builds, where the tests run, fast enough). None of them branches on, or indexes memory by, a limb's
// value: a branch would tell an observer of timing or of the branch predictor about the secret primes.
//
// Swift promises nothing about the machine code, so this was checked in the disassembly of the release build
// (Swift 6.3.1, x86-64; docs/architecture.md says how to repeat it): carries compile to add/adc/setb, choices to
// and/or with a mask from Limbs.mask(_:), and the only conditional jumps test loop counters, overflow traps and the
// vectorizer's width and aliasing checks. Carries written as `flag ? 1 : 0`, and masks the optimizer could see
// through, had compiled to jumps on the secret carries and on the final subtraction (see Limbs.bit(_:)).

extension MontgomeryModulus {
    /// a·b·R⁻¹ mod m for arrays (see ``multiply(_:_:)``).
    static func multiply(_ a: [UInt64], _ b: [UInt64], modulus: [UInt64], inverse: UInt64) -> [UInt64] {
        let count = modulus.count
        precondition(a.count == count && b.count == count, "Montgomery operands have the modulus' width")
        var result = [UInt64](repeating: 0, count: count)
        var scratch = [UInt64](repeating: 0, count: count + 2)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                modulus.withUnsafeBufferPointer { m in
                    result.withUnsafeMutableBufferPointer { r in
                        scratch.withUnsafeMutableBufferPointer { t in
                            multiply(
                                into: r.baseAddress!,
                                a.baseAddress!,
                                b.baseAddress!,
                                modulus: m.baseAddress!,
                                inverse: inverse,
                                count: count,
                                scratch: t.baseAddress!
                            )
                        }
                    }
                }
            }
        }
        return result
    }

    /// r ← a·b·R⁻¹ mod m (coarsely integrated operand scanning, CIOS), for a, b < m.
    ///
    /// `r` may be `a` or `b`: it is written only at the end. `scratch` has `count + 2` limbs.
    static func multiply(
        into r: UnsafeMutablePointer<UInt64>,
        _ a: UnsafePointer<UInt64>,
        _ b: UnsafePointer<UInt64>,
        modulus m: UnsafePointer<UInt64>,
        inverse: UInt64,
        count: Int,
        scratch t: UnsafeMutablePointer<UInt64>
    ) {
        t.update(repeating: 0, count: count + 2)
        for i in 0..<count {
            // t += a[i]·b. Each step's a·b + t + carry is below 2^128, so the new carry cannot overflow.
            let ai = a[i]
            var carry: UInt64 = 0
            for j in 0..<count {
                let (high, low) = ai.multipliedFullWidth(by: b[j])
                let (sum, overflow1) = low.addingReportingOverflow(t[j])
                let (total, overflow2) = sum.addingReportingOverflow(carry)
                t[j] = total
                carry = high &+ Limbs.bit(overflow1) &+ Limbs.bit(overflow2)
            }
            let (top, overflowTop) = t[count].addingReportingOverflow(carry)
            t[count] = top
            t[count + 1] = Limbs.bit(overflowTop)

            // t = (t + q·m) / 2^64, where q makes the low limb zero.
            let q = t[0] &* inverse
            let (high0, low0) = q.multipliedFullWidth(by: m[0])
            carry = high0 &+ Limbs.bit(low0.addingReportingOverflow(t[0]).overflow)
            for j in 1..<count {
                let (high, low) = q.multipliedFullWidth(by: m[j])
                let (sum, overflow1) = low.addingReportingOverflow(t[j])
                let (total, overflow2) = sum.addingReportingOverflow(carry)
                t[j - 1] = total
                carry = high &+ Limbs.bit(overflow1) &+ Limbs.bit(overflow2)
            }
            let (shifted, overflowShifted) = t[count].addingReportingOverflow(carry)
            t[count - 1] = shifted
            t[count] = t[count + 1] &+ Limbs.bit(overflowShifted)
        }
        subtractModulusIfNotBelow(t, top: t[count], into: r, modulus: m, count: count)
    }

    /// r ← t·R⁻¹ mod m (REDC) for a `2·count`-limb t < m·R; t is overwritten.
    static func reduce(
        _ t: UnsafeMutablePointer<UInt64>,
        into r: UnsafeMutablePointer<UInt64>,
        modulus m: UnsafePointer<UInt64>,
        inverse: UInt64,
        count: Int
    ) {
        // After step i the low i + 1 limbs are zero; the carry out of limb i + count is added at the next step.
        var pending: UInt64 = 0
        for i in 0..<count {
            let q = t[i] &* inverse
            var carry: UInt64 = 0
            for j in 0..<count {
                let (high, low) = q.multipliedFullWidth(by: m[j])
                let (sum, overflow1) = low.addingReportingOverflow(t[i + j])
                let (total, overflow2) = sum.addingReportingOverflow(carry)
                t[i + j] = total
                carry = high &+ Limbs.bit(overflow1) &+ Limbs.bit(overflow2)
            }
            let (sum, overflow1) = t[i + count].addingReportingOverflow(carry)
            let (total, overflow2) = sum.addingReportingOverflow(pending)
            t[i + count] = total
            pending = Limbs.bit(overflow1) | Limbs.bit(overflow2)
        }
        subtractModulusIfNotBelow(t + count, top: pending, into: r, modulus: m, count: count)
    }

    /// r ← x − m if x ≥ m, else x, for the `count + 1`-limb x = top·2^(64·count) + value < 2m. The choice is a mask.
    @inline(__always)
    private static func subtractModulusIfNotBelow(
        _ value: UnsafePointer<UInt64>,
        top: UInt64,
        into r: UnsafeMutablePointer<UInt64>,
        modulus m: UnsafePointer<UInt64>,
        count: Int
    ) {
        var borrow: UInt64 = 0
        for j in 0..<count {
            let (partial, borrow1) = value[j].subtractingReportingOverflow(m[j])
            let (total, borrow2) = partial.subtractingReportingOverflow(borrow)
            r[j] = total
            borrow = Limbs.bit(borrow1) | Limbs.bit(borrow2)
        }
        // x − m < 0 exactly when the top limb is zero and the low limbs borrowed: then keep x.
        let keep = Limbs.mask(borrow & ~top & 1)
        for j in 0..<count {
            r[j] = (value[j] & keep) | (r[j] & ~keep)
        }
    }
}
