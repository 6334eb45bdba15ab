import Foundation

/// When the (timestamp-less) historical prices are taken to have been captured, relative to the
/// event start. The files only say "early" or "closing"; these fixed offsets keep every early
/// price strictly before every closing price, and both before the start.
public enum ImportTiming {
    /// Early / opening prices: start − 48 h (football-data's early prices are collected on the
    /// Friday/Tuesday before; SBR opening lines).
    public static let earlyOffset: TimeInterval = 48 * 3600
    /// A single pre-match price whose timing the file does not state (tennis-data, SBR NBA
    /// moneylines, SBR run/puck lines): start − 1 h, `isClosing == false`.
    public static let untimedOffset: TimeInterval = 3600
    /// Closing prices: start − 5 min.
    public static let closingOffset: TimeInterval = 5 * 60

    public static func early(_ start: Date) -> Date { start.addingTimeInterval(-earlyOffset) }
    public static func untimed(_ start: Date) -> Date { start.addingTimeInterval(-untimedOffset) }
    public static func closing(_ start: Date) -> Date { start.addingTimeInterval(-closingOffset) }
}
