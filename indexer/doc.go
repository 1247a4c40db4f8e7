// Package indexer owns mallihaku's search index: the bleve mapping and its field names, the
// index generations in DIR/index and the atomic switch to a newly built (or adopted) one,
// writes of single models, and the read view search uses. OpenReadOnly opens the live
// generation for commands that only read, which then create, tidy and switch nothing. What
// fills the index, and when, is package reindex's; of ours it imports only practice and
// finnish.
package indexer
