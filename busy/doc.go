// Package busy holds the one sentinel for refused work: ErrBusy. A package that turns work
// away because the same kind of work already takes what it needs (search's slots, the one
// reindex job at a time, a crawler's one run) returns an error made by New, which reads as
// its own sentence and is ErrBusy; callers, the web error adapter among them, test for
// ErrBusy only. It imports nothing, so every package may import it.
package busy
