extension MontgomeryModulus {
    /// The bits of the exponent consumed per multiplication by a table entry.
    static let windowBitCount = 4

    /// base^exponent, in Montgomery form, for a base in Montgomery form and a **secret** exponent. Constant-time.
    ///
    /// Fixed-window exponentiation: a table of base^0 … base^15, then for every 4-bit window of the exponent, from
    /// the most significant, four squarings and one multiplication by the table entry the window selects. The
    /// schedule depends only on the exponent's width (its limb count), never on its bits; the entry is read by a
    /// scan of the whole table that keeps the wanted one with a mask, so no memory address depends on the exponent
    /// either (a direct `table[window]` would show the window in the cache).
    ///
    /// - Parameters:
    ///   - base: b·R mod m, in this width.
    ///   - exponent: The exponent, in any width (leading zero limbs cost time but change nothing).
    /// - Returns: b^exponent·R mod m.
    func power(montgomeryBase base: [UInt64], secretExponent exponent: [UInt64]) -> [UInt64] {
        let count = self.count
        precondition(base.count == count, "the base has the modulus' width")
        let entryCount = 1 << Self.windowBitCount
        let digitsPerLimb = 64 / Self.windowBitCount
        let digitMask = UInt64(entryCount - 1)
        var one = [UInt64](repeating: 0, count: count)
        one[0] = 1

        // One workspace: the table, the accumulator, the selected entry, the multiplication's scratch, the modulus.
        let size = (entryCount + 4) * count + 2
        let workspace = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
        workspace.initialize(repeating: 0, count: size)
        defer {
            workspace.update(repeating: 0, count: size)  // the table holds powers of a secret residue
            workspace.deallocate()
        }
        let table = workspace
        let accumulator = table + entryCount * count
        let selected = accumulator + count
        let modulus = selected + count
        let scratch = modulus + count
        modulus.update(from: self.modulus, count: count)
        table.update(from: multiply(rSquared, one), count: count)
        (table + count).update(from: base, count: count)
        let montgomeryMultiply = {
            (r: UnsafeMutablePointer<UInt64>, a: UnsafePointer<UInt64>, b: UnsafePointer<UInt64>) in
            Self.multiply(into: r, a, b, modulus: modulus, inverse: self.inverse, count: count, scratch: scratch)
        }
        for entry in 2..<entryCount {
            montgomeryMultiply(table + entry * count, table + (entry - 1) * count, table + count)
        }

        accumulator.update(from: table, count: count)
        for digit in stride(from: exponent.count * digitsPerLimb - 1, through: 0, by: -1) {
            for _ in 0..<Self.windowBitCount { montgomeryMultiply(accumulator, accumulator, accumulator) }
            let shift = UInt64(digit % digitsPerLimb * Self.windowBitCount)
            let window = (exponent[digit / digitsPerLimb] >> shift) & digitMask
            Self.select(entry: window, from: table, entryCount: entryCount, count: count, into: selected)
            montgomeryMultiply(accumulator, accumulator, selected)
        }
        return Array(UnsafeBufferPointer(start: accumulator, count: count))
    }

    /// selected ← table[entry], reading every entry and keeping the wanted one by mask.
    @inline(__always)
    private static func select(
        entry wanted: UInt64,
        from table: UnsafePointer<UInt64>,
        entryCount: Int,
        count: Int,
        into selected: UnsafeMutablePointer<UInt64>
    ) {
        selected.update(repeating: 0, count: count)
        for entry in 0..<entryCount {
            let difference = UInt64(entry) ^ wanted
            // (d | −d) has its top bit set exactly when d ≠ 0.
            let isWanted = Limbs.mask(((difference | (0 &- difference)) >> 63) ^ 1)
            let row = table + entry * count
            for index in 0..<count {
                selected[index] |= row[index] & isWanted
            }
        }
    }

    /// base^exponent mod m for a plain base < m and a **public** exponent ≥ 1. *Variable-time*: square and
    /// multiply over the exponent's bits, for the public-key operation (verification) only.
    func power(_ base: [UInt64], publicExponent exponent: [UInt64]) -> [UInt64] {
        let montgomeryBase = multiply(base, rSquared)
        var accumulator = montgomeryBase
        for bitIndex in stride(from: Limbs.bitCount(exponent) - 2, through: 0, by: -1) {
            accumulator = multiply(accumulator, accumulator)
            if (exponent[bitIndex / 64] >> UInt64(bitIndex % 64)) & 1 == 1 {
                accumulator = multiply(accumulator, montgomeryBase)
            }
        }
        return reduce(accumulator)
    }
}
