// Package archtest holds only a test: it checks the import arrows that docs/architecture.md
// draws against what `go list` says the packages import.
package archtest
