extension Array where Element: Sendable {
    /// `map` with up to `limit` transforms running at once; results in the order of the elements. The first
    /// error cancels the transforms still running and is thrown.
    func concurrentMap<Mapped: Sendable>(
        limit: Int, _ transform: @escaping @Sendable (Element) async throws -> Mapped
    ) async throws -> [Mapped] {
        try await withThrowingTaskGroup(of: (Int, Mapped).self) { group in
            var results = [Mapped?](repeating: nil, count: count)
            var next = 0
            func start(_ index: Int) {
                let element = self[index]
                group.addTask { (index, try await transform(element)) }
            }
            while next < Swift.min(limit, count) {
                start(next)
                next += 1
            }
            while let (index, value) = try await group.next() {
                results[index] = value
                if next < count {
                    start(next)
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
