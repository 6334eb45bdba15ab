/// What follows stored odds, whichever way they came in (an uploaded file, a pushed feed batch): the cached event
/// pages are dropped, and the jobs that read the new rows (detection, settlement, closing lines) start in the
/// background.
struct LoadFollowUp: Sendable {
    let cache: ResponseCache
    let jobs: JobRunner

    func after(_ load: LoadSummary) async {
        try? await cache.invalidate(tag: "events")
        // A job already running refuses the start; its next run takes these rows.
        for job in load.followUpJobs { _ = try? await jobs.start(job, trigger: .manual) }
    }
}
