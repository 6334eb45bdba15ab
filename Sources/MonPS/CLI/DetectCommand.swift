import Foundation
import Logging

/// `monps detect`: one detection run over the upcoming events, as the `opportunities.detect` job does it (the
/// opportunities are written and the cached opportunity lists dropped), with what it read and where the time went.
extension MonPSCommands {
    /// Runs the detector once and returns the report to print (a table, or one JSON object with `json`).
    public static func detect(config: AppConfig, logger: Logger, json: Bool) async throws -> String {
        let resources = try CommandResources(config: config, logger: logger, responseCache: true)
        let summary = try await resources.run {
            try await OpportunityDetector(database: resources.database, logger: logger, settings: config.detection)
                .detect(now: Date(), refreshing: resources.responseCache)
        }
        return json ? DetectionReport.json(summary) : DetectionReport.text(summary)
    }
}

/// The report of `monps detect`.
enum DetectionReport {
    static func text(_ summary: OpportunityDetector.Summary) -> String {
        let t = summary.timings
        return """
            events          \(summary.events)
            prices read     \(summary.latestRead + summary.historyRead) (\(summary.latestRead) current, \
            \(summary.historyRead) history)
            markets         \(summary.markets)
            signals         \(summary.signals)
            opportunities   \(summary.active) active, \(summary.withdrawn) withdrawn, \(summary.expired) expired
            list entries    \(summary.listed) written
            time            \(ms(t.total)) ms (load \(ms(t.load)), build \(ms(t.build)), agents \(ms(t.agents)), \
            consensus \(ms(t.consensus)), write \(ms(t.write)))
            """
    }

    static func json(_ summary: OpportunityDetector.Summary) -> String {
        let t = summary.timings
        let fields: [(String, String)] = [
            ("events", "\(summary.events)"), ("latest_read", "\(summary.latestRead)"),
            ("history_read", "\(summary.historyRead)"), ("markets", "\(summary.markets)"),
            ("signals", "\(summary.signals)"), ("active", "\(summary.active)"), ("withdrawn", "\(summary.withdrawn)"),
            ("expired", "\(summary.expired)"), ("listed", "\(summary.listed)"), ("elapsed_ms", ms(t.total)),
            ("load_ms", ms(t.load)), ("build_ms", ms(t.build)), ("agents_ms", ms(t.agents)), ("consensus_ms", ms(t.consensus)),
            ("write_ms", ms(t.write)),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// Milliseconds with one decimal, without Foundation formatting.
    static func ms(_ duration: Duration) -> String {
        let tenths = (duration.components.seconds * 10_000) + duration.components.attoseconds / 100_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}
