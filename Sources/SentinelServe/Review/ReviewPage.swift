import Foundation
import SentinelCore
import SentinelTrace

/// The review page's HTML: one layout, small builders, and every piece of text that came from outside (prompts,
/// answers, labels, notes, corpus text) passed through `htmlEscaped`. No scripts beyond a few lines inline.
enum ReviewPage {
    static func layout(title: String, session: ReviewSessions.Session?, body: String) -> String {
        let nav =
            session.map { s in
                """
                <nav><a href="/review">Overview</a> <a href="/review/alerts">Alerts</a> <a href="/review/findings">Findings</a>
                <form method="post" action="/review/logout" class="inline"><input type="hidden" name="csrf" value="\(s.csrf.htmlEscaped)">
                <span class="who">\(s.reviewer.htmlEscaped)\(s.canWrite ? "" : " (read only)")</span> <button>Log out</button></form></nav>
                """
            } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(title.htmlEscaped) · Sentinel</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#1d2330}
            nav{display:flex;gap:1rem;align-items:center;border-bottom:1px solid #ccd;padding-bottom:.5rem;margin-bottom:1rem}
            nav form{margin-left:auto} .inline{display:inline} table{border-collapse:collapse;width:100%}
            th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e6ee;vertical-align:top}
            .critical{color:#b00020;font-weight:600} .warning{color:#a15c00} .pill{padding:0 .4rem;border-radius:.6rem;background:#eef}
            .unsafe{background:#fde2e2} .safe{background:#e0f5e5} pre{white-space:pre-wrap;background:#f6f7fb;padding:.5rem}
            .error{color:#b00020} .notice{color:#1b6e2b} .cards{display:flex;gap:1rem;flex-wrap:wrap}
            .card{border:1px solid #dde;border-radius:.4rem;padding:.6rem 1rem;min-width:10rem} .big{font-size:1.6rem}
            .charts{display:flex;gap:1rem;flex-wrap:wrap} .chart{margin:0} figcaption{font-weight:600;margin-bottom:.2rem}
            \(TraceHTML.style)
            .legend{font-size:12px;max-width:340px} .legend i{display:inline-block;width:14px;border-top-width:2px;margin:0 .3rem .2rem 0}
            </style></head><body>
            \(nav)
            <h1>\(title.htmlEscaped)</h1>
            \(body)
            </body></html>
            """
    }

    static func login(message: String?) -> String {
        layout(
            title: "Log in", session: nil,
            body: """
                \(message.map { "<p class=\"error\">\($0.htmlEscaped)</p>" } ?? "")
                <form method="post" action="/review/login">
                <p><label>Your name <input name="reviewer" required autocomplete="username"></label></p>
                <p><label>Token <input name="token" type="password" required autocomplete="current-password"></label></p>
                <p><button>Log in</button></p></form>
                <p>The token is one of <code>auth.write_token</code> or <code>auth.admin_token</code> (review and silence) or
                <code>auth.read_token</code> (look only) of the service's configuration.</p>
                """)
    }

    /// A form's hidden CSRF field.
    static func csrf(_ session: ReviewSessions.Session) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf.htmlEscaped)\">"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        "<table><thead><tr>" + header.map { "<th>\($0.htmlEscaped)</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
    }

    static func labels(_ pairs: [(String, String)]) -> String {
        pairs.filter { $0.0 != "alertname" }.map { "<span class=\"pill\">\($0.0.htmlEscaped)=\($0.1.htmlEscaped)</span>" }
            .joined(separator: " ")
    }

    /// A guard verdict, coloured by its `safety` (a category named "unsafe" is no unsafe verdict).
    static func verdict(_ json: String?) -> String {
        guard let json else { return "<em>none</em>" }
        let safety = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["safety"] as? String
        let css = safety == "unsafe" || safety == "safe" ? safety! : ""
        return "<code class=\"\(css)\">\(json.htmlEscaped)</code>"
    }
}
