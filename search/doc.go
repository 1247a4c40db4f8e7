// Package search turns what a user asked (words, phrases, exclusions, prefixes, facet filters,
// sorting and paging) into bleve requests on the live index, and returns plain results:
// hits with highlighted fragments and facets whose counts ignore their own filter.
package search
