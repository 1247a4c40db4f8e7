package search

import (
	"context"
	"strconv"
)

// AllFacets returns every value of every facet with its count over the whole index, by count
// then A to Ö.
func (s *Searcher) AllFacets(ctx context.Context) (map[string][]FacetValue, error) {
	out := map[string][]FacetValue{}
	err := s.read(ctx, func(ctx context.Context, v *sharedView, c *corpus) error {
		for _, f := range facets {
			fi := c.facets[f.Key]
			out[f.Key] = facetValues(fi, fi.count(c.docs, true), nil, len(fi.values)+1)
		}
		return nil
	})
	return out, err
}

// IndexStatus describes the live index.
type IndexStatus struct {
	Generation string `json:"generation"`
	Version    uint64 `json:"version"`
	Documents  uint64 `json:"documents"`
}

// Status returns what the live index holds.
func (s *Searcher) Status(ctx context.Context) (IndexStatus, error) {
	var st IndexStatus
	err := s.read(ctx, func(ctx context.Context, v *sharedView, c *corpus) error {
		st = IndexStatus{Generation: v.Generation(), Version: v.Version(), Documents: c.docs.GetCardinality()}
		return nil
	})
	return st, err
}

// Version names what the live index holds: it changes whenever what a search may find does.
// It is cheap, and takes no search slot.
func (s *Searcher) Version() string {
	return s.index.Generation() + "/" + strconv.FormatUint(s.index.Version(), 10)
}
