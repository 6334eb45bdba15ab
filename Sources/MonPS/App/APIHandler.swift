import MonPSAPI
import Prometheus

/// Implements the generated `APIProtocol`. Each tag's operations live in their own extension file
/// (`SystemAPI.swift`, `SportsAPI.swift`, …) and stay thin: validate, call a repository or the core, map.
struct APIHandler: APIProtocol {
    let sports: any SportsRepository
    let events: any EventRepository
    let bankrolls: any BankrollRepository
    let userSettings: any SettingsRepository
    let bets: BetService
    let manualSettlement: ManualSettlement
    let importer: HistoricalImporter
    let jobs: JobRunner
    let platform: PlatformSettingsStore
    let opportunities: PostgresOpportunityRepository
    let shares: ShareService
    let backtests: BacktestRepository
    let agentRecords: AgentRecordsRepository
    let auth: AuthServices
    let readiness: ReadinessProbe
    let registry: PrometheusCollectorRegistry
    let document: OpenAPIDocument
}
