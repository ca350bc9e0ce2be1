import Foundation
import SentinelCore
import SentinelParse

/// Lowering of parsed expressions into hash-consed graph nodes, with type checking and macro expansion.
extension GraphBuilder {
    /// Where an expression is being lowered: for field typing, positions and macro expansion chains.
    struct Scope {
        var source: ExpressionSource
        /// The event kinds the rule reads.
        var kinds: [String]
        /// The partition whose windows calls create; nil where windows are not allowed.
        var partition: Int?
        /// The macros being expanded, outermost first, each with where it was used.
        var macroUses: [MacroUse]

        struct MacroUse {
            var name: String
            /// The expression the macro was used in, and the use's offsets in it.
            var source: ExpressionSource
            var start: Int
            var end: Int
        }

        var macroStack: [String] { macroUses.map(\.name) }

        /// "in macro …, used here" for each macro being expanded, innermost first. Built only for a diagnostic:
        /// mapping a use back to its file position re-reads the YAML scalar it is written in.
        var notes: [Diagnostic.Note] {
            macroUses.reversed().map { use in
                Diagnostic.Note("in macro '\(use.name)', used here", at: use.source.range(from: use.start, to: use.end))
            }
        }
    }

    /// Parses and lowers a rule's `when`/`where`/`value`; nil (with diagnostics) on any error.
    func lowerRoot(
        _ source: ExpressionSource, role: String, kinds: [String], partition: Int?, expect: ValueType, rule: String
    ) -> Int? {
        let expression: Expr
        do {
            expression = try Parser.parse(source.text)
        } catch {
            diagnostics.append(source.diagnostic(error))
            return nil
        }
        let scope = Scope(source: source, kinds: kinds, partition: partition, macroUses: [])
        loweredNodes = 0
        loweringStopped = false
        guard let (node, type) = lower(expression, scope) else { return nil }
        guard type.fits(expect) else {
            report(.typeMismatch, "\(role) of rule '\(rule)' must be \(expect.withArticle), but this is \(type.withArticle)", expression, scope)
            return nil
        }
        return node
    }

    func report(_ code: DiagnosticCode, _ message: String, _ expression: Expr, _ scope: Scope) {
        diagnostics.append(
            Diagnostic(code, message, at: scope.source.range(from: expression.start, to: expression.end), notes: scope.notes))
    }

    func intern(_ node: Node, _ type: ValueType) -> Int {
        if let i = nodeIndex[node] { return i }
        nodes.append(node)
        nodeTypes.append(type)
        nodeIndex[node] = nodes.count - 1
        return nodes.count - 1
    }

    func slot(_ path: [String]) -> Int {
        if let i = fieldIndex[path] { return i }
        // A parent the traffic schema types as an object is decoded too, so an event that writes it flat
        // ("prompt_guard": "unsafe") fails the field type check instead of reading as one with no verdict.
        if path.count > 1, FieldCatalog.isObject(Array(path.dropLast())) { _ = slot(Array(path.dropLast())) }
        fields.append(path)
        fieldIndex[path] = fields.count - 1
        return fields.count - 1
    }

