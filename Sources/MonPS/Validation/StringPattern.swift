import Foundation

/// A `pattern` of the contract, compiled once. The contract's patterns are almost all one bracket class repeated
/// (`^[a-z0-9_]{1,64}$`, `^[A-Za-z0-9_-]+$`): those are matched over the UTF-8 bytes with a 256-entry table, which
/// costs nanoseconds on the hot list routes; anything else goes to `NSRegularExpression`, compiled here, not per
/// request.
struct StringPattern: Sendable {
    let source: String
    private let matcher: Matcher

    private enum Matcher: Sendable {
        /// `^[class]{min,max}$`: every byte in the class (a negated class admits every non-ASCII byte too).
        case byteClass(table: [Bool], min: Int, max: Int?)
        case regex(NSRegularExpression)
    }

    init(_ source: String) throws {
        self.source = source
        if let fast = Self.compileByteClass(source) {
            matcher = fast
        } else {
            matcher = .regex(try NSRegularExpression(pattern: source))
        }
    }

    func matches(_ string: String) -> Bool {
        switch matcher {
        case .byteClass(let table, let min, let max):
            var count = 0
            for byte in string.utf8 {
                guard table[Int(byte)] else { return false }
                // Count characters, not bytes: continuation bytes (10xxxxxx) do not start one.
                if byte & 0xC0 != 0x80 { count += 1 }
            }
            return count >= min && (max.map { count <= $0 } ?? true)
        case .regex(let regex):
            let range = NSRange(string.startIndex..<string.endIndex, in: string)
            return regex.firstMatch(in: string, options: [], range: range) != nil
        }
    }

    /// `^[…]` + `+`, `*`, `{n}` or `{n,m}` + `$` with literal characters, `a-z` ranges and `\\`-escapes inside the
    /// class; nil for any other pattern.
    private static func compileByteClass(_ source: String) -> Matcher? {
        var chars = Array(source.unicodeScalars)[...]
        guard chars.first == "^", chars.last == "$" else { return nil }
        chars = chars.dropFirst().dropLast()
        guard chars.first == "[" else { return nil }
        chars = chars.dropFirst()
        var negated = false
        if chars.first == "^" {
            negated = true
            chars = chars.dropFirst()
        }
        var members: [UInt8] = []
        var previous: UInt8?
        while let scalar = chars.first, scalar != "]" {
            chars = chars.dropFirst()
            var literal = scalar
            if scalar == "\\" {
                guard let escaped = chars.first, !escaped.properties.isAlphabetic, escaped.isASCII else { return nil }
                literal = escaped
                chars = chars.dropFirst()
            } else if scalar == "-", let start = previous, let end = chars.first, end != "]", end.isASCII, end != "\\" {
                chars = chars.dropFirst()
                guard UInt8(end.value) >= start else { return nil }
                members.append(contentsOf: start...UInt8(end.value))
                previous = nil
                continue
            }
            guard literal.isASCII else { return nil }
            members.append(UInt8(literal.value))
            previous = UInt8(literal.value)
        }
        guard chars.first == "]" else { return nil }
        chars = chars.dropFirst()
        let quantifier = String(String.UnicodeScalarView(chars))
        let bounds: (Int, Int?)
        switch quantifier {
        case "+": bounds = (1, nil)
        case "*": bounds = (0, nil)
        default:
            guard quantifier.hasPrefix("{"), quantifier.hasSuffix("}") else { return nil }
            let parts = quantifier.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            guard let low = parts.first.flatMap({ Int($0) }) else { return nil }
            switch parts.count {
            case 1: bounds = (low, low)
            case 2 where parts[1].isEmpty: bounds = (low, nil)
            case 2: guard let high = Int(parts[1]) else { return nil }; bounds = (low, high)
            default: return nil
            }
        }
        var table = [Bool](repeating: negated, count: 256)
        for member in members { table[Int(member)] = !negated }
        if negated {
            // A negated class matches any character outside it, so every byte of a multi-byte character.
            for byte in 0x80..<0x100 { table[byte] = true }
        }
        return .byteClass(table: table, min: bounds.0, max: bounds.1)
    }
}
