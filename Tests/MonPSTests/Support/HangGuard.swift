import Testing

extension Trait where Self == TimeLimitTrait {
    /// On every suite: an await that never resumes (a starved pool, a lost continuation) fails the test that
    /// hangs, by name, instead of leaving the whole run idle until CI kills it. Far above any test's own time.
    static var hangGuard: Self { .timeLimit(.minutes(10)) }
}
