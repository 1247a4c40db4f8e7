// Package indexer owns mallihaku's search index: the bleve mapping and its field names, the
// index generations in DIR/index and the atomic switch to a newly built one, writes of single
// models, and the reindex jobs that fill it from a Source (the crawler).
package indexer
