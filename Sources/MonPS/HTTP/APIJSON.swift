import Foundation
import OpenAPIRuntime

/// How the API writes JSON: the generated server's configuration, and an encoder writing the same bytes for the
/// representations stored ahead of a request (the opportunities' list entries).
enum APIJSON {
    /// Dates written without ICU (`InternetDateTranscoder`). Compact: the runtime's default also pretty-prints, ~40 %
    /// more bytes to write, send and parse. Sorted keys, so equal bodies (and their ETags) stay equal.
    static let configuration = OpenAPIRuntime.Configuration(
        dateTranscoder: InternetDateTranscoder(), jsonEncodingOptions: [.sortedKeys])

    /// The encoder the generated server builds from `configuration` (OpenAPIRuntime's `Converter`, whose encoder is
    /// internal): the configuration's output formatting, and dates through its transcoder.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        let options = configuration.jsonEncodingOptions
        var formatting: JSONEncoder.OutputFormatting = []
        if options.contains(.prettyPrinted) { formatting.insert(.prettyPrinted) }
        if options.contains(.sortedKeys) { formatting.insert(.sortedKeys) }
        if options.contains(.withoutEscapingSlashes) { formatting.insert(.withoutEscapingSlashes) }
        encoder.outputFormatting = formatting
        let transcoder = configuration.dateTranscoder
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try transcoder.encode(date))
        }
        return encoder
    }()
}
