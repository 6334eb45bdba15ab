// Payloads written from The Odds API v4 documentation (decimal odds, ISO dates).

enum OddsAPIFixtures {
    /// Two EPL events; bookmakers pinnacle, williamhill, betfair_ex_uk; h2h with draw, spreads,
    /// totals, an unknown market (`h2h_lay`) and timestamps at market, bookmaker or no level.
    static let odds = #"""
        [
          {
            "id": "e912304de2b2ce35b473ce2ecd3d1502",
            "sport_key": "soccer_epl",
            "sport_title": "EPL",
            "commence_time": "2025-08-16T14:00:00Z",
            "home_team": "Arsenal",
            "away_team": "Chelsea",
            "bookmakers": [
              {
                "key": "pinnacle",
                "title": "Pinnacle",
                "last_update": "2025-08-15T09:59:05Z",
                "markets": [
                  {
                    "key": "h2h",
                    "last_update": "2025-08-15T09:59:00Z",
                    "outcomes": [
                      {"name": "Arsenal", "price": 2.1},
                      {"name": "Chelsea", "price": 3.6},
                      {"name": "Draw", "price": 3.4}
                    ]
                  },
                  {
                    "key": "spreads",
                    "last_update": "2025-08-15T09:59:01Z",
                    "outcomes": [
                      {"name": "Arsenal", "price": 1.95, "point": -0.5},
                      {"name": "Chelsea", "price": 1.91, "point": 0.5}
                    ]
                  },
                  {
                    "key": "totals",
                    "outcomes": [
                      {"name": "Over", "price": 1.87, "point": 2.5},
                      {"name": "Under", "price": 2.02, "point": 2.5}
                    ]
                  }
                ]
              },
              {
                "key": "williamhill",
                "title": "William Hill",
                "last_update": "2025-08-15T09:58:00Z",
                "markets": [
                  {
                    "key": "h2h",
                    "last_update": "2025-08-15T09:57:30Z",
                    "outcomes": [
                      {"name": "Arsenal", "price": 2.05},
                      {"name": "Draw", "price": 3.3},
                      {"name": "Chelsea", "price": 3.5}
                    ]
                  }
                ]
              },
              {
                "key": "betfair_ex_uk",
                "title": "Betfair",
                "markets": [
                  {
                    "key": "h2h",
                    "outcomes": [
                      {"name": "Arsenal", "price": 2.12},
                      {"name": "Chelsea", "price": 3.75},
                      {"name": "Draw", "price": 3.55}
                    ]
                  },
                  {
                    "key": "h2h_lay",
                    "outcomes": [
                      {"name": "Arsenal", "price": 2.16},
                      {"name": "Chelsea", "price": 3.85},
                      {"name": "Draw", "price": 3.65}
                    ]
                  }
                ]
              }
            ]
          },
          {
            "id": "0b4e6a8a2d1f4c7e9a3b5d6f7e8c9a01",
            "sport_key": "soccer_epl",
            "sport_title": "EPL",
            "commence_time": "2025-08-17T16:30:00Z",
            "home_team": "Liverpool",
            "away_team": "Everton",
            "bookmakers": [
              {
                "key": "pinnacle",
                "title": "Pinnacle",
                "last_update": "2025-08-15T09:55:00Z",
                "markets": [
                  {
                    "key": "h2h",
                    "last_update": "2025-08-15T09:54:00Z",
                    "outcomes": [
                      {"name": "Everton", "price": 7.5},
                      {"name": "Liverpool", "price": 1.44},
                      {"name": "Draw", "price": 4.8}
                    ]
                  },
                  {
                    "key": "totals",
                    "last_update": "2025-08-15T09:54:30Z",
                    "outcomes": [
                      {"name": "Over", "price": 1.8, "point": 3.0},
                      {"name": "Under", "price": 2.1, "point": 3.0}
                    ]
                  }
                ]
              }
            ]
          }
        ]
        """#

    /// A valid event carrying one good h2h market from pinnacle (for mixing with junk).
    static func validEvent(id: String, home: String = "Arsenal", away: String = "Chelsea") -> String {
        """
        {"id": "\(id)", "sport_title": "EPL", "commence_time": "2025-08-16T14:00:00Z",
         "home_team": "\(home)", "away_team": "\(away)",
         "bookmakers": [{"key": "pinnacle", "last_update": "2025-08-15T09:59:00Z", "markets": [
           {"key": "h2h", "outcomes": [{"name": "\(home)", "price": 2.1}, {"name": "\(away)", "price": 3.6},
                                       {"name": "Draw", "price": 3.4}]}]}]}
        """
    }

    static func h2h(_ home: String = "Arsenal", _ away: String = "Chelsea") -> String {
        """
        {"key": "h2h", "outcomes": [{"name": "\(home)", "price": 2.1}, {"name": "\(away)", "price": 3.6},
                                    {"name": "Draw", "price": 3.4}]}
        """
    }

    /// Every kind of bad event and bad bookmaker/market, around two valid events.
    static let malformedOdds = """
        [
          \(validEvent(id: "valid-1")),
          {"sport_title": "EPL", "commence_time": "2025-08-16T14:00:00Z", "home_team": "A", "away_team": "B"},
          {"id": "", "commence_time": "2025-08-16T14:00:00Z", "home_team": "A", "away_team": "B"},
          {"id": "no-home", "commence_time": "2025-08-16T14:00:00Z", "away_team": "B"},
          {"id": "same-teams", "commence_time": "2025-08-16T14:00:00Z", "home_team": "Arsenal", "away_team": "arsenal "},
          {"id": "bad-date", "commence_time": "next Saturday", "home_team": "A", "away_team": "B"},
          "junk",
          {"id": "long-name", "commence_time": "2025-08-16T14:00:00Z", "home_team": "\(String(repeating: "x", count: 300))", "away_team": "B"},
          {"id": "numeric-team", "commence_time": "2025-08-16T14:00:00Z", "home_team": 42, "away_team": "B"},
          {"id": "valid-2", "sport_title": "EPL", "commence_time": "2025-08-16T14:00:00Z",
           "home_team": "Arsenal", "away_team": "Chelsea",
           "bookmakers": [
             {"key": "pinnacle", "markets": [
               \(h2h()),
               {"key": "spreads", "outcomes": [{"name": "Arsenal", "price": 1.9, "point": -0.5}, {"name": "Chelsea", "price": 1.9}]},
               {"key": "totals", "outcomes": [{"name": "Over", "price": 1.9, "point": 2.5}, {"name": "Under", "price": 1.9, "point": 2.5}]}
             ]},
             {"key": "Bad Key!", "markets": [\(h2h())]},
             {"key": "bet365", "markets": [
               {"key": "h2h", "outcomes": [{"name": "Arsenal", "price": "2.5"}, {"name": "Chelsea", "price": 3.1}]},
               {"key": "spreads", "outcomes": [{"name": "Arsenal", "price": 1.8, "point": -1}, {"name": "Chelsea", "price": 2.0, "point": 1}]}
             ]},
             {"key": "unibet", "markets": [
               {"key": "h2h", "outcomes": [{"name": "Arsenal", "price": 1.0}, {"name": "Chelsea", "price": 3.1}]},
               {"key": "totals", "outcomes": [{"name": "Over", "price": 20000, "point": 2.5}, {"name": "Under", "price": 1.5, "point": 2.5}]}
             ]},
             {"key": "betway", "markets": [
               {"key": "h2h", "outcomes": [{"name": "Someone Else", "price": 2.0}, {"name": "Chelsea", "price": 3.1}]}
             ]},
             {"key": "marathonbet", "markets": [
               {"key": "h2h", "outcomes": [{"name": "Arsenal", "price": 2.0}, {"name": "Arsenal", "price": 2.1}]}
             ]},
             {"key": "sport888", "markets": [
               {"key": "h2h", "outcomes": [{"name": "Arsenal", "price": 1e400}, {"name": "Chelsea", "price": 3.1}]}
             ]},
             {"key": "coral", "markets": [
               {"key": "h2h", "outcomes": [{"name": "Arsenal"}, {"name": "Chelsea", "price": 3.1}]}
             ]},
             {"key": "ladbrokes", "markets": [
               {"key": "totals", "outcomes": [{"name": "Over", "price": 1.9, "point": "2.5"}, {"name": "Under", "price": 1.9, "point": 2.5}]}
             ]},
             {"key": "paddypower", "markets": [
               {"key": "h2h_lay", "outcomes": [{"name": "nobody", "price": -3}]},
               {"key": "alternate_totals", "outcomes": "junk"},
               \(h2h())
             ]},
             {"key": 42, "markets": [\(h2h())]}
           ]}
        ]
        """

    /// Scores of the documented shape: scores are strings, `null` before the start.
    static let scores = #"""
        [
          {"id": "s-home-win", "sport_key": "soccer_epl", "sport_title": "EPL", "commence_time": "2025-08-14T19:00:00Z",
           "completed": true, "home_team": "Arsenal", "away_team": "Chelsea",
           "scores": [{"name": "Arsenal", "score": "2"}, {"name": "Chelsea", "score": "1"}],
           "last_update": "2025-08-14T21:02:11Z"},
          {"id": "s-upcoming", "sport_key": "soccer_epl", "sport_title": "EPL", "commence_time": "2025-08-16T14:00:00Z",
           "completed": false, "home_team": "Liverpool", "away_team": "Everton", "scores": null, "last_update": null},
          {"id": "s-garbage", "sport_key": "soccer_epl", "sport_title": "EPL", "commence_time": "2025-08-14T19:00:00Z",
           "completed": true, "home_team": "Leeds", "away_team": "Burnley",
           "scores": [{"name": "Leeds", "score": "abc"}, {"name": "Burnley", "score": "1"}],
           "last_update": "2025-08-14T21:00:00Z"},
          {"id": "s-draw", "sport_key": "soccer_epl", "sport_title": "EPL", "commence_time": "2025-08-13T19:00:00Z",
           "completed": true, "home_team": "Fulham", "away_team": "Brentford",
           "scores": [{"name": "Brentford", "score": 1}, {"name": "Fulham", "score": "1"}],
           "last_update": "2025-08-13T21:00:00Z"},
          {"id": "s-no-completed", "commence_time": "2025-08-13T19:00:00Z", "home_team": "Wolves", "away_team": "Spurs"},
          {"id": "s-wrong-names", "commence_time": "2025-08-13T19:00:00Z", "completed": true,
           "home_team": "Wolves", "away_team": "Spurs",
           "scores": [{"name": "Wolverhampton", "score": "0"}, {"name": "Spurs", "score": "2"}]},
          {"id": "s-live", "commence_time": "2025-08-15T09:00:00Z", "completed": false,
           "home_team": "Celtic", "away_team": "Rangers",
           "scores": [{"name": "Celtic", "score": "1"}, {"name": "Rangers", "score": "0"}],
           "last_update": "2025-08-15T09:40:00Z"},
          {"id": "s-away-win", "commence_time": "2025-08-12T19:00:00.250Z", "completed": true,
           "home_team": "Ipswich", "away_team": "Newcastle",
           "scores": [{"name": "Ipswich", "score": "0"}, {"name": "Newcastle", "score": "3"}]}
        ]
        """#

    static let sports = #"""
        [
          {"key": "soccer_epl", "group": "Soccer", "title": "EPL", "description": "English Premier League",
           "active": true, "has_outrights": false},
          {"key": "soccer_epl_winner", "group": "Soccer", "title": "EPL Winner",
           "description": "Title winner 2025/26", "active": true, "has_outrights": true},
          {"key": "Not A Key", "group": "x", "title": "y", "description": "z", "active": true, "has_outrights": false},
          7
        ]
        """#

    static let events = #"""
        [
          {"id": "e912304de2b2ce35b473ce2ecd3d1502", "sport_key": "soccer_epl", "sport_title": "EPL",
           "commence_time": "2025-08-16T14:00:00Z", "home_team": "Arsenal", "away_team": "Chelsea"},
          {"id": "broken", "sport_key": "soccer_epl", "sport_title": "EPL", "commence_time": "2025-08-16T14:00:00Z",
           "home_team": "Arsenal"}
        ]
        """#
}
