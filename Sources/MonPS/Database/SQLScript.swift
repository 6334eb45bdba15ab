import Foundation

/// Splits a SQL file into statements. PostgresNIO only speaks the extended protocol, which takes one
/// statement at a time, so migration files are split here: on `;` outside string literals, quoted
/// identifiers, dollar-quoted bodies (`$$ … $$`, `$fn$ … $fn$`) and comments.
enum SQLScript {
    static func statements(in sql: String) -> [String] {
        let characters = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let statement = String(current).trimmingWhitespace()
            if !statement.isEmpty, !isOnlyComments(statement) { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        func peek(_ offset: Int) -> Unicode.Scalar? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        /// Copies characters up to and including `terminator`.
        func copy(until terminator: [Unicode.Scalar], allowDoubling: Bool = false, backslashEscapes: Bool = false) {
            while index < characters.count {
                let scalar = characters[index]
                if backslashEscapes, scalar == "\\", index + 1 < characters.count {
                    current.append(scalar)
                    current.append(characters[index + 1])
                    index += 2
                    continue
                }
                if Array(characters[index..<min(index + terminator.count, characters.count)]) == terminator {
                    current.append(contentsOf: terminator)
                    index += terminator.count
                    if allowDoubling, terminator.count == 1, peek(0) == terminator[0] {
                        current.append(terminator[0])
                        index += 1
                        continue
                    }
                    return
                }
                current.append(scalar)
                index += 1
            }
        }

        while index < characters.count {
            let scalar = characters[index]
            switch scalar {
            case ";":
                index += 1
                flush()
            case "'":
                let escaped = index > 0 && (characters[index - 1] == "E" || characters[index - 1] == "e")
                current.append(scalar)
                index += 1
                copy(until: ["'"], allowDoubling: true, backslashEscapes: escaped)
            case "\"":
                current.append(scalar)
                index += 1
                copy(until: ["\""], allowDoubling: true)
            case "-" where peek(1) == "-":
                copy(until: ["\n"])
            case "/" where peek(1) == "*":
                current.append(contentsOf: ["/", "*"])
                index += 2
                copy(until: ["*", "/"])
            case "$":
                // A dollar-quote tag is $[A-Za-z_][A-Za-z0-9_]*$ or $$; anything else ($1 parameters) is plain text.
                var end = index + 1
                while end < characters.count, characters[end] == "_" || characters[end].properties.isAlphabetic
                    || (end > index + 1 && ("0"..."9").contains(characters[end]))
                {
                    end += 1
                }
                if end < characters.count, characters[end] == "$" {
                    let tag = Array(characters[index...end])
                    current.append(contentsOf: tag)
                    index = end + 1
                    copy(until: tag)
                } else {
                    current.append(scalar)
                    index += 1
                }
            default:
                current.append(scalar)
                index += 1
            }
        }
        flush()
        return statements
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty || trimmed.hasPrefix("--")
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
