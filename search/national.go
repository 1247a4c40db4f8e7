package search

import (
	"maps"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/mallihaku/mallihaku/practice"
)

// isArea reports whether a facet is of the region hierarchy, whose filters national models
// (region practice.National) may join: a national model applies in every area.
func isArea(key string) bool {
	return key == "region" || key == "wellbeing_county" || key == "municipality"
}

func areaChosen(filters map[string][]string) bool {
	return slices.ContainsFunc(slices.Collect(maps.Keys(filters)), isArea)
}

// nationalDocs are the documents of national models; nil when there are none.
func (c *corpus) nationalDocs() *roaring.Bitmap {
	fi := c.facets["region"]
	if i, ok := fi.index[practice.National]; ok {
		return fi.docs[i]
	}
	return nil
}

// withNational adds the national models to each area filter's set, so that the area filters
// together hold (the chosen areas) ∪ national.
func (c *corpus) withNational(sets map[string]*roaring.Bitmap) {
	n := c.nationalDocs()
	if n == nil {
		return
	}
	for key, set := range sets {
		if isArea(key) {
			sets[key] = roaring.Or(set, n)
		}
	}
}

// nationalCount is how many national models the search finds apart from its area filters.
func (c *corpus) nationalCount(matched *roaring.Bitmap, sets map[string]*roaring.Bitmap) int {
	n := c.nationalDocs()
	if n == nil {
		return 0
	}
	rest := maps.Clone(sets)
	maps.DeleteFunc(rest, func(key string, _ *roaring.Bitmap) bool { return isArea(key) })
	return int(c.intersect(matched, rest, "").AndCardinality(n))
}

// withoutEach is, for each chosen filter value, how many models the search would find with
// that one value dropped (the other values of its filter, and every other filter, kept).
func (c *corpus) withoutEach(matched *roaring.Bitmap, r Request) map[string]map[string]uint64 {
	out := map[string]map[string]uint64{}
	for key, values := range r.Filters {
		out[key] = map[string]uint64{}
		for _, v := range values {
			filters := maps.Clone(r.Filters)
			filters[key] = slices.DeleteFunc(slices.Clone(values), func(x string) bool { return x == v })
			if len(filters[key]) == 0 {
				delete(filters, key)
			}
			sets := c.filterSets(c.withYears(filters, r.Years))
			if r.IncludeNational && areaChosen(filters) {
				c.withNational(sets)
			}
			out[key][v] = c.intersect(matched, sets, "").GetCardinality()
		}
	}
	return out
}
