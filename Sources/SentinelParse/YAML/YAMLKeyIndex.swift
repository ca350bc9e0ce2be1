/// The scalar keys of one mapping with the index of the pair that first wrote each: a short list while the
/// mapping is small (the common case, cheaper than hashing), a dictionary once it grows.
struct YAMLKeyIndex {
    private static let listLimit = 12
    private var list: [(key: String, pairIndex: Int)] = []
    private var table: [String: Int]?

    /// Records `key` as written by pair `pairIndex`, or returns the earlier pair's index if already present.
    mutating func insert(_ key: String, pairIndex: Int) -> Int? {
        if table == nil {
            if let existing = list.first(where: { $0.key == key }) { return existing.pairIndex }
            guard list.count == Self.listLimit else {
                list.append((key, pairIndex))
                return nil
            }
            table = Dictionary(uniqueKeysWithValues: list.map { ($0.key, $0.pairIndex) })
            list = []
        }
        if let existing = table?[key] { return existing }
        table?[key] = pairIndex
        return nil
    }

    func contains(_ key: String) -> Bool {
        if let table { return table[key] != nil }
        return list.contains { $0.key == key }
    }
}
