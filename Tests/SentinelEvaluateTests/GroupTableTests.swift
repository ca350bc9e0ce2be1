import SentinelCore
import Testing

@testable import SentinelEvaluate

@Suite struct GroupTableTests {
    /// Different numbers are different labels, so different groups: 16-digit ids and fractions that agree to six
    /// digits were one group when labels were written for reading.
    @Test(arguments: [
        (1_000_000_000_000_001.0, 1_000_000_000_000_002.0, "1000000000000001"),
        (0.1234567, 0.1234571, "0.1234567"), (1e17, 1e17 + 16, "1e+17"), (-2.5e-7, -2.5000001e-7, "-2.5e-07"),
    ])
    func numbersThatReadAlikeAreDifferentLabels(a: Double, b: Double, labelOfA: String) {
        #expect(NumberFormatting.label(a) == labelOfA)
        #expect(NumberFormatting.label(a) != NumberFormatting.label(b))
        #expect(Double(NumberFormatting.label(b)) == b)
    }

    /// A label is the number as written, not its double: integers beyond 2⁵³ and numbers with more digits than a
    /// double holds were one group per double (`1234567890123456789`, `…790` and `…801` one alert).
    @Test func groupsOfNumbersBeyondADoubleAreTheirExactValues() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: PerX, on: completion, group_by: [attrs.x], when: "count(1h) >= 1"}
            """)
        let texts = [
            "1234567890123456789", "1234567890123456790", "1234567890123456801", "9007199254740993", "9007199254740992",
            "0.30000000000000000001", "0.3", "3e-1", "1000", "1e3", "1000.0000000000000000", "-1.5e+400", "-15e399",
        ]
        for (i, x) in texts.enumerated() {
            try f.send(at: Double(i + 1), #"{"kind":"completion","model":"m","attrs":{"x":\#(x)}}"#)
        }
        let labels = f.transitions.filter { $0.state == .firing }.map { $0.labels.first { $0.0 == "x" }!.1 }
        #expect(
            labels == [
                "1.234567890123456789e+18", "1.23456789012345679e+18", "1.234567890123456801e+18",
                "9.007199254740993e+15", "9007199254740992.0", "0.30000000000000000001", "0.3", "1000", "-1.5e+400",
            ])
    }

    /// A JSON number's label from its text is its double's label whenever the text is the double's shortest
    /// form, however it is written, so numbers with and without their text in the value group together.
    @Test(arguments: [
        0.1, 0.30000000000000004, 1e17, 1.5e16, 9_007_199_254_740_992, 9_007_199_254_740_994, 123_456_789_012_345.67,
        -2.5e-7, 0.0001, 0.00012, 1e-5, 5e-324, 1.7976931348623157e308, 1e22, 1e23, 42, -0.0, 2.5,
    ])
    func labelOfTextMatchesLabelOfDouble(n: Double) {
        let parts = n.description.split(separator: "e", maxSplits: 1).map(String.init)
        let padded = parts[0] + (parts[0].contains(".") ? "000" : ".000") + (parts.count > 1 ? "E" + parts[1] : "")
        for text in [n.description, padded] {
            var bytes = Array(text.utf8)
            let label = bytes.withUnsafeMutableBufferPointer { NumberFormatting.label(jsonNumber: UnsafeBufferPointer($0)) }
            #expect(label == NumberFormatting.label(n), "\(text)")
        }
    }

    /// Lookups, creations and removals of two-field keys (strings, numbers with -0 and 0 alike, booleans, missing
    /// values), through growth, tombstones and reuse of freed indices, against a dictionary of label values: values
    /// that read the same as labels (`1` and `"1"`, missing, null and `""`) are one group, existing groups keep their
    /// index, new ones get a free index, the limit is enforced, and labels read back from the keys.
    @Test func behavesLikeADictionaryOfKeys() {
        var table = GroupTable()
        var reference: [String: Int] = [:]
        var liveKeys: [String] = []  // the reference's keys, for picking one to remove reproducibly
        var generator = SplitMix64(seed: 9)
        let strings = (0..<3_000).map { "u-\($0)" } + ["", "é", "a\"b"]
        let slots = UnsafeMutablePointer<Value>.allocate(capacity: 2)
        defer { slots.deallocate() }
        let groupSlots = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 2)
        defer { groupSlots.deallocate() }
        groupSlots[0] = 0
        groupSlots[1] = 1
        let limit = 2_500
        let stringBytes: [[UInt8]] = strings.map { Array($0.utf8) }
        // Strings that read like other values' labels.
        let lookalikes: [String] = ["1", "", "true", "0"]
        let lookalikeBytes = lookalikes.map { UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, $0.utf8.count)) }
        defer { lookalikeBytes.forEach { $0.deallocate() } }
        for (buffer, text) in zip(lookalikeBytes, lookalikes) { _ = buffer.initialize(from: text.utf8) }

        for step in 0..<60_000 {
            let pick = Int(generator.next() % 100)
            let s = Int(generator.next() % UInt64(strings.count))
            let second: (Value, String) =
                switch pick {
                case 0..<55: (.number(Double(pick % 3)), NumberFormatting.label(Double(pick % 3)))
                case 55..<60: (.number(-0.0), "0")
                case 60..<65: (.bool(pick % 2 == 0), pick % 2 == 0 ? "true" : "false")
                case 65..<70: (.missing, "")
                case 70..<75: (.null, "")
                default:
                    {
                        let k = pick % lookalikes.count
                        let text = ByteString(base: UnsafePointer(lookalikeBytes[k].baseAddress), count: lookalikes[k].utf8.count)
                        return (.string(text), lookalikes[k])
                    }()
                }
            let key = "\(strings[s])|\(second.1)"
            let index: Int? = stringBytes[s].withUnsafeBufferPointer { b in
                slots[0] = .string(ByteString(base: b.baseAddress, count: b.count))
                slots[1] = second.0
                switch table.lookup(slots, UnsafeBufferPointer(groupSlots), limit: limit) {
                case .existing(let i):
                    #expect(reference[key] == i, "step \(step): \(key)")
                    return i
                case .created(let i):
                    #expect(reference[key] == nil, "step \(step): \(key) existed")
                    #expect(!reference.values.contains(i), "step \(step): index \(i) in use")
                    reference[key] = i
                    liveKeys.append(key)
                    return i
                case .full:
                    #expect(reference[key] == nil && reference.count == limit, "step \(step)")
                    return nil
                }
            }
            if let index {
                #expect(table.labels(of: index) == [strings[s], second.1], "step \(step)")
            }
            // Remove a random live group now and then (more often when full), as idle eviction does.
            if !liveKeys.isEmpty, generator.next() % 3 == 0 || reference.count == limit {
                let k = Int(generator.next() % UInt64(liveKeys.count))
                let victim = liveKeys[k]
                liveKeys.swapAt(k, liveKeys.count - 1)
                liveKeys.removeLast()
                table.remove(reference[victim]!)
                reference[victim] = nil
            }
            #expect(table.liveCount == reference.count)
        }
    }
}
