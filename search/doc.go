// Package search turns what a user asked (words, phrases, exclusions, prefixes, facet filters,
// sorting and paging) into bleve queries on the live index, and returns plain results:
// hits with highlighted fragments and facets whose counts ignore their own filter.
//
// Facets and filters do not go through bleve's facet requests, whose cost grows with the
// number of hits: for each index version the package keeps, per facet value, a compressed
// bitmap of the models holding it (corpus.go). Filters are unions and intersections of those
// bitmaps, words are matched by bleve once (the set of matching models and their scores), and
// each count is the size of an intersection (baseline_test.go answers the same search the
// plain bleve way, for the tests and benchmarks that compare the two). A search that finds
// nothing gets a spelling suggestion (suggest.go) within its own slot, deadline and term cap.
package search
