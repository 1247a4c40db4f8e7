// Package indexer owns mallihaku's search index: the bleve mapping and its field names, the
// index generations in DIR/index and the atomic switch to a newly built (or adopted) one,
// writes of single models, and the read view search uses. What fills it, and when, is
// package reindex's.
package indexer
