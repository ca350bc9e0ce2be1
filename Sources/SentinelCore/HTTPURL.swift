public import Foundation

/// An `http://` or `https://` URL with a host: what every endpoint Sentinel talks to must be (receivers, scrape
/// targets, the simulator's models). The one place that says so, with the `instance` Prometheus gives a target.
public struct HTTPURL: Sendable {
    public let url: URL
    /// `http` or `https`, lower case.
    public let scheme: String
    public let host: String

    /// Nil unless `text` is an http or https URL with a host.
    public init?(_ text: String) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return nil }
        self.url = url
        self.scheme = scheme
        self.host = host
    }

    /// `host:port`, the port the scheme's when the URL names none and an IPv6 host in brackets: the `instance`
    /// label Prometheus gives a target.
    public var instance: String {
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host) + ":\(port)"
    }
}
