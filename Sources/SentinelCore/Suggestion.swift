/// "Did you mean" suggestions by edit distance.
public enum Suggestion {
    /// The closest candidate to `word`, if it is close enough to be a plausible typo: letter case aside, at most
    /// `maxDistance` edits away (by default a third of the word's length, from 1 to 3). Of candidates equally
    /// close, the first in code-point order, whatever order `candidates` (a set, a dictionary's keys) come in.
    public static func closest<S: Sequence>(to word: String, in candidates: S, maxDistance: Int? = nil) -> String?
    where S.Element == String {
        let target = Array(word.lowercased().unicodeScalars)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased().unicodeScalars))
            guard let current = best else {
                best = (candidate, distance)
                continue
            }
            if distance < current.distance || distance == current.distance && candidate < current.name {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        let limit = maxDistance ?? max(1, min(3, target.count / 3))
        return best.distance <= limit ? best.name : nil
    }

    /// ` (did you mean 'x'?)` or the empty string.
    public static func didYouMean<S: Sequence>(_ word: String, in candidates: S) -> String where S.Element == String {
        closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
