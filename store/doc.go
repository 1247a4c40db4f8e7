// Package store is the data folder's one embedded database (bbolt, DIR/state.db): crawl state
// and the cached body of every page, the programmes read from the site, and the history of crawl and reindex jobs. Everything
// that must survive a restart and is not the search index lives here.
package store
