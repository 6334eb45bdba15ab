-- The sports catalogue: six groups, their competitions, keyed like The Odds API.
CREATE TABLE sport_groups (
    key        text PRIMARY KEY CHECK (key ~ '^[a-z]+$'),
    title      text NOT NULL,
    sort_order integer NOT NULL
);

CREATE TABLE sports (
    key           text PRIMARY KEY CHECK (key ~ '^[a-z0-9_]{1,64}$'),
    group_key     text NOT NULL REFERENCES sport_groups (key),
    title         text NOT NULL,
    description   text NOT NULL DEFAULT '',
    outcomes      smallint NOT NULL CHECK (outcomes IN (2, 3)),
    has_draw      boolean NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    odds_api_key  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((outcomes = 3) = has_draw)
);
CREATE INDEX sports_group_key_idx ON sports (group_key, key);

INSERT INTO sport_groups (key, title, sort_order) VALUES
    ('soccer', 'Football', 1),
    ('tennis', 'Tennis', 2),
    ('basketball', 'Basketball', 3),
    ('baseball', 'Baseball', 4),
    ('icehockey', 'Ice Hockey', 5),
    ('esports', 'Esports', 6);

INSERT INTO sports (key, group_key, title, description, outcomes, has_draw, active, odds_api_key) VALUES
    ('soccer_epl', 'soccer', 'EPL', 'English Premier League', 3, true, true, 'soccer_epl'),
    ('soccer_efl_champ', 'soccer', 'Championship', 'English Football League Championship', 3, true, true, 'soccer_efl_champ'),
    ('soccer_germany_bundesliga', 'soccer', 'Bundesliga - Germany', 'German Bundesliga', 3, true, true, 'soccer_germany_bundesliga'),
    ('soccer_spain_la_liga', 'soccer', 'La Liga - Spain', 'Spanish La Liga', 3, true, true, 'soccer_spain_la_liga'),
    ('soccer_italy_serie_a', 'soccer', 'Serie A - Italy', 'Italian Serie A', 3, true, true, 'soccer_italy_serie_a'),
    ('soccer_france_ligue_one', 'soccer', 'Ligue 1 - France', 'French Ligue 1', 3, true, true, 'soccer_france_ligue_one'),
    ('soccer_netherlands_eredivisie', 'soccer', 'Eredivisie', 'Dutch Eredivisie', 3, true, true, 'soccer_netherlands_eredivisie'),
    ('soccer_portugal_primeira_liga', 'soccer', 'Primeira Liga - Portugal', 'Portuguese Primeira Liga', 3, true, true, 'soccer_portugal_primeira_liga'),
    ('soccer_belgium_first_div', 'soccer', 'Belgium First Div', 'Belgian First Division A', 3, true, true, 'soccer_belgium_first_div'),
    ('soccer_turkey_super_league', 'soccer', 'Turkey Super League', 'Turkish Süper Lig', 3, true, true, 'soccer_turkey_super_league'),
    ('soccer_greece_super_league', 'soccer', 'Super League - Greece', 'Greek Super League', 3, true, true, 'soccer_greece_super_league'),
    ('soccer_spl', 'soccer', 'Premiership - Scotland', 'Scottish Premiership', 3, true, true, 'soccer_spl'),
    ('soccer_league_of_ireland', 'soccer', 'League of Ireland', 'Airtricity League Premier Division', 3, true, true, 'soccer_league_of_ireland'),
    ('tennis_atp', 'tennis', 'ATP', 'Men''s professional tennis (all ATP tournaments)', 2, false, true, NULL),
    ('tennis_wta', 'tennis', 'WTA', 'Women''s professional tennis (all WTA tournaments)', 2, false, true, NULL),
    ('basketball_nba', 'basketball', 'NBA', 'US basketball', 2, false, true, 'basketball_nba'),
    ('basketball_euroleague', 'basketball', 'Basketball Euroleague', 'Basketball Euroleague', 2, false, true, 'basketball_euroleague'),
    ('baseball_mlb', 'baseball', 'MLB', 'Major League Baseball', 2, false, true, 'baseball_mlb'),
    ('icehockey_nhl', 'icehockey', 'NHL', 'US ice hockey', 2, false, true, 'icehockey_nhl'),
    ('esports_lol', 'esports', 'League of Legends', 'League of Legends major leagues and internationals', 2, false, true, NULL),
    ('esports_cs2', 'esports', 'Counter-Strike 2', 'Counter-Strike 2 tier-one events', 2, false, true, NULL),
    ('esports_dota2', 'esports', 'Dota 2', 'Dota 2 tier-one events', 2, false, true, NULL),
    ('esports_valorant', 'esports', 'Valorant', 'Valorant Champions Tour', 2, false, true, NULL);
