import Foundation
import MonPSCore

/// Deterministic demo events and prices for the quick start: the last 21 days (finished, with results and
/// closing lines) and the next 7 (with prices moving up to now), for all six sport groups. The same day
/// always gives the same data (seeded by the day), and loading it again adds nothing (stable external ids).
struct DemoOdds {
    struct League {
        var sportKey: String
        var competition: String
        var teams: [String]
        var draws: Bool
        /// Typical total and its spread of outcomes (goals, points, runs…), for totals/spreads lines.
        var total: Double
        var gamesPerDay: Int
    }

    static let leagues: [League] = [
        League(sportKey: "soccer_epl", competition: "E0", teams: [
            "Arsenal", "Aston Villa", "Bournemouth", "Brentford", "Brighton", "Chelsea", "Crystal Palace", "Everton",
            "Fulham", "Liverpool", "Man City", "Man United", "Newcastle", "Nott'm Forest", "Tottenham", "West Ham",
        ], draws: true, total: 2.5, gamesPerDay: 2),
        League(sportKey: "tennis_atp", competition: "ATP Finals (demo)", teams: [
            "Alcaraz C.", "Sinner J.", "Zverev A.", "Medvedev D.", "Rune H.", "Fritz T.", "De Minaur A.", "Ruud C.",
        ], draws: false, total: 22.5, gamesPerDay: 2),
        League(sportKey: "basketball_nba", competition: "NBA", teams: [
            "Boston Celtics", "Denver Nuggets", "Golden State Warriors", "Los Angeles Lakers", "Miami Heat",
            "Milwaukee Bucks", "New York Knicks", "Phoenix Suns",
        ], draws: false, total: 224.5, gamesPerDay: 2),
        League(sportKey: "baseball_mlb", competition: "MLB", teams: [
            "New York Yankees", "Boston Red Sox", "Los Angeles Dodgers", "Houston Astros", "Atlanta Braves",
            "Chicago Cubs",
        ], draws: false, total: 8.5, gamesPerDay: 1),
        League(sportKey: "icehockey_nhl", competition: "NHL", teams: [
            "Boston Bruins", "Toronto Maple Leafs", "Edmonton Oilers", "Colorado Avalanche", "New York Rangers",
            "Vegas Golden Knights",
        ], draws: false, total: 6.0, gamesPerDay: 1),
        League(sportKey: "esports_lol", competition: "LoL Worlds (demo)", teams: [
            "T1", "Gen.G", "G2 Esports", "Fnatic", "JD Gaming", "Bilibili Gaming",
        ], draws: false, total: 2.5, gamesPerDay: 1),
    ]

    /// Books and their margins; the demo's sharp book (Pinnacle) is the tightest.
    static let bookmakers: [(key: String, margin: Double)] = [
        ("pinnacle", 0.025), ("betfair_ex", 0.02), ("bet365", 0.055), ("williamhill", 0.065), ("unibet", 0.06),
        ("bwin", 0.07),
    ]

    static let pastDays = 21
    static let futureDays = 7

    /// Events of the window around `now`, seeded by `now`'s UTC day.
    static func events(now: Date) -> [ImportedEvent] {
        let day = floor(now.timeIntervalSince1970 / 86_400)
        let today = Date(timeIntervalSince1970: day * 86_400)
        var events: [ImportedEvent] = []
        for offset in -pastDays...futureDays {
            let date = today.addingTimeInterval(Double(offset) * 86_400)
            var random = SplitMix64(seed: UInt64(bitPattern: Int64(day) + Int64(offset)) &* 0x9E37_79B9)
            for league in leagues {
                var shuffled = league.teams
                shuffled.shuffle(using: &random)
                for game in 0..<league.gamesPerDay {
                    let home = shuffled[2 * game], away = shuffled[2 * game + 1]
                    let startsAt = date.addingTimeInterval(Double(13 + 3 * game + leagues.firstIndex { $0.sportKey == league.sportKey }!) * 3600)
                    let id = "demo:\(Int(day) + offset):\(league.sportKey):\(game)"
                    events.append(event(
                        league: league, home: home, away: away, startsAt: startsAt, now: now, id: id, random: &random))
                }
            }
        }
        return events
    }

