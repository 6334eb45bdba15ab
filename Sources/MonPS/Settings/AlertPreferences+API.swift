import Foundation
import MonPSAPI
import MonPSCore

/// The settings' `alerts` object to and from the stored `AlertPreferences`.
extension AlertPreferences {
    init(_ body: Components.Schemas.AlertPreferences) {
        self.init()
        email = body.email
        websocket = body.websocket
        webhook = body.webhook
        minEdge = body.minEdge
        sports = body.sports ?? []
        verdicts = (body.verdicts ?? []).map(\.rawValue)
        if let chosen = body.channels {
            for (type, list) in Self.channelLists(chosen) {
                if let list { channels[type] = list.map(NotificationChannel.init) }
            }
        }
        quietHours = body.quietHours.flatMap { QuietHours(start: $0.start, end: $0.end) }
        dailyDigest = body.dailyDigest ?? false
    }

    var api: Components.Schemas.AlertPreferences {
        func list(_ type: NotificationType) -> Components.Schemas.NotificationChannels? {
            channels[type].map { $0.sorted().map(Components.Schemas.NotificationChannel.init) }
        }
        return .init(
            email: email, websocket: websocket, webhook: webhook, minEdge: minEdge, sports: sports,
            verdicts: verdicts.compactMap { .init(rawValue: $0) },
            channels: .init(
                opportunity_new: list(.opportunityNew), bet_kickoffSoon: list(.betKickoffSoon),
                bet_settled: list(.betSettled), bet_clv: list(.betCLV),
                backtest_finished: list(.backtestFinished), digest_daily: list(.digestDaily),
                job_failed: list(.jobFailed), quota_low: list(.quotaLow)),
            quietHours: quietHours.map { .init(start: $0.startText, end: $0.endText) },
            dailyDigest: dailyDigest)
    }

    private static func channelLists(
        _ chosen: Components.Schemas.AlertPreferences.ChannelsPayload
    ) -> [(NotificationType, Components.Schemas.NotificationChannels?)] {
        [
            (.opportunityNew, chosen.opportunity_new), (.betKickoffSoon, chosen.bet_kickoffSoon),
            (.betSettled, chosen.bet_settled), (.betCLV, chosen.bet_clv),
            (.backtestFinished, chosen.backtest_finished), (.digestDaily, chosen.digest_daily),
            (.jobFailed, chosen.job_failed), (.quotaLow, chosen.quota_low),
        ]
    }
}

extension AlertPreferences {
    /// A user's `user_settings.alerts` as stored: the defaults when the user never saved settings (nil) or the
    /// JSON cannot be read (a notification then follows the defaults rather than failing its cause).
    init(stored json: String?) {
        self = json.flatMap { try? JSONDecoder().decode(AlertPreferences.self, from: Data($0.utf8)) } ?? AlertPreferences()
    }
}

extension NotificationChannel {
    init(_ channel: Components.Schemas.NotificationChannel) {
        switch channel {
        case .websocket: self = .websocket
        case .webhook: self = .webhook
        case .email: self = .email
        }
    }
}

extension Components.Schemas.NotificationChannel {
    init(_ channel: NotificationChannel) {
        switch channel {
        case .websocket: self = .websocket
        case .webhook: self = .webhook
        case .email: self = .email
        }
    }
}
