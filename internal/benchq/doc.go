// Package benchq holds what the benchmarks, the load tests and cmd/mallihaku-bench share: the
// worst queries a user may send, and the size a benchmark runs at (MALLIHAKU_BENCH_MODELS).
// Only tests and tools import it; no production package does (docs/architecture.md).
package benchq
