extension PromptRow {
    /// Columns that can hold the prompt text, in the order they are looked for.
    static let promptColumns = ["adversarial", "vanilla", "prompt.text", "prompt", "text"]

    /// The row as a prompt, read with the columns of the dataset it looks like:
    /// - WildJailbreak (`data_type`, `vanilla` or `tactics`): the `adversarial` text, else `vanilla`;
    /// - RealToxicityPrompts (`prompt.text`, flat or nested): with `toxicity` and `challenging`;
    /// - WildGuardMix (`prompt` with `adversarial`, `prompt_harm_label` or `subcategory`);
    /// - anything else with a `prompt` or `text` column, named after `fileDataset`.
    /// A `dataset` column overrides the name.
    func prompt(fileDataset: String) throws(PromptSourceError) -> Prompt {
        var prompt: Prompt
        if has("data_type") || has("vanilla") || has("tactics") {
            prompt = try wildJailbreak()
        } else if has("prompt.text") {
            prompt = try realToxicityPrompts()
        } else if has("prompt"), has("adversarial") || has("prompt_harm_label") || has("subcategory") {
            prompt = try wildGuardMix()
        } else if let text = try string("prompt") {
            prompt = Prompt(text: text, dataset: fileDataset)
        } else if let text = try string("text") {
            prompt = Prompt(text: text, dataset: fileDataset)
        } else {
            let column = has("prompt") ? "prompt" : has("text") ? "text" : nil
            let expected = PromptRow.promptColumns.joined(separator: ", ")
            throw error(column, column == nil ? "no prompt column (expected one of \(expected))" : "empty prompt")
        }
        if let name = try string("dataset") { prompt.dataset = name }
        prompt.file = file
        prompt.line = line
        return prompt
    }

    private func wildJailbreak() throws(PromptSourceError) -> Prompt {
        let adversarialText = try string("adversarial")
        let vanillaText = try string("vanilla")
        guard let text = adversarialText ?? vanillaText else {
            throw error("adversarial", "empty prompt: neither 'adversarial' nor 'vanilla' has text")
        }
        var attributes: [Prompt.Attribute] = []
        let dataType = try string("data_type")
        attributes.append(
            .init("adversarial", .bool(dataType.map { $0.hasPrefix("adversarial") } ?? (adversarialText != nil))))
        if let dataType {
            attributes.append(.init("data_type", .string(dataType)))
            if dataType.hasSuffix("_harmful") { attributes.append(.init("prompt_harm_label", .string("harmful"))) }
            if dataType.hasSuffix("_benign") { attributes.append(.init("prompt_harm_label", .string("unharmful"))) }
        }
        if let tactics = try strings("tactics") { attributes.append(.init("tactics", .strings(tactics))) }
        if let label = try number("label") { attributes.append(.init("label", .number(label))) }
        return Prompt(text: text, dataset: "wildjailbreak", attributes: attributes)
    }

    private func realToxicityPrompts() throws(PromptSourceError) -> Prompt {
        guard let text = try string("prompt.text") else { throw error("prompt.text", "empty prompt") }
        var attributes: [Prompt.Attribute] = [.init("adversarial", .bool(false))]
        attributes.append(.init("toxicity", try number("prompt.toxicity").map(Prompt.Attribute.Value.number) ?? .null))
        if let challenging = try bool("challenging") { attributes.append(.init("challenging", .bool(challenging))) }
        return Prompt(text: text, dataset: "realtoxicityprompts", attributes: attributes)
    }

    private func wildGuardMix() throws(PromptSourceError) -> Prompt {
        guard let text = try string("prompt") else { throw error("prompt", "empty prompt") }
        var attributes: [Prompt.Attribute] = []
        if let adversarial = try bool("adversarial") { attributes.append(.init("adversarial", .bool(adversarial))) }
        if let label = try string("prompt_harm_label") {
            guard label == "harmful" || label == "unharmful" else {
                throw error("prompt_harm_label", "expected harmful or unharmful, found '\(label)'")
            }
            attributes.append(.init("prompt_harm_label", .string(label)))
        }
        if let subcategory = try string("subcategory") { attributes.append(.init("subcategory", .string(subcategory))) }
        return Prompt(text: text, dataset: "wildguardmix", attributes: attributes)
    }
}