    private static func event(
        league: League, home: String, away: String, startsAt: Date, now: Date, id: String,
        random: inout SplitMix64
    ) -> ImportedEvent {
        // True probabilities from a random strength gap.
        let gap = random.nextUnit() * 1.6 - 0.8
        let homeStrength = 1 / (1 + exp(-gap * 1.8))
        let draw = league.draws ? 0.22 + random.nextUnit() * 0.08 : 0
        let fair = league.draws
            ? [homeStrength * (1 - draw), draw, (1 - homeStrength) * (1 - draw)]
            : [homeStrength, 1 - homeStrength]
        let outcomes: [PriceOutcome] = league.draws ? [.home, .draw, .away] : [.home, .away]
        let slow = slowPrice(eventID: id, outcomes: outcomes.count)
        // Prices every 6 hours from 48 h before the start and 5 minutes before it (the closing line), up to
        // now; the fair line drifts between captures.
        let captures = (0..<8).map { startsAt.addingTimeInterval(Double($0 * 6 - 48) * 3600) }
            + [startsAt.addingTimeInterval(-300)]
        var snapshots: [ImportedPrice] = []
        var drift = 0.0
        for capture in captures where capture <= now {
            drift += (random.nextUnit() - 0.5) * 0.03
            let shifted = normalised(fair.enumerated().map { i, p in
                max(0.02, p + (i == 0 ? drift : -drift / Double(fair.count - 1)))
            })
            for book in bookmakers {
                // Now and then a soft book is slow to move: a price worth a look for the detectors.
                let lag = book.key != "pinnacle" && random.nextUnit() < 0.08 ? 1.06 : 1.0
                for (index, (outcome, probability)) in zip(outcomes, shifted).enumerated() {
                    let noise = 1 + (random.nextUnit() - 0.5) * 0.02
                    let stale = slow?.bookmaker == book.key && slow?.outcome == index ? slowPriceFactor : 1
                    let price = rounded(lag * stale * noise / (probability * (1 + book.margin)))
                    guard price > 1.01 else { continue }
                    snapshots.append(ImportedPrice(
                        bookmakerKey: book.key, market: .h2h, outcome: outcome, price: price, capturedAt: capture,
                        isClosing: false))
                }
                if book.key == "pinnacle" || book.key == "bet365" {
                    let over = 0.5 + (random.nextUnit() - 0.5) * 0.08
                    for (outcome, probability) in [(PriceOutcome.over, over), (.under, 1 - over)] {
                        snapshots.append(ImportedPrice(
                            bookmakerKey: book.key, market: .totals, outcome: outcome, point: league.total,
                            price: rounded(1 / (probability * (1 + book.margin))), capturedAt: capture, isClosing: false))
                    }
                }
            }
        }
        let result = startsAt.addingTimeInterval(3 * 3600) < now
            ? score(league: league, fair: fair, random: &random) : nil
        return ImportedEvent(
            sportKey: league.sportKey, competition: league.competition, home: home, away: away, startsAt: startsAt,
            externalID: id, snapshots: snapshots, result: result, sourceLine: 0)
    }

    /// How far above its own line a slow book's price stays: against a soft book's margin of at most 7 % it leaves an
    /// edge of about 3 % over the fair price, above the sharp-value agent's 2 % threshold.
    static let slowPriceFactor = 1.10

    /// Most events (four in five) have one soft book slow to shorten one h2h outcome for the whole run-up: the
    /// value the detectors are there to find, so every day's demo lists h2h opportunities and not only the chance
    /// ones of the random lag. Drawn from the event's own stream (seeded by the FNV-1a hash of its id), so every other price of the
    /// day is what it was without it.
    static func slowPrice(eventID: String, outcomes: Int) -> (bookmaker: String, outcome: Int)? {
        var random = SplitMix64(seed: eventID.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
        guard random.nextUnit() < 0.8 else { return nil }
        let soft = bookmakers.filter { $0.key != "pinnacle" }
        return (soft[Int(random.nextUnit() * Double(soft.count))].key, Int(random.nextUnit() * Double(outcomes)))
    }

    private static func score(league: League, fair: [Double], random: inout SplitMix64) -> ImportedResult {
        let draw = random.nextUnit()
        let winner: MatchResultSelection
        if draw < fair[0] { winner = .home } else if league.draws && draw < fair[0] + fair[1] { winner = .draw } else { winner = .away }
        let base = Int(league.total / 2)
        let loser = Int(random.nextUnit() * Double(base + 1))
        let margin = 1 + Int(random.nextUnit() * Double(max(1, base)))
        switch winner {
        case .home: return ImportedResult(homeScore: loser + margin, awayScore: loser, status: .finished, winner: .home)
        case .away: return ImportedResult(homeScore: loser, awayScore: loser + margin, status: .finished, winner: .away)
        case .draw: return ImportedResult(homeScore: loser, awayScore: loser, status: .finished, winner: .draw)
        }
    }

    private static func normalised(_ values: [Double]) -> [Double] {
        let total = values.reduce(0, +)
        return values.map { $0 / total }
    }

    private static func rounded(_ price: Double) -> Double { (price * 100).rounded() / 100 }
}
