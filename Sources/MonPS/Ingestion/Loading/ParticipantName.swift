import Foundation

/// The key under which a team or player name is matched: two spellings with the same key are the same
/// participant. Case, accents, punctuation, club suffixes and the usual abbreviations don't matter, so
/// `Man United`, `Manchester Utd` and The Odds API's `Manchester United` all give `manchester united`.
enum ParticipantName {
    /// Words that stand for another word in team names.
    private static let expansions: [String: String] = [
        "utd": "united", "st": "saint", "&": "and", "nott'm": "nottingham", "nottm": "nottingham",
    ]
    /// First words that are short forms when followed by another word (`Man City`, but not a club called `Man`).
    private static let leadingExpansions: [String: String] = ["man": "manchester"]
    /// Club-form words dropped wherever they appear (`AFC Bournemouth` = `Bournemouth`).
    private static let noise: Set<String> = ["fc", "afc", "cf", "sc", "ac", "fk", "sk", "cd", "ud", "sv", "bc", "the"]

    /// Full club names (The Odds API's) → the short form football-data.co.uk uses, after normalisation. Only
    /// names that no rule above can join; extend it when a new league brings new spellings.
    static let knownAliases: [String: String] = [
        "tottenham hotspur": "tottenham", "wolverhampton wanderers": "wolves", "wolverhampton": "wolves",
        "brighton and hove albion": "brighton", "newcastle united": "newcastle", "west ham united": "west ham",
        "leicester city": "leicester", "leeds united": "leeds", "norwich city": "norwich", "ipswich town": "ipswich",
        "luton town": "luton", "cardiff city": "cardiff", "swansea city": "swansea", "stoke city": "stoke",
        "hull city": "hull", "west bromwich albion": "west brom", "queens park rangers": "qpr",
        "huddersfield town": "huddersfield", "sheffield wednesday": "sheffield weds",
        "bayern munich": "bayern munchen", "fc bayern munchen": "bayern munchen", "inter milan": "inter",
        "internazionale": "inter", "paris saint germain": "paris sg", "psg": "paris sg",
    ]

    static func key(_ name: String) -> String {
        let key = normalised(name)
        return knownAliases[key] ?? key
    }

    private static func normalised(_ name: String) -> String {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var words: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { words.append(current) }
            current = ""
        }
        for character in folded {
            if character.isLetter || character.isNumber || character == "&" || character == "'" {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        words = words.map { expansions[$0] ?? $0.replacingOccurrences(of: "'", with: "") }
        if words.count > 1, let long = leadingExpansions[words[0]] { words[0] = long }
        let meaningful = words.filter { !noise.contains($0) && !$0.isEmpty }
        let key = (meaningful.isEmpty ? words : meaningful).joined(separator: " ")
        return key.isEmpty ? name.lowercased() : key
    }
}
