/// URLs of an OpenAI-compatible server from its base URL, given with or without the `/v1` suffix.
enum Endpoint {
    /// `url("http://h:8000", "chat/completions")` and `url("http://h:8000/v1/", ...)` are both
    /// `http://h:8000/v1/chat/completions`.
    static func url(_ base: String, _ path: String) -> String {
        var root = base
        while root.hasSuffix("/") { root.removeLast() }
        if !root.hasSuffix("/v1") { root += "/v1" }
        return root + "/" + path
    }
}
