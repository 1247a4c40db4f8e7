// Package store is the data folder's one embedded database (bbolt, DIR/state.db): crawl state
// the cached body of every page, the programmes read from the site, robots.txt copies, named
// marks, and numbered record lists whose values belong to their owners (the reindex job
// history is one). Everything
// that must survive a restart and is not the search index lives here.
package store
