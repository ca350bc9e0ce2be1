import Foundation
import Hummingbird
import SentinelAct
import SentinelCore
import SentinelEvaluate
import SentinelStore
import SentinelTrace
import Synchronization

/// The review page under `/review`: log in with a token, look at alerts and findings, review a finding's input
/// and output (conflicts with another reviewer are shown, not overwritten), create a silence from an alert.
/// Server-rendered HTML; every form carries the session's CSRF token and the cookie is `SameSite=Strict`.
extension SentinelServer {
    func addReviewRoutes(to parent: Router<BasicRequestContext>) {
        let sessions = reviewSessions
        let router = parent.group().add(middleware: ReviewErrorMiddleware())
        router.get("/review/login") { _, _ in Self.html(ReviewPage.login(message: sessions.isConfigured ? nil : Self.noTokens)) }
        router.post("/review/login") { request, _ in
            let form = try await Self.form(request)
            guard let reviewer = form["reviewer"]?.trimmingCharacters(in: .whitespaces), !reviewer.isEmpty,
                let token = form["token"], let (id, _) = sessions.login(token: token, reviewer: reviewer)
            else { return Self.html(ReviewPage.login(message: "Wrong token or missing name."), status: .unauthorized) }
            var response = Self.redirect("/review")
            response.headers[.setCookie] = "\(ReviewSessions.cookie)=\(id); Path=/review; HttpOnly; SameSite=Strict"
            return response
        }
        router.post("/review/logout") { request, _ in
            guard let session = sessions.session(request), try await Self.form(request)["csrf"] == session.csrf else {
                return Self.redirect("/review/login")
            }
            sessions.logout(request)
            return Self.redirect("/review/login")
        }
        router.get("/review") { request, _ in
            guard let session = sessions.session(request) else { return Self.redirect("/review/login") }
            return Self.html(try await self.overviewPage(session))
        }
        router.get("/review/alerts") { request, _ in
            guard let session = sessions.session(request) else { return Self.redirect("/review/login") }
            return Self.html(self.alertsPage(session, notice: request.uri.queryParameters["notice"].map(String.init)))
        }
        router.post("/review/silences") { request, _ in
            guard let session = sessions.session(request) else { return Self.redirect("/review/login") }
            let form = try await Self.form(request)
            guard form["csrf"] == session.csrf, session.canWrite else { return Self.forbidden() }
            return try self.createSilence(form, by: session)
        }
        router.get("/review/findings") { request, _ in
            guard let session = sessions.session(request) else { return Self.redirect("/review/login") }
            return Self.html(try self.findingsPage(session, request))
        }
        router.get("/review/findings/:id") { request, context in
            guard let session = sessions.session(request) else { return Self.redirect("/review/login") }
            guard let id = context.parameters.get("id").flatMap(Int64.init), let finding = try self.store.finding(id: id) else {
                return Self.html(ReviewPage.layout(title: "No such finding", session: session, body: ""), status: .notFound)
            }
            return Self.html(try self.findingPage(session, finding, message: nil))
        }
        router.post("/review/findings/:id/review") { request, context in
            guard let session = sessions.session(request) else { return Self.redirect("/review/login") }
            let form = try await Self.form(request)
            guard form["csrf"] == session.csrf, session.canWrite else { return Self.forbidden() }
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Self.forbidden() }
            return try self.submitReview(id: id, form, by: session)
        }
    }

    static let noTokens = "No token is configured: set auth.write_token (or auth.read_token) to use the review page."

    // MARK: Pages

    private func overviewPage(_ session: ReviewSessions.Session) async throws -> String {
        let s = metrics.state.withLock { $0 }
        let evaluated = s.evaluated.values.reduce(0, +)
        let (active, _) = alerts.entries()
        let firing = active.filter { $0.state == .firing }
        let bySeverity = ["critical", "warning", "info"].map { severity in (severity, firing.filter { $0.severity == severity }.count) }
        let unreviewed = try store.findings(FindingQuery(flagged: true, reviewed: false, limit: 1000)).findings.count
        let pairs = try store.pairs(PairQuery(limit: 1000)).count
        func card(_ title: String, _ value: String, _ link: String? = nil) -> String {
            let inner = "<div>\(title.htmlEscaped)</div><div class=\"big\">\(value.htmlEscaped)</div>"
            return "<div class=\"card\">" + (link.map { "<a href=\"\($0)\">\(inner)</a>" } ?? inner) + "</div>"
        }
        var body = "<div class=\"cards\">"
        body += card("Events/s (last 10 s)", String(format: "%.1f", metrics.recentEvaluationRate()))
        body += card("Events evaluated", "\(evaluated)")
        for (severity, count) in bySeverity { body += card("Firing \(severity)", "\(count)", "/review/alerts") }
        body += card("Pending", "\(active.count - firing.count)", "/review/alerts")
        body += card("Flagged, unreviewed", unreviewed >= 1000 ? "1000+" : "\(unreviewed)", "/review/findings?flagged=true&reviewed=false")
        body += card("DPO pairs", pairs >= 1000 ? "1000+" : "\(pairs)")
        body += "</div>"
        if let activity = await queue.inspect({ loop in loop.activity.snapshot() }) {
            body += Self.activityCharts(activity)
        }
        body += "<h2>Health</h2>" + health(s)
        return ReviewPage.layout(title: "Overview", session: session, body: body)
    }

    /// Answers per minute, unsafe share and latency by model over the latest hour of event time.
    static func activityCharts(_ activity: ModelActivity.Snapshot) -> String {
        guard let first = activity.firstMinute, let last = activity.lastMinute else {
            return "<p id=\"no-activity\">No completions seen yet: the charts appear with the first answer.</p>"
        }
        func minuteLabel(_ ms: Int64) -> String { String(Timestamp.format(ms).dropFirst(11).prefix(5)) + "Z" }
        let labels = (minuteLabel(first), minuteLabel(last))
        func series(_ value: (ModelActivity.Snapshot.Point) -> Double?, dashed: Bool = false, suffix: String = "") -> [SVGChart.Series] {
            activity.models.enumerated().map { i, entry in
                SVGChart.Series(
                    name: entry.model + suffix, color: SVGChart.palette[i % SVGChart.palette.count], dashed: dashed,
                    values: entry.points.map(value))
            }
        }
        let answers = SVGChart(
            title: "Answers per minute by model", series: series { $0.answers > 0 ? Double($0.answers) : nil }, xLabels: labels,
            formatY: { NumberFormatting.format($0) })
        let unsafe = SVGChart(
            title: "Unsafe answers (response guard) by model", series: series { $0.unsafeRatio }, xLabels: labels,
            formatY: { String(format: "%.0f%%", $0 * 100) })
        let latency = SVGChart(
            title: "Latency by model: p50 solid, p99 dashed",
            series: series { $0.p50 } + series({ $0.p99 }, dashed: true, suffix: " p99"), xLabels: labels,
            formatY: { $0 >= 1000 ? String(format: "%.3g s", $0 / 1000) : String(format: "%.0f ms", $0) })
        return """
            <h2>Last hour of event time (\(Timestamp.format(first).htmlEscaped) to \(Timestamp.format(last + 60_000).htmlEscaped))</h2>
            <div class="charts" id="activity">\(answers.render())\(unsafe.render())\(latency.render())</div>
            """
    }

    /// Collectors and reloads: what feeds the engine and whether the running configuration is the latest one.
    private func health(_ s: ServiceMetrics.State) -> String {
        func status(_ healthy: Bool) -> String { healthy ? "<span class=\"safe\">ok</span>" : "<span class=\"unsafe\">failing</span>" }
        var rows = statusSections.flatMap { $0() }.map { [status($0.healthy), $0.name.htmlEscaped, $0.detail.htmlEscaped] }
        let sources = EventBatch.Source.allCases.map { "\($0.rawValue) \(s.accepted[$0] ?? 0)" }.joined(separator: ", ")
        let rejected = s.rejected.values.reduce(0, +)
        rows.insert([status(true), "ingestion", "accepted by source: \(sources); \(rejected) rejected"], at: 0)
        let lastSuccess = s.lastReloadSuccess == 0 ? metrics.startTime : s.lastReloadSuccess
        var reload = "\(s.reloadSuccesses) reloads ok, \(s.reloadFailures) failed; configuration loaded \(Self.wallTime(lastSuccess))"
        if s.lastReloadFailure > 0 { reload += "; last failure \(Self.wallTime(s.lastReloadFailure))" }
        rows.append([status(s.lastReloadFailure <= lastSuccess), "reload", reload.htmlEscaped])
        rows.append([
            status(s.storeDropped == 0), "store",
            "\(s.storeCommits) commits, \(s.storeFailures) failed, \(s.storeDropped) records dropped",
        ])
        return ReviewPage.table(["", "part", "state"], rows)
    }

    private static func wallTime(_ seconds: Double) -> String { Timestamp.format(Int64(seconds * 1000)) }

    private func alertsPage(_ session: ReviewSessions.Session, notice: String?) -> String {
        let (active, resolved) = alerts.entries()
        func rows(_ entries: [AlertBook.Entry], silence: Bool) -> [[String]] {
            entries.map { e in
                let fingerprint = Dispatcher.fingerprint(rule: e.rule, labels: e.labels)
                var cells = [
                    "<span class=\"\(e.severity.htmlEscaped)\">\(e.state.rawValue)</span>", e.rule.htmlEscaped,
                    ReviewPage.labels(e.labels), e.value.map(NumberFormatting.format)?.htmlEscaped ?? "",
                    Timestamp.format(e.activeSince).htmlEscaped,
                    "<a href=\"/review/findings?fingerprint=\(fingerprint)\">findings</a>",
                ]
                if silence, session.canWrite {
                    // A value is percent-encoded: one from traffic may hold a line break, which would split it.
                    let matchers = e.labels.filter { $0.0 != "severity" }.map { "\($0.0)=\($0.1.percentEncoded)" }
                        .joined(separator: "\n")
                    cells.append(
                        """
                        <form method="post" action="/review/silences">\(ReviewPage.csrf(session))
                        <input type="hidden" name="alertname" value="\(e.rule.htmlEscaped)">
                        <input type="hidden" name="matchers" value="\(matchers.htmlEscaped)">
                        <input name="hours" value="2" size="2" aria-label="hours"> h
                        <input name="comment" placeholder="why" required aria-label="comment"> <button>Silence</button></form>
                        """)
                }
                return cells
            }
        }
        var body = notice.map { "<p class=\"notice\">\($0.htmlEscaped)</p>" } ?? ""
        body += "<h2>Active</h2>"
        body += ReviewPage.table(["state", "rule", "labels", "value", "since", "evidence"] + (session.canWrite ? ["silence"] : []), rows(active, silence: true))
        body += "<h2>Recently resolved</h2>" + ReviewPage.table(["state", "rule", "labels", "value", "since", "evidence"], rows(Array(resolved.prefix(200)), silence: false))
        return ReviewPage.layout(title: "Alerts", session: session, body: body)
    }

    private func findingsPage(_ session: ReviewSessions.Session, _ request: Request) throws -> String {
        let query: FindingQuery
        switch Self.findingQuery(request, paging: true) {
        case .success(let q): query = q
        case .failure(let problem): return ReviewPage.layout(title: "Findings", session: session, body: "<p class=\"error\">\(problem.message.htmlEscaped)</p>")
        }
        let page = try store.findings(query)
        // Read as `findingQuery` read them (it refused a query that is not form-encoded above).
        let p = (try? Self.queryParameters(request).get()) ?? [:]
        func value(_ name: String) -> String { p[name].map { $0.htmlEscaped } ?? "" }
        func option(_ name: String, _ v: String, _ label: String) -> String {
            "<option value=\"\(v)\"\(p[name] == v ? " selected" : "")>\(label)</option>"
        }
        var body = """
            <form method="get" action="/review/findings" id="filters">
            <input name="rule" placeholder="rule" value="\(value("rule"))"> <input name="model" placeholder="model" value="\(value("model"))">
            <select name="flagged">\(option("flagged", "", "any verdict"))\(option("flagged", "true", "flagged unsafe"))\(option("flagged", "false", "not flagged"))</select>
            <select name="reviewed">\(option("reviewed", "", "reviewed or not"))\(option("reviewed", "false", "unreviewed"))\(option("reviewed", "true", "reviewed"))</select>
            <input name="since" placeholder="since (RFC 3339)" value="\(value("since"))">
            \(p["fingerprint"].map { "<input type=\"hidden\" name=\"fingerprint\" value=\"\(String($0).htmlEscaped)\">" } ?? "")
            <button>Filter</button></form>
            """
        let rows = page.findings.map { f -> [String] in
            let review = f.review.map { r in
                "in: \(r.inputLabel?.rawValue ?? "–") · out: \(r.outputLabel?.rawValue ?? "–") by \(r.reviewer.htmlEscaped)"
            } ?? "<em>unreviewed</em>"
            return [
                "<a href=\"/review/findings/\(f.id)\">#\(f.id)</a>", Timestamp.format(f.time).htmlEscaped, f.rule.htmlEscaped,
                (f.model ?? "").htmlEscaped, f.flagged ? "<span class=\"unsafe\">flagged</span>" : "",
                String((f.prompt ?? "").prefix(120)).htmlEscaped, review,
            ]
        }
        body += ReviewPage.table(["finding", "time", "rule", "model", "guard", "prompt", "review"], rows)
        if let next = page.nextCursor {
            var items = URLComponents(string: request.uri.description)?.queryItems?.filter { $0.name != "cursor" } ?? []
            items.append(URLQueryItem(name: "cursor", value: "\(next)"))
            var components = URLComponents()
            components.queryItems = items
            body += "<p><a href=\"/review/findings?\((components.percentEncodedQuery ?? "").htmlEscaped)\">Older findings →</a></p>"
        }
        return ReviewPage.layout(title: "Findings", session: session, body: body)
    }

    private func findingPage(_ session: ReviewSessions.Session, _ f: Finding, message: String?) throws -> String {
        func radio(_ name: String, _ label: ReviewLabel?, _ current: ReviewLabel?) -> String {
            let value = label?.rawValue ?? ""
            let checked = label == current ? " checked" : ""
            return "<label><input type=\"radio\" name=\"\(name)\" value=\"\(value)\"\(checked)> \(label?.rawValue.uppercased() ?? "not set")</label>"
        }
        let trace = f.traceJSON.flatMap { try? JSONDecoder().decode(TraceResult.self, from: Data($0.utf8)) }
        var body = message.map { "<p class=\"error\" id=\"message\">\($0.htmlEscaped)</p>" } ?? ""
        body += """
            <p>\(Timestamp.format(f.time).htmlEscaped) · rule <b>\(f.rule.htmlEscaped)</b> · \(ReviewPage.labels(f.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
            · event <code>\((f.eventID ?? "").htmlEscaped)</code></p>
            <h2>Prompt</h2><pre id="prompt">\("\n" + (f.prompt ?? "").htmlEscaped)</pre>
            <p>Prompt guard: \(ReviewPage.verdict(f.promptGuard))</p>
            <h2>Answer</h2><pre id="response">\("\n" + (trace.map { TraceHTML.highlighted(f.response ?? "", $0.spans) } ?? (f.response ?? "").htmlEscaped))</pre>
            <p>Response guard: \(ReviewPage.verdict(f.responseGuard))</p>
            <details><summary>Raw event</summary><pre>\(f.raw.htmlEscaped)</pre></details>
            """
        if let trace {
            body += """
                <details id="trace" open><summary>Trace: \(trace.spans.count) spans of the answer found in the corpus (marked above)</summary>
                \(TraceHTML.summary(trace))\(TraceHTML.spanList(trace))
                <p><a href="/api/v1/findings/\(f.id)/trace.html">The trace as a page of its own</a></p></details>
                """
        } else if f.traceJSON != nil {
            body += "<p class=\"error\">The stored trace of this finding cannot be read.</p>"
        }
        if let pairID = f.dpoPairID, let pair = try store.pairs(PairQuery(includeDropped: true)).first(where: { $0.id == pairID }) {
            body += """
                <h2>DPO pair #\(pairID)\(pair.verdict.map { " (\($0.rawValue))" } ?? "")</h2>
                <p>chosen:</p><pre>\(pair.pair.chosen.htmlEscaped)</pre><p>rejected:</p><pre>\(pair.pair.rejected.htmlEscaped)</pre>
                """
        }
        let current = f.review
        body += "<h2>Review</h2>"
        if let r = current {
            body += "<p id=\"current-review\">Input \(r.inputLabel?.rawValue.uppercased() ?? "not set"), output \(r.outputLabel?.rawValue.uppercased() ?? "not set") by \(r.reviewer.htmlEscaped) at \(Timestamp.format(r.time).htmlEscaped)\(r.note.map { ": " + $0.htmlEscaped } ?? "")</p>"
        }
        if session.canWrite {
            body += """
                <form method="post" action="/review/findings/\(f.id)/review" id="review">\(ReviewPage.csrf(session))
                <input type="hidden" name="version" value="\(f.version)">
                <p>Input: \(radio("input", .safe, current?.inputLabel)) \(radio("input", .unsafe, current?.inputLabel)) \(radio("input", nil, current?.inputLabel))</p>
                <p>Output: \(radio("output", .safe, current?.outputLabel)) \(radio("output", .unsafe, current?.outputLabel)) \(radio("output", nil, current?.outputLabel))</p>
                <p><label>Note <textarea name="note" rows="3" cols="60">\("\n" + (current?.note ?? "").htmlEscaped)</textarea></label></p>
                <p><button>Save review</button></p></form>
                """
        }
        return ReviewPage.layout(title: "Finding #\(f.id)", session: session, body: body)
    }

    // MARK: Actions

    private func submitReview(id: Int64, _ form: FormBody, by session: ReviewSessions.Session) throws -> Response {
        func badRequest(_ message: String) -> Response {
            let body = "<p class=\"error\" id=\"message\">\(message.htmlEscaped)</p><p><a href=\"/review/findings/\(id)\">Back to finding #\(id)</a></p>"
            return Self.html(ReviewPage.layout(title: "Not saved", session: session, body: body), status: .badRequest)
        }
        // An empty field is a label left open; any other value must be one (a typo must not erase a review).
        var labels: [String: ReviewLabel] = [:]
        for name in ["input", "output"] {
            guard let text = form[name], !text.isEmpty else { continue }
            guard let label = ReviewLabel(rawValue: text) else {
                let choices = ReviewLabel.allCases.map { "'\($0.rawValue)'" }.joined(separator: " or ")
                return badRequest("Not saved: the form's field '\(name)' is '\(text)', not \(choices) (or empty to leave it open).")
            }
            labels[name] = label
        }
        // Browsers send a text area's line breaks as CR LF: read back as the LF the API stores, so saving the page
        // leaves a note as it was.
        let note = form["note"].map { $0.replacingOccurrences(of: "\r\n", with: "\n") }
        let review = Review(
            inputLabel: labels["input"], outputLabel: labels["output"], note: note.flatMap { $0.isEmpty ? nil : $0 },
            reviewer: session.reviewer, time: WallClock.now())
        var version: Int?
        if let text = form["version"] {
            guard let number = Int(text) else { return badRequest("Not saved: the form's field 'version' is '\(text)', not a version number.") }
            version = number
        }
        do {
            guard try store.review(findingID: id, review, expectedVersion: version) != nil else {
                return Self.html(ReviewPage.layout(title: "No such finding", session: session, body: ""), status: .notFound)
            }
            return Self.redirect("/review/findings/\(id)")
        } catch let conflict as ReviewConflict where conflict.isUnissuedVersion {
            return badRequest(
                "Not saved: the form's version \(conflict.expected) is not one this server issued (finding #\(id) is at version \(conflict.current.version)). Open the finding again and review it.")
        } catch let conflict as ReviewConflict {
            let by = conflict.current.review.map { " by \($0.reviewer)" } ?? ""
            let message = "Not saved: this finding was reviewed\(by) while you had it open. Their review is shown below; review again to replace it."
            return Self.html(try findingPage(session, conflict.current, message: message), status: .conflict)
        }
    }

    private func createSilence(_ form: FormBody, by session: ReviewSessions.Session) throws -> Response {
        func notice(_ text: String) -> Response { Self.redirect("/review/alerts?notice=" + text.percentEncoded) }
        // At least a minute: a shorter silence would have ended by the time the page says it was made.
        guard let hours = form["hours"].flatMap(Double.init), hours >= 1.0 / 60, hours <= 24 * 90, let comment = form["comment"],
            !comment.isEmpty
        else { return notice("Not silenced: give a duration from a minute (0.017 hours) to 90 days, and a comment.") }
        var matchers: [SilenceMatcher] = []
        if let name = form["alertname"] { matchers.append(try SilenceMatcher(name: "alertname", value: name)) }
        // Browsers send a form field's line breaks as CRLF.
        for line in (form["matchers"] ?? "").split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
            guard let eq = line.firstIndex(of: "=") else { return notice("Not silenced: matcher '\(line)' is not name=value.") }
            let name = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard LabelName.isValid(name) else {
                return notice("Not silenced: '\(name)' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*).")
            }
            let value = String(line[line.index(after: eq)...])
            matchers.append(try SilenceMatcher(name: name, value: value.removingPercentEncoding ?? value))
        }
        guard matchers.contains(where: { !$0.matches("") }) else {
            return Self.redirect("/review/alerts?notice=" + "Not silenced: it \(Self.silencesEverything).".percentEncoded)
        }
        let now = WallClock.now()
        let silence = Silence(
            matchers: matchers, startsAt: now, endsAt: now + Int64(hours * 3_600_000), createdBy: session.reviewer, comment: comment,
            createdAt: now, updatedAt: now)
        try store.saveSilence(silence)
        silences.put(silence)
        return Self.redirect("/review/alerts?notice=" + "Silenced until \(Timestamp.format(silence.endsAt)).".percentEncoded)
    }

    // MARK: HTTP helpers

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: "default-src 'self'; style-src 'unsafe-inline'"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func forbidden() -> Response {
        html(ReviewPage.layout(title: "Not allowed", session: nil, body: "<p>Missing or wrong form token, or a read-only login.</p>"), status: .forbidden)
    }

    /// An `application/x-www-form-urlencoded` body (up to 64 KiB); one that is not form-encoded throws
    /// `FormBody.Malformed`, and one over the limit or unreadable `RequestBody.Unreadable`, which
    /// `ReviewErrorMiddleware` answers with a 400 or 413 page.
    static func form(_ request: Request) async throws -> FormBody {
        let buffer = try await RequestBody.collect(request, upTo: 64 << 10)
        return try FormBody(Array(buffer.readableBytesView))
    }
}

extension String {
    fileprivate var percentEncoded: String { addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
}
