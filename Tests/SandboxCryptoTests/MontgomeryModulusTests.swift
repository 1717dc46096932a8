@testable import SandboxCrypto
import Testing

@Suite("Montgomery arithmetic")
struct MontgomeryModulusTests {
    /// Odd one-limb moduli, where UInt64's own arithmetic is the reference: small, near 2^63, near 2^64.
    static let moduli: [UInt64] = [3, 0xffff_fffb, 0x8000_0000_0000_0001, 0xd3a8_41e5_2b9f_0c35, 0xffff_ffff_ffff_ffc5]

    static func reference(_ base: UInt64, _ exponent: UInt64, _ m: UInt64) -> UInt64 {
        var result: UInt64 = 1 % m
        var square = base % m
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = m.dividingFullWidth(result.multipliedFullWidth(by: square)).remainder }
            square = m.dividingFullWidth(square.multipliedFullWidth(by: square)).remainder
            e >>= 1
        }
        return result
    }

    @Test("both exponentiations agree with UInt64 arithmetic", arguments: moduli)
    func power_matchesReference(_ m: UInt64) {
        let arithmetic = MontgomeryModulus(odd: [m])
        for (base, exponent) in [
            (UInt64(0), UInt64(5)), (1, 0), (2, 1), (m - 1, 2), (0x1234_5678_9abc_def0 % m, 65537),
            (m / 3, 0xffff_ffff_ffff_ffff), (m - 2, 0x8000_0000_0000_0000),
        ] {
            let expected = Self.reference(base, exponent, m)
            let montgomeryBase = arithmetic.montgomeryResidue(of: [base])
            let secret = arithmetic.reduce(arithmetic.power(montgomeryBase: montgomeryBase, secretExponent: [exponent]))
            #expect(secret == [expected], "\(base)^\(exponent) mod \(m)")
            if exponent > 0 {
                #expect(
                    arithmetic.power([base], publicExponent: [exponent]) == [expected],
                    "\(base)^\(exponent) mod \(m)"
                )
            }
        }
    }

    @Test("residues of two-limb numbers, and subtraction, agree with UInt64 arithmetic", arguments: moduli)
    func residue_matchesReference(_ m: UInt64) {
        let arithmetic = MontgomeryModulus(odd: [m])
        for (high, low) in [(UInt64(0), UInt64(0)), (0, m), (m - 1, 0xffff_ffff_ffff_ffff), (m / 2, 12345)] {
            let expected = m.dividingFullWidth((high, low)).remainder
            #expect(arithmetic.residue(of: [low, high]) == [expected])
            #expect(arithmetic.reduce(arithmetic.montgomeryResidue(of: [low, high])) == [expected])
        }
        for (a, b) in [(UInt64(0), UInt64(0)), (0, m - 1), (m - 1, 0), (5 % m, 7 % m)] {
            #expect(arithmetic.subtract([a], [b]) == [a >= b ? a - b : m - b + a])
        }
    }

    @Test("a modulus narrower than its width (a zero top limb, as when p is a limb shorter than q) works")
    func zeroTopLimb() {
        let m: UInt64 = 0xd3a8_41e5_2b9f_0c35
        let wide = MontgomeryModulus(odd: [m, 0])
        let base: UInt64 = 0x0123_4567_89ab_cdef
        let secret = wide.reduce(
            wide.power(montgomeryBase: wide.montgomeryResidue(of: [base, 0]), secretExponent: [65537, 0])
        )
        #expect(secret == [Self.reference(base, 65537, m), 0])
        #expect(wide.power([base, 0], publicExponent: [65537]) == [Self.reference(base, 65537, m), 0])
        #expect(wide.residue(of: [0, 0, 1, 0]) == [Self.reference(2, 128, m), 0], "2^128 mod m")
    }
}
