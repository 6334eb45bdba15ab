import Foundation
import Logging

extension MonPSCommands {
    /// `monps relist`: writes the stored list entries of the active opportunities that lack one (after migration 0022
    /// cleared them, or SQL changed rows by hand); a detection run writes them too, but also re-detects.
    public static func relist(config: AppConfig, logger: Logger) async throws -> String {
        let resources = try CommandResources(config: config, logger: logger, responseCache: false)
        let written = try await resources.run {
            try await OpportunityListingStore.writeMissing(in: resources.database, renderer: .api, logger: logger)
        }
        return "list entries written: \(written)"
    }
}