    /// `listPosition`: `e` is the right side of `in` or a string test, where a name may be a list's.
    func lower(_ e: Expr, _ scope: Scope, listPosition: Bool = false) -> (Int, ValueType)? {
        // Macros expand inside each other, so the parser's limits alone bound neither this recursion nor its work
        // (a macro using the one before it twice doubles at every level). Past a limit, one error and no more work.
        guard !loweringStopped else { return nil }
        loweringDepth += 1
        defer { loweringDepth -= 1 }
        loweredNodes += 1
        if loweringDepth > Self.maxLoweringDepth {
            let cause = scope.macroUses.isEmpty ? "" : " once macros are expanded"
            report(.expressionTooDeep, "expression nests deeper than \(Self.maxLoweringDepth) levels\(cause)", e, scope)
            loweringStopped = true
            return nil
        }
        if loweredNodes > Parser.maxNodes {
            reportTooLarge(e, scope)
            loweringStopped = true
            return nil
        }
        switch e.kind {
        case .number(let n, let digits): return (intern(.constant(Self.numberConstant(n, digits)), .number), .number)
        case .string(let s): return (intern(.constant(.string(s)), .string), .string)
        case .bool(let b): return (intern(.constant(.bool(b)), .bool), .bool)
        case .null: return (intern(.constant(.null), .null), .null)
        case .duration(let ms): return (intern(.constant(.number(Double(ms) / 1000)), .number), .number)
        case .path(let segments): return lowerPath(segments, e, scope, listPosition: listPosition)
        case .list(let items):
            var constants: [Constant] = []
            for item in items {
                let constant: Constant? =
                    switch item.kind {
                    case .number(let n, let digits): Self.numberConstant(n, digits)
                    case .unary(.negate, let inner): Self.negatedNumberConstant(inner)
                    case .string(let s): .string(s)
                    case .bool(let b): .bool(b)
                    case .duration(let ms): .number(Double(ms) / 1000)
                    default: nil
                    }
                guard let constant else {
                    report(.typeMismatch, "list literals hold only strings, numbers and booleans", item, scope)
                    return nil
                }
                constants.append(constant)
            }
            return (intern(.constant(.list(constants)), .array), .array)
        case .unary(.not, let operand):
            guard let (a, t) = lower(operand, scope), expectType(t, .bool, "'not'", operand, scope) else { return nil }
            return (intern(.not(a), .bool), .bool)
        case .unary(.negate, let operand):
            if let constant = Self.negatedNumberConstant(operand) { return (intern(.constant(constant), .number), .number) }
            guard let (a, t) = lower(operand, scope), expectType(t, .number, "'-'", operand, scope) else { return nil }
            return (intern(.negate(a), .number), .number)
        case .exists(let operand):
            guard case .path(let segments) = operand.kind, segments.count > 1 || !isName(segments[0]) else {
                report(.typeMismatch, "'exists' applies to a field", operand, scope)
                return nil
            }
            guard let (a, _) = lowerPath(segments, operand, scope) else { return nil }
            return (intern(.exists(a), .bool), .bool)
        case .binary(let op, let left, let right): return lowerBinary(op, left, right, e, scope)
        case .call(let name, let arguments): return lowerCall(name, arguments, e, scope)
        }
    }

    /// At the outermost macro use, which is in the expression being compiled: the macro the rule's author
    /// chose, and the one to restructure.
    private func reportTooLarge(_ e: Expr, _ scope: Scope) {
        guard let use = scope.macroUses.first else {
            report(.expressionTooDeep, "expression has more than \(Parser.maxNodes) terms", e, scope)
            return
        }
        diagnostics.append(
            Diagnostic(
                .expressionTooDeep,
                "macro '\(use.name)' expands to more than \(Parser.maxNodes) terms (a macro that uses another twice doubles it)",
                at: use.source.range(from: use.start, to: use.end)))
    }

    private func isName(_ word: String) -> Bool { macros[word] != nil || lists[word] != nil }

    private func expectType(_ actual: ValueType, _ expected: ValueType, _ what: String, _ e: Expr, _ scope: Scope)
        -> Bool
    {
        expectType(actual, oneOf: [expected], what, e, scope)
    }

    private func expectType(_ actual: ValueType, oneOf expected: [ValueType], _ what: String, _ e: Expr, _ scope: Scope)
        -> Bool
    {
        if expected.contains(where: actual.fits) { return true }
        let needed = expected.map(\.withArticle).joined(separator: " or ")
        report(.typeMismatch, "\(what) needs \(needed), but this is \(actual.withArticle)", e, scope)
        return false
    }

    /// A string never equals a number (nor a bool): where both types are known, a comparison of different ones, or
    /// a membership test against a list of the other type, can never hold. `rightIsList`: `right` is the element
    /// type of a list.
    private func expectComparable(_ left: ValueType, _ right: ValueType, rightIsList: Bool = false, _ e: Expr, _ scope: Scope)
        -> Bool
    {
        if left == right || [left, right].contains(where: { $0 == .any || $0 == .null }) { return true }
        let rightText = rightIsList ? "a list of \(right.rawValue)s" : right.withArticle
        report(.typeMismatch, "cannot compare \(left.withArticle) with \(rightText)", e, scope)
        return false
    }

