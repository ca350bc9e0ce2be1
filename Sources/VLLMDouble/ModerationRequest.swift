/// An OpenAI `POST /v1/moderations` request: `input` is a string, an array of strings (one result each), or an
/// array of content parts (one multimodal input).
struct ModerationRequest: Decodable {
    struct Input {
        let text: String
        let hasImage: Bool
    }

    let inputs: [Input]
    let model: String?

    private enum CodingKeys: String, CodingKey { case input, model }
    private struct Part: Decodable {
        let type: String
        let text: String?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        if let text = try? container.decode(String.self, forKey: .input) {
            inputs = [Input(text: text, hasImage: false)]
        } else if let texts = try? container.decode([String].self, forKey: .input) {
            inputs = texts.map { Input(text: $0, hasImage: false) }
        } else {
            let parts = try container.decode([Part].self, forKey: .input)
            inputs = [
                Input(
                    text: parts.compactMap { $0.type == "text" ? $0.text : nil }.joined(separator: "\n"),
                    hasImage: parts.contains { $0.type == "image_url" })
            ]
        }
    }
}
