// The engine's live-tensor count, its thread count and its default generator are process-wide;
// tests that assert on them (leaks, determinism, resume) cannot share the process with tests
// running beside them, so this assembly runs its tests one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