    /// A field the traffic schema limits to some strings (a guard's `safety`) never equals another: events with
    /// one are malformed; nor does `kind` equal a kind the rule does not read. Compared only with such strings
    /// (`== "Unsafe"`, `in ["Unsafe"]`), `node` is an error naming the values it may have; a list that also holds
    /// values it may have is a warning (the entry is dead).
    private func expectAllowedStrings(_ node: Int, _ strings: [String], _ e: Expr, _ scope: Scope) -> Bool {
        guard case .field(let slot) = nodes[node] else { return true }
        let dotted = fields[slot].joined(separator: ".")
        let allowed: [String]
        if fields[slot] == ["kind"] {
            allowed = scope.kinds
        } else if let set = FieldCatalog.limitedSet(fields[slot], kinds: scope.kinds) {
            allowed = FieldCatalog.stringSets[set]
        } else {
            return true
        }
        guard let outside = strings.first(where: { !allowed.contains($0) }) else { return true }
        let fatal = strings.allSatisfy { !allowed.contains($0) }
        report(
            fatal ? .impossibleValue : .deadListEntry,
            "'\(dotted)' of \(FieldCatalog.describe(scope.kinds)) events is one of \(allowed.joined(separator: ", ")), never '\(outside)'\(Suggestion.didYouMean(outside.lowercased(), in: allowed))",
            e, scope)
        return !fatal
    }

    /// The type every element shares; `any` for a mixed or empty list, whose elements may match either type.
    private func elementType(_ types: [ValueType]) -> ValueType {
        guard let first = types.first, types.allSatisfy({ $0 == first }) else { return .any }
        return first
    }

    /// Of its items with nested lists expanded (`all_codes: [slow_codes]` holds numbers).
    private func elementType(ofList name: String) -> ValueType {
        elementType(
            compiledLists[lists[name]!.index].items.map {
                switch $0 {
                case .string: .string
                case .number, .wideNumber: .number
                }
            })
    }

    /// The element type of a `[...]` literal, or of an array field whose elements the schema types (a guard's
    /// categories); `any` for every other node.
    private func elementType(ofNode node: Int, _ scope: Scope) -> ValueType {
        if case .field(let slot) = nodes[node] { return FieldCatalog.elementType(fields[slot], kinds: scope.kinds) }
        guard case .constant(.list(let items)) = nodes[node] else { return .any }
        return elementType(
            items.map {
                switch $0 {
                case .number, .wideNumber: .number
                case .string: .string
                case .bool: .bool
                case .null, .list: .any
                }
            })
    }

    /// The constant of `-e` when `e` is a number literal: a negative literal is a constant, exact like a positive
    /// one (a negative 64-bit ID), and a list may hold it.
    private static func negatedNumberConstant(_ e: Expr) -> Constant? {
        guard case .number(let n, let digits) = e.kind else { return nil }
        return numberConstant(-n, digits.map { "-" + $0 })
    }

    /// The constant of a number literal: with its digits when it has more significant ones than a double holds.
    private static func numberConstant(_ n: Double, _ digits: String?) -> Constant {
        digits.map { .wideNumber(n, digits: $0) } ?? .number(n)
    }

    private func lowerPath(_ segments: [String], _ e: Expr, _ scope: Scope, listPosition: Bool = false) -> (Int, ValueType)? {
        if segments.count == 1, let macro = macros[segments[0]] {
            return expandMacro(macro, e, scope)
        }
        if segments.count == 1, lists[segments[0]] != nil {
            usedLists.insert(segments[0])
            report(.typeMismatch, "list '\(segments[0])' can only be used after 'in', 'contains' and the other string tests", e, scope)
            return nil
        }
        // A list is a name only where a list may stand: elsewhere suggesting one leads to another error.
        let names = Array(macros.keys) + (listPosition ? Array(lists.keys) : [])
        switch FieldCatalog.lookup(segments, kinds: scope.kinds) {
        case .known(let type):
            // On kinds with free-form fields a misspelt macro or list silently reads a field that never exists.
            if segments.count == 1, scope.kinds.contains(where: { FieldCatalog.kinds[$0] == nil }),
                let name = Suggestion.closest(to: segments[0], in: names)
            {
                diagnostics.append(
                    Diagnostic(
                        .fieldLooksLikeName,
                        "'\(segments[0])' reads a field of \(FieldCatalog.describe(scope.kinds)) events; did you mean '\(name)'?",
                        at: scope.source.range(from: e.start, to: e.end), notes: scope.notes))
            }
            return (intern(.field(slot: slot(segments)), type), type)
        case .unknown(let suggestion):
            let name = segments.joined(separator: ".")
            let fieldHint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            guard segments.count == 1 else {
                report(.unknownField, "\(FieldCatalog.describe(scope.kinds)) events have no field '\(name)'\(fieldHint)", e, scope)
                return nil
            }
            let nameHint = Suggestion.didYouMean(name, in: names)
            if listPosition {
                let hint = nameHint.isEmpty ? fieldHint : nameHint
                report(.undefinedList, "'\(name)' is neither a list nor a field of \(FieldCatalog.describe(scope.kinds)) events\(hint)", e, scope)
            } else {
                var hint = fieldHint.isEmpty ? nameHint : fieldHint
                if hint.isEmpty { hint = Self.bareNameHint(name, kinds: scope.kinds) }
                report(.unknownField, "\(FieldCatalog.describe(scope.kinds)) events have no field '\(name)'\(hint)", e, scope)
            }
            return nil
        }
    }

