import SentinelCore

/// Assembles `YAMLNode` documents from parse events: resolves aliases and merge keys, reports duplicate
/// keys, and enforces `YAMLLoader.Limits`.
///
/// Aliases reuse the anchored node (copy-on-write, so the copy costs nothing), and the anchored subtree's
/// expanded node count and height are kept with it. Every node, every alias expansion and every entry a merge
/// key considers is charged against `maxExpandedNodes` for the whole stream, so an alias bomb stops after
/// about that much work.
struct YAMLTreeBuilder {
    /// A finished node with its expanded size.
    private struct Built {
        var node: YAMLNode
        /// Nodes in the fully expanded subtree.
        var count: Int
        /// Collection levels in the subtree (0 for a scalar).
        var height: Int
        /// Stands in for an undefined alias (already reported).
        var isPlaceholder = false

        /// Where the node is used: where the alias that brought it in is written (`YAMLNode.aliasRange`), else where
        /// it stands. What is wrong with a node's use (a duplicate key, a merge of a scalar) is reported there, not
        /// at the anchor.
        var useRange: SourceRange { node.aliasRange ?? node.range }
    }

    /// Mappings a `<<` key (at `keyRange`) merges in before the pair at `position`.
    private struct Merge {
        var position: Int
        var sources: [YAMLNode]
        var keyRange: SourceRange
    }

    private struct Frame {
        let isMapping: Bool
        let start: SourceLocation
        let tag: String?
        let anchor: String?
        var items: [YAMLNode] = []
        /// Pairs written in the mapping (merge keys excluded).
        var pairs: [YAMLPair] = []
        var keys = YAMLKeyIndex()
        var merges: [Merge] = []
        var pendingKey: Built?
        var count = 1
        var height = 1
    }

    let limits: YAMLLoader.Limits
    private(set) var documents: [YAMLNode] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// Set once the stream is rejected (syntax error, expansion or depth limit): the caller stops parsing and
    /// the document in progress is dropped. Stopping at once also spares libyaml, whose scanner takes time
    /// quadratic in the flow nesting depth.
    private(set) var isStopped = false

    private var frames: [Frame] = []
    private var root: YAMLNode?
    private var anchors: [String: Built] = [:]
    /// Collections under construction that carry an anchor (an alias to one would be recursive).
    private var openAnchorCount = 0
    private var expandedNodes = 0

    init(limits: YAMLLoader.Limits) {
        self.limits = limits
    }

    // MARK: Events

    mutating func startDocument() {
        frames.removeAll()
        anchors.removeAll()
        openAnchorCount = 0
        root = nil
    }

    mutating func endDocument() {
        if !isStopped, let root { documents.append(root) }
        startDocument()
    }

    mutating func addScalar(_ node: YAMLNode, anchor: String?) {
        guard charge(1, at: node.range, reason: nil) else { return }
        let built = Built(node: node, count: 1, height: 0)
        if let anchor { anchors[anchor] = built }
        attach(built)
    }

    mutating func startCollection(isMapping: Bool, at start: SourceLocation, tag: String?, anchor: String?) {
        guard charge(1, at: SourceRange(start), reason: nil) else { return }
        guard frames.count < limits.maxDepth else {
            rejectDepth(at: SourceRange(start))
            return
        }
        frames.append(Frame(isMapping: isMapping, start: start, tag: tag, anchor: anchor))
        if anchor != nil { openAnchorCount += 1 }
    }

    mutating func endCollection(at end: SourceLocation) {
        guard !isStopped, !frames.isEmpty else { return }
        let content: YAMLNode.Content
        if frames[frames.count - 1].isMapping {
            guard let pairs = finishMapping() else { return }
            content = .mapping(pairs)
        } else {
            content = .sequence(frames[frames.count - 1].items)
        }
        let frame = frames.removeLast()
        if frame.anchor != nil { openAnchorCount -= 1 }
        let node = YAMLNode(content: content, range: SourceRange(start: frame.start, end: end), tag: frame.tag)
        let built = Built(node: node, count: frame.count, height: frame.height)
        if let anchor = frame.anchor { anchors[anchor] = built }
        attach(built)
    }

    mutating func addAlias(_ name: String, at range: SourceRange) {
        guard !isStopped else { return }
        let isRecursive = openAnchorCount > 0 && frames.contains { $0.anchor == name }
        guard let anchored = anchors[name], !isRecursive else {
            // Suggestions compare against every anchor: only affordable for a reasonable number of them.
            let suggestion = anchors.count <= 100 ? Suggestion.didYouMean(name, in: anchors.keys) : ""
            let message = isRecursive
                ? "alias '*\(name)' refers to a node that contains it"
                : "undefined alias '*\(name)'" + suggestion
            diagnostics.append(Diagnostic(.undefinedAlias, message, at: range))
            let placeholder = YAMLNode(
                content: .scalar(YAMLScalar(value: "", style: .plain, valueLocations: [range.start])), range: range)
            attach(Built(node: placeholder, count: 1, height: 0, isPlaceholder: true))
            return
        }
        guard charge(anchored.count, at: range, reason: "alias '*\(name)'") else { return }
        guard frames.count + anchored.height <= limits.maxDepth else {
            rejectDepth(at: range)
            return
        }
        var used = anchored
        used.node.aliasRange = range
        attach(used)
    }

    /// Records a problem with a node that does not stop loading (a tag that does not fit).
    mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// Records a libyaml error; the current (incomplete) document is dropped.
    mutating func addSyntaxError(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        isStopped = true
    }

    // MARK: Assembly

