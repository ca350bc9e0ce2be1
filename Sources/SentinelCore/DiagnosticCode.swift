/// Stable codes for every diagnostic. The number never changes meaning; new findings get new numbers.
///
/// E01xx: files and YAML. E02xx: expressions. E03xx: rule and policy structure. E04xx: rule tests.
/// W-codes are warnings. Retired numbers are not given out again: E0208 (undefined macro) was never emitted, as
/// a name that is no macro reads a field (`E0207` on `completion` and `metric`, whose fields are known, naming
/// the closest macro or field; `W0107` on free-form kinds).
public enum DiagnosticCode: String, Sendable, Codable, CaseIterable {
    case fileUnreadable = "E0101"
    case yamlSyntax = "E0102"
    case duplicateKey = "E0103"
    case aliasLimit = "E0104"
    case undefinedAlias = "E0105"
    case unsupportedTag = "E0106"

    case expressionSyntax = "E0201"
    case unknownFunction = "E0202"
    case badArguments = "E0203"
    case typeMismatch = "E0204"
    case invalidRegex = "E0205"
    case badDuration = "E0206"
    case unknownField = "E0207"
    case undefinedList = "E0209"
    case macroCycle = "E0210"
    case expressionTooDeep = "E0211"
    case impossibleValue = "E0212"
    case listCycle = "E0213"

    case unknownKey = "E0301"
    case missingKey = "E0302"
    case wrongType = "E0303"
    case duplicateName = "E0304"
    case invalidName = "E0305"
    case undefinedAction = "E0306"
    case invalidValue = "E0307"
    case undefinedReceiver = "E0308"
    case badTemplate = "E0309"
    case misplacedFile = "E0311"

    case testFailed = "E0401"
    case badTestFile = "E0402"

    case unusedMacro = "W0101"
    case unusedList = "W0102"
    case unusedAction = "W0103"
    case unusedReceiver = "W0104"
    case shadowedKey = "W0105"
    case emptyRuleFile = "W0106"
    case fieldLooksLikeName = "W0107"
    case unreachableRoute = "W0108"
    case backtrackingRegex = "W0109"
    case unknownLabel = "W0110"
    case histogramSelection = "W0111"
    case kindLooksMisspelt = "W0112"
    case deadListEntry = "W0113"
    case repeatedListItem = "W0114"
    case unknownEventField = "W0115"
    case tickRuleReadsEvent = "W0116"
    case emptyList = "W0117"
    case listItemLooksLikeList = "W0118"

    /// Errors unless the code is a warning code.
    public var defaultSeverity: DiagnosticSeverity {
        rawValue.hasPrefix("W") ? .warning : .error
    }
}