    /// What an unknown bare name on a kind with known fields may have meant: a constant in another language's
    /// spelling, a free-form field, or text left unquoted.
    static func bareNameHint(_ name: String, kinds: [String]) -> String {
        switch name.lowercased() {
        case "true", "false": return " (write \(name.lowercased()))"
        case "null", "none", "nil": return " (no value is written null)"
        default: break
        }
        let quoted = "text is quoted: \"\(name)\""
        guard let freeForm = FieldCatalog.freeFormReading(name, kinds: kinds) else { return " (\(quoted))" }
        return " (\(quoted); \(freeForm))"
    }

    private func expandMacro(_ macro: MacroSyntax, _ use: Expr, _ scope: Scope) -> (Int, ValueType)? {
        let name = macro.name.value
        usedMacros.insert(name)
        if scope.macroStack.contains(name) {
            let chain = (scope.macroStack + [name]).joined(separator: " → ")
            report(.macroCycle, "macro '\(name)' uses itself: \(chain)", use, scope)
            return nil
        }
        guard case .some(.some(let body)) = parsedMacros[name] else { return nil }
        var inner = scope
        inner.source = macro.condition
        inner.macroUses.append(Scope.MacroUse(name: name, source: scope.source, start: use.start, end: use.end))
        guard let lowered = lower(body, inner) else {
            // Lowering stops at the first error (or limit), before the rest of the body: the macros the body uses
            // are used all the same, not macros to warn about.
            markMacrosUsed(in: body)
            return nil
        }
        return lowered
    }

    /// Marks the macros `body` uses as used, and the ones they use in turn.
    private func markMacrosUsed(in body: Expr) {
        var pending = [body]
        while let e = pending.popLast() {
            switch e.kind {
            case .path(let segments):
                guard segments.count == 1, macros[segments[0]] != nil, usedMacros.insert(segments[0]).inserted,
                    case .some(.some(let inner)) = parsedMacros[segments[0]]
                else { continue }
                pending.append(inner)
            case .list(let items): pending += items
            case .unary(_, let operand), .exists(let operand): pending.append(operand)
            case .binary(_, let left, let right): pending += [left, right]
            case .call(_, let arguments): pending += arguments
            case .number, .string, .bool, .null, .duration: break
            }
        }
    }

