public import Foundation

/// An `http://` or `https://` URL with a host: what every endpoint Sentinel talks to must be (receivers, scrape
/// targets, the simulator's models). The one place that says so, with the `instance` Prometheus gives a target.
public struct HTTPURL: Sendable {
    public let url: URL
    /// `http` or `https`, lower case.
    public let scheme: String
    public let host: String

    /// What `init` accepts, for messages: "'…' is not \(HTTPURL.requirement)".
    public static let requirement = "an http or https URL with a host (and a port from 1 to 65535)"

    /// Nil unless `text` is an http or https URL with a host and, when it names a port, a port from 1 to 65535
    /// (Foundation parses `:0` and `:99999` as ports, which no connection can use).
    public init?(_ text: String) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.port.map({ (1...65535).contains($0) }) ?? true
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
