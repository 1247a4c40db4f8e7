package search

import (
	"maps"
	"slices"
	"strconv"
)

// YearRange asks for the models whose year (of a year facet) is From to To, both included;
// 0 leaves that end open.
type YearRange struct{ From, To int }

// CodeBadYears is the QueryError code of a year range that is not one: Word is its facet's key.
const CodeBadYears = "bad_years"

// Bounds of the years a range may name.
const (
	MinYear = 1900
	MaxYear = 2100
)

// yearFacet reports whether key is a facet of years (updated, created).
func yearFacet(key string) bool {
	f, ok := FacetByKey(key)
	return ok && (f.Year || f.Key == "year")
}

func (r *Request) normalizeYears() error {
	for key, yr := range r.Years {
		switch {
		case !yearFacet(key),
			yr.From != 0 && (yr.From < MinYear || yr.From > MaxYear), yr.To != 0 && (yr.To < MinYear || yr.To > MaxYear),
			yr.From != 0 && yr.To != 0 && yr.From > yr.To:
			return &QueryError{Code: CodeBadYears, Word: key}
		case yr == YearRange{}:
			delete(r.Years, key)
		}
	}
	return nil
}

// withYears returns filters with each year range as the years of its facet it holds (of the
// values chosen, when some are): a filter like any other, and disjunctive like it. A range
// holding no year of the index leaves that facet's filter empty, which nothing passes.
func (c *corpus) withYears(filters map[string][]string, years map[string]YearRange) map[string][]string {
	if len(years) == 0 {
		return filters
	}
	out := maps.Clone(filters)
	if out == nil {
		out = map[string][]string{}
	}
	for key, yr := range years {
		in := []string{}
		for _, v := range c.facets[key].values {
			y, err := strconv.Atoi(v)
			if err != nil || (yr.From != 0 && y < yr.From) || (yr.To != 0 && y > yr.To) {
				continue
			}
			if chosen, ok := filters[key]; !ok || slices.Contains(chosen, v) {
				in = append(in, v)
			}
		}
		out[key] = in
	}
	return out
}