    private func lowerBinary(
        _ op: BinaryOperator, _ left: Expr, _ right: Expr, _ e: Expr, _ scope: Scope
    ) -> (Int, ValueType)? {
        let listPosition = [.in, .notIn, .contains, .icontains, .startswith, .endswith].contains(op)
        // List names on the right of `in` and the string tests are resolved before lowering the right side.
        if listPosition, case .path(let segments) = right.kind, segments.count == 1, lists[segments[0]] != nil {
            let listName = segments[0]
            usedLists.insert(listName)
            guard let (l, lt) = lower(left, scope) else { return nil }
            let list = lists[listName]!.index
            let elements = elementType(ofList: listName)
            // A test of an empty list never holds; `not in` one (a placeholder allowlist) always does, as meant.
            if compiledLists[list].items.isEmpty, op != .notIn {
                report(
                    .emptyList, "list '\(listName)' has no items: '\(op.rawValue)' it is always false (and 'not' it always true)",
                    right, scope)
            }
            if op == .in || op == .notIn {
                let strings = compiledLists[list].items.compactMap(\.string)
                guard expectComparable(lt, elements, rightIsList: true, right, scope),
                    expectAllowedStrings(l, strings, e, scope)
                else { return nil }
                return (intern(.inList(l, list: list, negated: op == .notIn), .bool), .bool)
            }
            if op == .contains, lt == .array || lt == .any {
                // Any element in the list: the string test of a list reads an array so, a hashed lookup each (and
                // a free-form field may hold either).
                guard lt == .any || expectComparable(elementType(ofNode: l, scope), elements, rightIsList: true, right, scope)
                else { return nil }
                return (intern(.stringTestAny(.contains, l, list: list), .bool), .bool)
            }
            guard expectType(lt, .string, "'\(op.rawValue)'", left, scope),
                expectComparable(.string, elements, rightIsList: true, right, scope)
            else { return nil }
            return (intern(.stringTestAny(StringTest(rawValue: op.rawValue)!, l, list: list), .bool), .bool)
        }
        // Both sides first, so an error on the left does not hide one on the right.
        let lowered = (lower(left, scope), lower(right, scope, listPosition: listPosition))
        guard let (l, lt) = lowered.0, let (r, rt) = lowered.1 else { return nil }
        switch op {
        case .and, .or:
            guard expectType(lt, .bool, "'\(op.rawValue)'", left, scope), expectType(rt, .bool, "'\(op.rawValue)'", right, scope)
            else { return nil }
            return (intern(op == .and ? .and(l, r) : .or(l, r), .bool), .bool)
        case .add, .subtract, .multiply, .divide, .remainder:
            guard expectType(lt, .number, "'\(op.rawValue)'", left, scope), expectType(rt, .number, "'\(op.rawValue)'", right, scope)
            else { return nil }
            return (intern(.arithmetic(ArithmeticOperator(rawValue: op.rawValue)!, l, r), .number), .number)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            let ordering = ![.equal, .notEqual].contains(op)
            if ordering {
                for (t, side) in [(lt, left), (rt, right)] where ![.number, .string, .any].contains(t) {
                    report(.typeMismatch, "'\(op.rawValue)' compares numbers or strings, but this is \(t.withArticle)", side, scope)
                    return nil
                }
            }
            // `ts` was the raw JSON value before it read as epoch seconds: a rule comparing it with text says so.
            if [lt, rt] == [.number, .string] || [lt, rt] == [.string, .number],
                [l, r].contains(where: { if case .field(let slot) = nodes[$0] { fields[slot] == ["ts"] } else { false } })
            {
                report(
                    .typeMismatch,
                    "'ts' reads as the event's time in epoch seconds, a number: compare it with one (ts >= 1777636800), not with text",
                    e, scope)
                return nil
            }
            guard expectComparable(lt, rt, e, scope) else { return nil }
            if !ordering {
                for (field, other) in [(l, r), (r, l)] {
                    guard case .constant(.string(let s)) = nodes[other] else { continue }
                    guard expectAllowedStrings(field, [s], e, scope) else { return nil }
                }
            }
            if lt == .null || rt == .null {
                // `x == null` asks whether x has no value; null itself is never compared (a JSON null field is
                // absent, so `latency_ms > 1000` is false on it, as on a missing one).
                if lt == .null && rt == .null { return (intern(.constant(.bool(op == .equal)), .bool), .bool) }
                let present = intern(.exists(lt == .null ? r : l), .bool)
                return (op == .equal ? intern(.not(present), .bool) : present, .bool)
            }
            return (intern(.compare(ComparisonOperator(rawValue: op.rawValue)!, l, r), .bool), .bool)
        case .in, .notIn:
            guard rt == .array || rt == .any else {
                report(.typeMismatch, "the right side of '\(op.rawValue)' must be a list name, a [list] or an array field", right, scope)
                return nil
            }
            guard expectComparable(lt, elementType(ofNode: r, scope), rightIsList: true, right, scope) else { return nil }
            if case .constant(.list(let items)) = nodes[r] {
                let strings = items.compactMap(\.string)
                guard expectAllowedStrings(l, strings, e, scope) else { return nil }
            }
            return (intern(.inArray(l, r, negated: op == .notIn), .bool), .bool)
        case .contains where lt == .array:
            let elements = elementType(ofNode: l, scope)
            if case .constant(.list(let items)) = nodes[r] {
                guard expectComparable(elements, elementType(ofNode: r, scope), rightIsList: true, right, scope) else { return nil }
                return (anyOf(items, isElementOf: l), .bool)
            }
            guard expectComparable(rt, elements, rightIsList: true, right, scope) else { return nil }
            return (intern(.inArray(r, l, negated: false), .bool), .bool)
        case .contains where lt != .array && rt == .array:
            // Of a [list], any item, as with a declared list; a free-form field may hold a string or an array.
            guard case .constant(.list(let items)) = nodes[r] else {
                _ = expectType(rt, .string, "'contains'", right, scope)
                return nil
            }
            guard expectType(lt, .string, "'contains'", left, scope) else { return nil }
            if lt == .string, items.contains(where: { $0.string == nil }) {
                report(.typeMismatch, "'contains' of a [list] looks for text: every item must be a string", right, scope)
                return nil
            }
            return (anyOf(items) { intern(.stringTest(.contains, l, $0), .bool) }, .bool)
        case .contains, .icontains, .startswith, .endswith:
            guard expectType(lt, .string, "'\(op.rawValue)'", left, scope), expectType(rt, .string, "'\(op.rawValue)'", right, scope)
            else { return nil }
            return (intern(.stringTest(StringTest(rawValue: op.rawValue)!, l, r), .bool), .bool)
        case .matches:
            guard case .string(let pattern) = right.kind else {
                report(.typeMismatch, "'matches' needs a literal pattern string on its right", right, scope)
                return nil
            }
            guard expectType(lt, .string, "'matches'", left, scope) else { return nil }
            if let problem = RegexCheck.problem(pattern) {
                report(.invalidRegex, "invalid regular expression '\(pattern)': \(problem)", right, scope)
                return nil
            }
            if RegexCheck.mayBacktrack(pattern) {
                report(.backtrackingRegex, RegexCheck.backtrackingWarning(pattern), right, scope)
            }
            // By bytes, as patterns match them (`String ==` would make `café` and `cafe\u{301}` one pattern).
            var index = regexes.firstIndex { $0.utf8.elementsEqual(pattern.utf8) }
            if index == nil {
                regexes.append(pattern)
                index = regexes.count - 1
            }
            return (intern(.matches(l, regex: index!), .bool), .bool)
        }
    }

