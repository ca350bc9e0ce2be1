import SentinelCore

/// One prompt to send, with where it came from and the dataset's labels for it.
public struct Prompt: Sendable, Equatable {
    /// One label of a prompt, carried into the event's `attrs`.
    public struct Attribute: Sendable, Equatable {
        /// A label value: what JSON, CSV and TSV columns hold.
        public enum Value: Sendable, Equatable {
            case string(String)
            case bool(Bool)
            case number(Double)
            case strings([String])
            case null
        }

        /// The key in `attrs`.
        public var name: String
        /// The label.
        public var value: Value

        /// A label called `name`.
        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }
    }

    /// What the user sends.
    public var text: String
    /// `wildguardmix`, `wildjailbreak`, `realtoxicityprompts`, a `dataset` column's value, or the file's name.
    public var dataset: String
    /// The dataset's labels (`adversarial`, `prompt_harm_label`, `data_type`, `toxicity`, ...), in a fixed order
    /// per dataset.
    public var attributes: [Attribute]
    /// The file and 1-based line the prompt was read from.
    public var file: String
    public var line: Int

    /// A prompt; the labels, file and line are optional.
    public init(text: String, dataset: String, attributes: [Attribute] = [], file: String = "", line: Int = 0) {
        self.text = text
        self.dataset = dataset
        self.attributes = attributes
        self.file = file
        self.line = line
    }

    /// The `adversarial` label, when the dataset has one.
    public var isAdversarial: Bool? {
        for attribute in attributes where attribute.name == "adversarial" {
            if case .bool(let value) = attribute.value { return value }
        }
        return nil
    }

    /// Adds `dataset` and the attributes to an `attrs` object under construction.
    func addAttributes(to json: inout JSONText) {
        json.add("dataset", dataset)
        for attribute in attributes {
            switch attribute.value {
            case .string(let s): json.add(attribute.name, s)
            case .bool(let b): json.add(attribute.name, b)
            case .number(let n): json.add(attribute.name, number: n)
            case .strings(let list): json.add(attribute.name, strings: list)
            case .null: json.add(attribute.name, raw: "null")
            }
        }
    }
}
