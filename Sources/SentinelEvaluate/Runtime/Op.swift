import SentinelCompile

/// A graph node flattened for evaluation: plain data, so the hot loop never retains or releases.
struct Op {
    enum Code: UInt8 {
        case constant, field, not, negate, and, or
        case add, subtract, multiply, divide, remainder
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        case inList, inArray
        case contains, icontains, startswith, endswith
        case containsAny, icontainsAny, startswithAny, endswithAny
        case matches, exists, abs, length, window
    }

    var code: Code
    /// Meaning by code: operands (node indices), a slot, a list, a regex, a window store, a constant index.
    var a: Int32 = 0
    var b: Int32 = 0
    var c: Int32 = 0
    /// `inList`/`inArray`: negated. `window`: the readout. Comparisons: `numberOperand` when the right operand is
    /// a constant number, held in `number` (most thresholds are: `count(10m) >= 15`), with `numericLeft` and
    /// `numericRight` for operands whose value is always a number or missing.
    var flag: UInt8 = 0
    /// `window`: the quantile. Comparisons with `numberOperand`: the right operand.
    var number: Double = 0
    /// A predicate computed once per event (or tick) and kept in the engine's `predicateMemos` (see `PredicateMemo`).
    var memoized = false

    static let numberOperand: UInt8 = 1
    static let numericLeft: UInt8 = 2
    static let numericRight: UInt8 = 4

    /// Whether `node`'s value is always a number (never with digits beyond its double) or missing: arithmetic and
    /// window readouts, which comparisons then read as doubles.
    static func isNumeric(_ node: Node) -> Bool {
        switch node {
        case .window, .arithmetic, .negate, .call(.abs, _): true
        default: false
        }
    }

    /// Readout codes of `window` ops.
    enum Readout: UInt8 {
        case count, sum, average, minimum, maximum, stddev, distinct, eventRate, quantile, zscore
        case counterRate, counterIncrease, histogramQuantile, histogramCount, psi
    }

    /// The op of `node`, one of `nodes` (operands are looked at for constant numbers).
    static func make(_ node: Node, in nodes: [Node], constant: (Constant) -> Int32) -> Op {
        func i(_ x: Int) -> Int32 { Int32(x) }
        switch node {
        case .constant(let c): return Op(code: .constant, a: constant(c))
        case .field(let slot): return Op(code: .field, a: i(slot))
        case .not(let x): return Op(code: .not, a: i(x))
        case .negate(let x): return Op(code: .negate, a: i(x))
        case .and(let x, let y): return Op(code: .and, a: i(x), b: i(y))
        case .or(let x, let y): return Op(code: .or, a: i(x), b: i(y))
        case .arithmetic(let op, let x, let y):
            let codes: [ArithmeticOperator: Code] = [
                .add: .add, .subtract: .subtract, .multiply: .multiply, .divide: .divide, .remainder: .remainder,
            ]
            return Op(code: codes[op]!, a: i(x), b: i(y))
        case .compare(let op, let x, let y):
            let codes: [ComparisonOperator: Code] = [
                .equal: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessEqual, .greater: .greater,
                .greaterEqual: .greaterEqual,
            ]
            var compare = Op(code: codes[op]!, a: i(x), b: i(y))
            if case .constant(.number(let n)) = nodes[y] {
                compare.flag = numberOperand
                compare.number = n
            }
            if isNumeric(nodes[x]) { compare.flag |= numericLeft }
            if isNumeric(nodes[y]) { compare.flag |= numericRight }
            return compare
        case .inList(let x, let list, let negated): return Op(code: .inList, a: i(x), b: i(list), flag: negated ? 1 : 0)
        case .inArray(let x, let array, let negated): return Op(code: .inArray, a: i(x), b: i(array), flag: negated ? 1 : 0)
        case .stringTest(let test, let x, let y):
            let codes: [StringTest: Code] = [
                .contains: .contains, .icontains: .icontains, .startswith: .startswith, .endswith: .endswith,
            ]
            return Op(code: codes[test]!, a: i(x), b: i(y))
        case .stringTestAny(let test, let x, let list):
            let codes: [StringTest: Code] = [
                .contains: .containsAny, .icontains: .icontainsAny, .startswith: .startswithAny, .endswith: .endswithAny,
            ]
            return Op(code: codes[test]!, a: i(x), b: i(list))
        case .matches(let x, let regex): return Op(code: .matches, a: i(x), b: i(regex))
        case .exists(let x): return Op(code: .exists, a: i(x))
        case .call(.abs, let args): return Op(code: .abs, a: i(args[0]))
        case .call(.len, let args): return Op(code: .length, a: i(args[0]))
        case .window(let store, let readout):
            var op = Op(code: .window, a: i(store))
            switch readout {
            case .count: op.flag = Readout.count.rawValue
            case .sum: op.flag = Readout.sum.rawValue
            case .average: op.flag = Readout.average.rawValue
            case .minimum: op.flag = Readout.minimum.rawValue
            case .maximum: op.flag = Readout.maximum.rawValue
            case .stddev: op.flag = Readout.stddev.rawValue
            case .distinct: op.flag = Readout.distinct.rawValue
            case .eventRate: op.flag = Readout.eventRate.rawValue
            case .quantile(let q):
                op.flag = Readout.quantile.rawValue
                op.number = q
            case .zscore(let x):
                op.flag = Readout.zscore.rawValue
                op.b = i(x)
            case .counterRate: op.flag = Readout.counterRate.rawValue
            case .counterIncrease: op.flag = Readout.counterIncrease.rawValue
            case .histogramQuantile(let q):
                op.flag = Readout.histogramQuantile.rawValue
                op.number = q
            case .histogramCount: op.flag = Readout.histogramCount.rawValue
            case .psi: op.flag = Readout.psi.rawValue
            }
            return op
        }
    }
}
