import SentinelCore
import Testing

@testable import SentinelEvaluate

@Suite struct RareByteTests {
    /// Starting from the rarest byte finds exactly the occurrences a naive search finds, at the edges too.
    @Test func findsWhatANaiveSearchFinds() {
        var generator = SplitMix64(seed: 11)
        let alphabet = Array("aeivz ".utf8)
        func random(_ n: Int) -> [UInt8] { (0..<n).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] } }
        for _ in 0..<5_000 {
            let haystack = random(Int(generator.next() % 40))
            let needle = random(1 + Int(generator.next() % 5))
            let expected =
                needle.count <= haystack.count
                && (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
            let found = haystack.withUnsafeBufferPointer { h in
                needle.withUnsafeBufferPointer { n in
                    let needleBytes = ByteString(base: n.baseAddress, count: n.count)
                    return RareByte.find(
                        needleBytes, anchor: RareByte.anchor(of: needleBytes), in: ByteString(base: h.baseAddress, count: h.count))
                }
            }
            #expect(found == expected, "\(String(decoding: needle, as: UTF8.self)) in \(String(decoding: haystack, as: UTF8.self))")
        }
    }

    @Test func theAnchorIsTheRarestLetter() {
        let needle = Array("ignore previous".utf8)
        let anchor = needle.withUnsafeBufferPointer { RareByte.anchor(of: ByteString(base: $0.baseAddress, count: $0.count)) }
        #expect(needle[anchor] == UInt8(ascii: "v"))
    }
}