    /// Whether any of `items` is an element of the array at node `array`.
    private func anyOf(_ items: [Constant], isElementOf array: Int) -> Int {
        anyOf(items) { intern(.inArray($0, array, negated: false), .bool) }
    }

    /// Whether `test` holds for any of `items` (given each item's constant node): a balanced `or`, so a long list
    /// adds no depth to speak of.
    private func anyOf(_ items: [Constant], _ test: (Int) -> Int) -> Int {
        func node(_ items: ArraySlice<Constant>) -> Int {
            guard items.count > 1 else {
                guard let item = items.first else { return intern(.constant(.bool(false)), .bool) }
                let type: ValueType =
                    switch item {
                    case .string: .string
                    case .bool: .bool
                    default: .number
                    }
                return test(intern(.constant(item), type))
            }
            let middle = items.startIndex + items.count / 2
            return intern(.or(node(items[..<middle]), node(items[middle...])), .bool)
        }
        return node(items[...])
    }

    private func lowerCall(_ name: String, _ arguments: [Expr], _ e: Expr, _ scope: Scope) -> (Int, ValueType)? {
        if let (function, parameterTypes, result) = FunctionTable.scalar[name] {
            guard arguments.count == parameterTypes.count else {
                report(.badArguments, "'\(name)' takes \(parameterTypes.count) argument(s): \(FunctionTable.usage[name]!)", e, scope)
                return nil
            }
            var lowered: [Int] = []
            for (argument, types) in zip(arguments, parameterTypes) {
                guard let (a, t) = lower(argument, scope), expectType(t, oneOf: types, "'\(name)'", argument, scope)
                else { return nil }
                lowered.append(a)
            }
            return (intern(.call(function, lowered), result), result)
        }
        guard let signatures = FunctionTable.window[name] else {
            report(.unknownFunction, "unknown function '\(name)'\(FunctionTable.hint(for: name))", e, scope)
            return nil
        }
        guard let partition = scope.partition else {
            report(.badArguments, "window function '\(name)' cannot be used here (not in 'where', nor inside another window function)", e, scope)
            return nil
        }
        var inner = scope
        inner.partition = nil
        let usage = FunctionTable.usage[name]!
        func window(_ argument: Expr) -> Int64? {
            switch argument.kind {
            case .duration(let ms) where ms > 0: return ms
            case .duration:
                report(.badArguments, "'\(name)' needs a window longer than 0s: \(usage)", argument, scope)
            case .unary(.negate, let inner) where { if case .duration = inner.kind { true } else { false } }():
                report(.badArguments, "'\(name)' needs a window longer than 0s, not a negative one: \(usage)", argument, scope)
            default:
                report(.badArguments, "'\(name)' needs a window duration such as 5m here: \(usage)", argument, scope)
            }
            return nil
        }
        func probability(_ argument: Expr) -> Double? {
            // `-0` is 0, written with a sign.
            if case .unary(.negate, let inner) = argument.kind, case .number(0, _) = inner.kind { return 0 }
            guard case .number(let q, _) = argument.kind, q >= 0, q <= 1 else {
                report(.badArguments, "'\(name)' needs a quantile between 0 and 1 as its first argument", argument, scope)
                return nil
            }
            return q
        }
        let signature = signatures.first { signature in
            switch signature {
            case .window, .histogramCount: arguments.count == 1
            case .valueAndWindow, .histogramQuantile: arguments.count == 2
            case .quantile, .drift, .valueConditionAndWindow: arguments.count == 3
            }
        }
        guard let signature else {
            report(.badArguments, "wrong number of arguments for '\(name)': \(usage)", e, scope)
            return nil
        }
        let source: WindowSource
        let readout: WindowReadout
        let ms: Int64
        switch signature {
        case .window:
            guard let w = window(arguments[0]) else { return nil }
            (source, ms, readout) = (.events, w, name == "rate" ? .eventRate : .count)
        case .valueAndWindow(let type):
            guard let w = window(arguments[1]), let (x, t) = lower(arguments[0], inner),
                expectType(t, type, "'\(name)'", arguments[0], scope)
            else { return nil }
            ms = w
            switch name {
            case "count": (source, readout) = (.condition(x), .sum)
            case "ratio": (source, readout) = (.condition(x), .average)
            case "sum": (source, readout) = (.samples(x), .sum)
            case "avg": (source, readout) = (.samples(x), .average)
            case "min": (source, readout) = (.samples(x), .minimum)
            case "max": (source, readout) = (.samples(x), .maximum)
            case "stddev": (source, readout) = (.samples(x), .stddev)
            case "zscore": (source, readout) = (.samples(x), .zscore(x))
            case "distinct": (source, readout) = (.values(x, condition: nil), .distinct)
            case "rate": (source, readout) = (.counter(x), .counterRate)
            default: (source, readout) = (.counter(x), .counterIncrease)
            }
        case .valueConditionAndWindow:
            guard let w = window(arguments[2]), let (x, _) = lower(arguments[0], inner),
                let (condition, t) = lower(arguments[1], inner), expectType(t, .bool, "'\(name)'", arguments[1], scope)
            else { return nil }
            (source, ms, readout) = (.values(x, condition: condition), w, .distinct)
        case .quantile:
            guard let q = probability(arguments[0]), let w = window(arguments[2]),
                let (x, t) = lower(arguments[1], inner), expectType(t, .number, "'quantile'", arguments[1], scope)
            else { return nil }
            (source, ms, readout) = (.samples(x), w, .quantile(q))
        case .histogramQuantile, .histogramCount:
            let q = signature == .histogramCount ? nil : probability(arguments[0])
            guard signature == .histogramCount || q != nil, let w = window(arguments[arguments.count - 1]) else { return nil }
            if case .unknown = FieldCatalog.lookup(["labels", "le"], kinds: scope.kinds) {
                report(
                    .badArguments,
                    "'\(name)' reads Prometheus histogram buckets (labels.le, value), which 'metric' events carry and \(FieldCatalog.describe(scope.kinds)) events do not; over a field, write \(q == nil ? "count(w)" : "quantile(q, x, w)")",
                    e, scope)
                return nil
            }
            let le = intern(.field(slot: slot(["labels", "le"])), .any)
            let value = intern(.field(slot: slot(["value"])), .number)
            (source, ms) = (.histogram(le: le, value: value), w)
            readout = q.map { .histogramQuantile($0) } ?? .histogramCount
        case .drift:
            guard let current = window(arguments[1]), let baseline = window(arguments[2]),
                let (x, _) = lower(arguments[0], inner)
            else { return nil }
            (source, ms, readout) = (.categories(x, baselineMilliseconds: baseline), current, .psi)
        }
        let index = internWindow(partition: partition, source: source, milliseconds: ms, readout: readout)
        return (intern(.window(index, readout), .number), .number)
    }