    private mutating func attach(_ built: Built) {
        guard !frames.isEmpty else {
            root = built.node
            return
        }
        let top = frames.count - 1
        guard frames[top].isMapping else {
            frames[top].items.append(built.node)
            account(built, in: top)
            return
        }
        guard let key = frames[top].pendingKey.take() else {
            frames[top].pendingKey = built
            return
        }
        if isMergeKey(key.node) {
            frames[top].merges.append(
                Merge(position: frames[top].pairs.count, sources: mergeSources(built), keyRange: key.node.range))
            return
        }
        if case .scalar(let scalar) = key.node.content {
            if let first = frames[top].keys.insert(scalar.value, pairIndex: frames[top].pairs.count) {
                diagnostics.append(Diagnostic(
                    .duplicateKey, "duplicate key '\(scalar.value)'", at: key.useRange,
                    notes: [Diagnostic.Note("first defined here", at: frames[top].pairs[first].key.range)]))
                return
            }
        }
        account(key, in: top)
        account(built, in: top)
        frames[top].pairs.append(YAMLPair(key: key.node, value: built.node))
    }

    private mutating func account(_ built: Built, in frameIndex: Int) {
        frames[frameIndex].count += built.count
        frames[frameIndex].height = max(frames[frameIndex].height, built.height + 1)
    }

    /// The pairs of the innermost mapping with merge keys applied: keys written in the mapping win, then
    /// earlier merge sources over later ones. Nil when the stream was rejected meanwhile.
    private mutating func finishMapping() -> [YAMLPair]? {
        let top = frames.count - 1
        let written = frames[top].pairs
        let merges = frames[top].merges
        guard !merges.isEmpty else { return written }
        var pairs: [YAMLPair] = []
        var mergedKeys: Set<String> = []
        var nextWritten = 0
        for merge in merges {
            pairs += written[nextWritten..<merge.position]
            nextWritten = merge.position
            for case .mapping(let sourcePairs) in merge.sources.map(\.content) {
                for pair in sourcePairs {
                    if case .scalar(let key) = pair.key.content {
                        if frames[top].keys.contains(key.value) || mergedKeys.contains(key.value) {
                            guard charge(1, at: merge.keyRange, reason: "merge key '<<'") else { return nil }
                            continue
                        }
                        mergedKeys.insert(key.value)
                    }
                    guard let size = Self.measure([pair.key, pair.value], budget: remainingNodes) else {
                        rejectExpansion(at: merge.keyRange, reason: "merge key '<<'")
                        return nil
                    }
                    expandedNodes += size.count
                    guard frames.count + size.height <= limits.maxDepth else {
                        rejectDepth(at: merge.keyRange)
                        return nil
                    }
                    frames[top].count += size.count
                    frames[top].height = max(frames[top].height, size.height + 1)
                    pairs.append(pair)
                }
            }
        }
        return pairs + written[nextWritten...]
    }

    private func isMergeKey(_ node: YAMLNode) -> Bool {
        guard case .scalar(let scalar) = node.content else { return false }
        return node.tag == "!!merge" || (node.tag == nil && scalar.style == .plain && scalar.value == "<<")
    }

    /// The mappings a `<<` value names: a mapping, or a sequence of mappings. Anything else is reported.
    private mutating func mergeSources(_ value: Built) -> [YAMLNode] {
        switch value.node.content {
        case .mapping:
            return [value.node]
        case .sequence(let items):
            if let bad = items.first(where: { if case .mapping = $0.content { false } else { true } }) {
                diagnostics.append(Diagnostic(
                    .yamlSyntax, "each item of a merge key '<<' list must be a mapping", at: value.node.aliasRange ?? bad.range))
                return items.filter { if case .mapping = $0.content { true } else { false } }
            }
            return items
        case .scalar:
            if !value.isPlaceholder {
                diagnostics.append(Diagnostic(
                    .yamlSyntax, "the value of merge key '<<' must be a mapping or a list of mappings",
                    at: value.useRange))
            }
            return []
        }
    }

    // MARK: Limits

    private var remainingNodes: Int { limits.maxExpandedNodes - expandedNodes }

    /// Adds `nodes` to the stream's expanded size; past the limit reports E0104 and stops the stream.
    private mutating func charge(_ nodes: Int, at range: SourceRange, reason: String?) -> Bool {
        guard !isStopped else { return false }
        guard nodes <= remainingNodes else {
            rejectExpansion(at: range, reason: reason)
            return false
        }
        expandedNodes += nodes
        return true
    }

    private mutating func rejectExpansion(at range: SourceRange, reason: String?) {
        let what = reason.map { "\($0) expands" } ?? "the YAML expands"
        diagnostics.append(Diagnostic(
            .aliasLimit, "\(what) beyond the limit of \(limits.maxExpandedNodes) nodes", at: range))
        isStopped = true
    }

    private mutating func rejectDepth(at range: SourceRange) {
        diagnostics.append(Diagnostic(
            .yamlSyntax, "YAML is nested deeper than the limit of \(limits.maxDepth) levels", at: range))
        isStopped = true
    }

    /// Node count and collection height (0 for scalars) of the trees under `roots`, or nil once the count
    /// exceeds `budget`. Iterative, so deep or aliased trees cost no stack and at most `budget` steps.
    private static func measure(_ roots: [YAMLNode], budget: Int) -> (count: Int, height: Int)? {
        var stack = roots.map { (node: $0, depth: 0) }
        var count = 0
        var height = 0
        while let (next, depth) = stack.popLast() {
            count += 1
            guard count <= budget else { return nil }
            switch next.content {
            case .scalar:
                break
            case .sequence(let items):
                height = max(height, depth + 1)
                for item in items { stack.append((item, depth + 1)) }
            case .mapping(let pairs):
                height = max(height, depth + 1)
                for pair in pairs {
                    stack.append((pair.key, depth + 1))
                    stack.append((pair.value, depth + 1))
                }
            }
        }
        return (count, height)
    }
}
