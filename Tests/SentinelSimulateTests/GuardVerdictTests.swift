import Foundation
import Testing

@testable import SentinelSimulate

@Suite struct GuardVerdictTests {
    // MARK: Qwen3Guard

    @Test func qwen3GuardPromptModeration() throws {
        let verdict = try GuardVerdict.parseQwen3Guard("Safety: Unsafe\nCategories: Violent")
        #expect(
            verdict
                == GuardVerdict(safety: .unsafe, categories: ["Violent"], raw: "Safety: Unsafe\nCategories: Violent"))
    }

    @Test func qwen3GuardResponseModerationReadsRefusal() throws {
        let verdict = try GuardVerdict.parseQwen3Guard("Safety: Safe\nCategories: None\nRefusal: Yes")
        #expect(verdict.safety == .safe)
        #expect(verdict.categories.isEmpty)
        #expect(verdict.refusal == true)
    }

    @Test func qwen3GuardToleratesSpacingCaseAndExtraLines() throws {
        let text =
            "\n  safety :CONTROVERSIAL  \r\nsome commentary: here\ncategories:politically sensitive topics ,  PII,\nrefusal: no\n"
        let verdict = try GuardVerdict.parseQwen3Guard(text)
        #expect(verdict.safety == .controversial)
        #expect(verdict.categories == ["Politically Sensitive Topics", "PII"])
        #expect(verdict.refusal == false)
        #expect(verdict.raw == text)
    }

    @Test func qwen3GuardKeepsExactTokensWithOddInnerSpacing() throws {
        let verdict = try GuardVerdict.parseQwen3Guard(
            "Safety: Unsafe\nCategories: Non-violent  Illegal Acts, Suicide & Self-Harm, Jailbreak")
        #expect(verdict.categories == ["Non-violent Illegal Acts", "Suicide & Self-Harm", "Jailbreak"])
    }

    /// As Qwen3Guard's own parser reads them: one stray token (a full stop, a category it does not list, the policy's
    /// long name for PII, an odd refusal) does not cost an Unsafe verdict, which a monitor would then miss.
    @Test func qwen3GuardKeepsTheVerdictAroundAStrayToken() throws {
        let twoCategories = try GuardVerdict.parseQwen3Guard("Safety: Unsafe\nCategories: Violent, Misinformation")
        #expect(twoCategories.safety == .unsafe && twoCategories.categories == ["Violent", "Misinformation"])
        let longName = try GuardVerdict.parseQwen3Guard("Safety: Unsafe\nCategories: Personally Identifiable Information")
        #expect(longName.categories == ["PII"])
        let fullStops = try GuardVerdict.parseQwen3Guard("Safety: Unsafe.\nCategories: Violent.\nRefusal: No.")
        #expect(fullStops.safety == .unsafe && fullStops.categories == ["Violent"] && fullStops.refusal == false)
        let oddRefusal = try GuardVerdict.parseQwen3Guard("Safety: Safe\nCategories: None\nRefusal: Perhaps")
        #expect(oddRefusal.safety == .safe && oddRefusal.refusal == nil)
    }

    @Test(arguments: [
        ("Categories: Violent", "no 'Safety:' line"),
        ("Safety: Safely\nCategories: None", "unknown safety level 'Safely'"),
        ("Safety: Maybe\nCategories: None", "unknown safety level 'Maybe'"),
        ("I cannot judge this.", "no 'Safety:' line"),
        ("", "no 'Safety:' line"),
    ])
    func qwen3GuardMalformedOutputIsAnError(text: String, reason: String) {
        #expect {
            try GuardVerdict.parseQwen3Guard(text)
        } throws: { error in
            (error as? GuardParseError)?.reason.hasPrefix(reason) == true
        }
    }

    // MARK: Llama Guard

    @Test func llamaGuardSafe() throws {
        #expect(try GuardVerdict.parseLlamaGuard("safe") == GuardVerdict(safety: .safe, raw: "safe"))
    }

    @Test func llamaGuardUnsafeCodesBecomeHazardNames() throws {
        let verdict = try GuardVerdict.parseLlamaGuard("\n\nunsafe\nS1,S10")
        #expect(verdict.safety == .unsafe)
        #expect(verdict.categories == ["Violent Crimes", "Hate"])
        #expect(verdict.refusal == nil)
    }

    @Test func llamaGuardToleratesSpacesAndCase() throws {
        let verdict = try GuardVerdict.parseLlamaGuard("  Unsafe \n s2 , S11 ,s2\n")
        #expect(verdict.categories == ["Non-Violent Crimes", "Suicide & Self-Harm"])
    }

    @Test func llamaGuardUnsafeWithoutCodesHasNoCategories() throws {
        #expect(try GuardVerdict.parseLlamaGuard("unsafe").categories.isEmpty)
    }

    @Test(arguments: [
        ("unsafe\nS1,S99", "unknown category code 'S99'"), ("maybe", "first line 'maybe'"), ("  \n", "empty output"),
    ])
    func llamaGuardMalformedOutputIsAnError(text: String, reason: String) {
        #expect {
            try GuardVerdict.parseLlamaGuard(text)
        } throws: { error in
            (error as? GuardParseError)?.reason.hasPrefix(reason) == true
        }
    }

    // MARK: OpenAI moderation

    private static let flagged = #"""
        {"id":"modr-7672","model":"omni-moderation-latest","results":[{"flagged":true,
         "categories":{"harassment":false,"harassment/threatening":true,"violence":true,"self-harm":false,
           "harassment_threatening":true,"self_harm":false,"violence_graphic":null},
         "category_scores":{"harassment":0.2,"violence":0.9}}]}
        """#

    @Test func openAIFlaggedListsTrueCategoriesWithSDKAliasesFolded() throws {
        let verdict = try GuardVerdict.parseOpenAIModeration(Data(Self.flagged.utf8))
        #expect(verdict.safety == .unsafe)
        #expect(verdict.categories == ["harassment/threatening", "violence"])
        #expect(verdict.refusal == nil)
        #expect(verdict.raw == Self.flagged)
    }

    @Test func openAINotFlaggedIsSafe() throws {
        let body = #"{"results":[{"flagged":false,"categories":{"hate":false}}]}"#
        #expect(try GuardVerdict.parseOpenAIModeration(Data(body.utf8)).safety == .safe)
    }

    @Test func openAISeveralResultsCombine() throws {
        let body =
            #"{"results":[{"flagged":false,"categories":{}},{"flagged":true,"categories":{"self_harm_intent":true}}]}"#
        let verdict = try GuardVerdict.parseOpenAIModeration(Data(body.utf8))
        #expect(verdict.safety == .unsafe)
        #expect(verdict.categories == ["self-harm/intent"])
    }

    @Test(arguments: [#"{"results":[]}"#, #"{"id":"x"}"#, "<html>", #"{"results":[{"category_scores":{}}]}"#])
    func openAIMalformedResponseIsAnError(body: String) {
        #expect(throws: GuardParseError.self) { try GuardVerdict.parseOpenAIModeration(Data(body.utf8)) }
    }

    // MARK: Through the client's response reading

    @Test func chatGuardResponseWithUnparseableTextKeepsTheText() {
        let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"I think it's fine"}}]}"#
        #expect(throws: RequestFailure.unparseableVerdict(raw: "I think it's fine", reason: "no 'Safety:' line")) {
            try GuardClient.verdict(Data(body.utf8), format: .qwen3guard)
        }
    }

    @Test func chatGuardResponseWithoutContentIsMalformed() {
        #expect {
            try GuardClient.verdict(Data(#"{"choices":[]}"#.utf8), format: .llamaguard)
        } throws: { error in
            (error as? RequestFailure)?.errorType == "malformed_response"
        }
    }

    @Test func verdictJSONHasTheSchemaFieldsAndTheRawText() {
        let verdict = GuardVerdict(safety: .unsafe, categories: ["PII"], refusal: false, raw: "Safety: Unsafe\n")
        #expect(verdict.json == #"{"safety":"unsafe","categories":["PII"],"refusal":false,"raw":"Safety: Unsafe\n"}"#)
    }
}
