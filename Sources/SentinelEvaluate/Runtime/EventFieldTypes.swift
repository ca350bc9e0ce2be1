public import SentinelCompile

/// The check `Engine.ingest` makes of an event's fields before evaluating it: each field the graph reads must
/// have the type the traffic schema gives it on the event's kind. A service validating events at its door runs
/// the same check for the graph it evaluates, so it refuses what evaluation would otherwise drop.
///
/// ```swift
/// let types = EventFieldTypes(graph: graph)
/// let decoder = EventDecoder(paths: types.paths)
/// let header = try decoder.decode(line, into: slots)
/// try types.check(header, slots: slots, line: line)
/// ```
public struct EventFieldTypes: Sendable {
    /// The fields to decode before `check`, in slot order (the graph's fields).
    public let paths: [[String]]
    /// By kind a rule reads: its typed fields.
    private let kinds: [(kind: [UInt8], fields: [TypedSlot])]

    /// No fields and no kinds: every event passes.
    public init() {
        paths = []
        kinds = []
    }

    public init(graph: ConditionGraph) {
        paths = graph.fields
        kinds = graph.kinds.map { (Array($0.utf8), FieldTypeCheck.typedSlots(paths: graph.fields, kind: $0)) }
    }

    /// Throws the error the engine would for an event decoded (by `paths`) into `slots`: a field that does not fit
    /// its type, with its offset in `line`. Events of kinds no rule reads pass.
    public func check(_ header: EventHeader, slots: UnsafePointer<Value>, line: UnsafeRawBufferPointer) throws(EventDecodeError) {
        guard let fields = kinds.first(where: { header.kind.buffer.elementsEqual($0.kind) })?.fields else { return }
        for typed in fields where !FieldTypeCheck.fits(slots[Int(typed.slot)], typed) {
            throw FieldTypeCheck.error(
                path: paths[Int(typed.slot)], typed: typed, value: slots[Int(typed.slot)], kind: header.kind.string,
                line: line)
        }
    }
}
