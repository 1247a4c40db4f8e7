// Package reindex owns the reindex lifecycle of one data folder: the jobs that fill the index
// from a Source (incremental, full, reparse), their schedules, their history (kept in the
// store, told truthfully after a crash), the rebuild at start-up, and the hooks others hang on
// a switched generation. One Service runs it; its Run owns every goroutine it starts.
package reindex