    private func internWindow(partition: Int, source: WindowSource, milliseconds: Int64, readout: WindowReadout) -> Int {
        var node = WindowNode(partition: partition, source: source, milliseconds: milliseconds)
        switch source {
        case .counter, .histogram: node.seriesSlots = [slot(["name"]), slot(["labels"])]
        default: break
        }
        let index: Int
        if let i = windowIndex[node] {
            index = i
        } else {
            windows.append(node)
            index = windows.count - 1
            windowIndex[node] = index
        }
        switch readout {
        case .minimum, .maximum: windows[index].needsExtremes = true
        case .quantile: windows[index].needsOrder = true
        case .sum, .average, .stddev, .zscore: windows[index].needsMoments = true
        default: break
        }
        return index
    }

    /// A stable text form of a node, independent of node numbering: identifies definitions across compilations.
    /// Memoised: shared subexpressions are written once.
    func canonical(_ index: Int) -> String {
        if let text = canonicalText[index] { return text }
        let text = describe(index)
        canonicalText[index] = text
        return text
    }

    private func describe(_ index: Int) -> String {
        switch nodes[index] {
        case .constant(let c): return Self.describe(c)
        case .field(let slot): return fields[slot].joined(separator: ".")
        case .not(let a): return "not(\(canonical(a)))"
        case .negate(let a): return "-(\(canonical(a)))"
        case .and(let a, let b): return "and(\(canonical(a)),\(canonical(b)))"
        case .or(let a, let b): return "or(\(canonical(a)),\(canonical(b)))"
        case .arithmetic(let op, let a, let b): return "\(op.rawValue)(\(canonical(a)),\(canonical(b)))"
        case .compare(let op, let a, let b): return "\(op.rawValue)(\(canonical(a)),\(canonical(b)))"
        case .inList(let a, let list, let negated): return "\(negated ? "notin" : "in")(\(canonical(a)),\(compiledLists[list]))"
        case .inArray(let a, let b, let negated): return "\(negated ? "notin" : "in")(\(canonical(a)),\(canonical(b)))"
        case .stringTest(let t, let a, let b): return "\(t.rawValue)(\(canonical(a)),\(canonical(b)))"
        case .stringTestAny(let t, let a, let list): return "\(t.rawValue)(\(canonical(a)),\(compiledLists[list]))"
        case .matches(let a, let regex): return "matches(\(canonical(a)),\(regexes[regex].debugDescription))"
        case .exists(let a): return "exists(\(canonical(a)))"
        case .call(let f, let args): return "\(f.rawValue)(\(args.map(canonical).joined(separator: ",")))"
        case .window(let w, let readout):
            let readoutText =
                switch readout {
                case .count: "count"
                case .sum: "sum"
                case .average: "average"
                case .minimum: "minimum"
                case .maximum: "maximum"
                case .stddev: "stddev"
                case .distinct: "distinct"
                case .eventRate: "eventRate"
                case .quantile(let q): "quantile(\(q))"
                case .zscore(let x): "zscore(\(canonical(x)))"
                case .counterRate: "counterRate"
                case .counterIncrease: "counterIncrease"
                case .histogramQuantile(let q): "histogramQuantile(\(q))"
                case .histogramCount: "histogramCount"
                case .psi: "psi"
                }
            return "window(\(canonical(source: windows[w].source)),\(windows[w].milliseconds),\(readoutText))"
        }
    }

    /// Spelled out rather than interpolated: interpolating an enum goes through reflection, which dominated
    /// compiling large rule sets.
    private static func describe(_ constant: Constant) -> String {
        switch constant {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n.description
        case .wideNumber(_, let digits): digits
        case .string(let s): s.debugDescription
        case .list(let items): "[" + items.map(describe).joined(separator: ",") + "]"
        }
    }

    func canonical(source: WindowSource) -> String {
        switch source {
        case .events: "events"
        case .condition(let x): "condition(\(canonical(x)))"
        case .samples(let x): "samples(\(canonical(x)))"
        case .values(let x, nil): "values(\(canonical(x)))"
        case .values(let x, let condition?): "values(\(canonical(x)),\(canonical(condition)))"
        case .counter(let x): "counter(\(canonical(x)))"
        case .histogram: "histogram"
        case .categories(let x, let baseline): "categories(\(canonical(x)),\(baseline))"
        }
    }
}
