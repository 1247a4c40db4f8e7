package search

import (
	"slices"
	"strings"

	"github.com/mallihaku/mallihaku/indexer"
)

// Facet is one filterable, countable property of a model.
type Facet struct {
	Key   string // the filter parameter and the facet's key in results
	Field string // the index field holding the values, or the date field whose years they are
	// Year means the values are the years of the date field Field.
	Year bool
	// Parent is the key of the facet above this one in the region hierarchy (maakunta →
	// wellbeing services county → municipality): while values of the parent are selected,
	// only their children are listed, so selecting Uusimaa shows Uusimaa's counties.
	Parent string
}

// facets in the order a user meets them: where and how mature first.
var facets = []Facet{
	{Key: "region", Field: indexer.FieldRegion},
	{Key: "wellbeing_county", Field: indexer.FieldWellbeingCounty, Parent: "region"},
	{Key: "municipality", Field: indexer.FieldMunicipality, Parent: "wellbeing_county"},
	{Key: "phase", Field: indexer.FieldPhase},
	{Key: "topic", Field: indexer.FieldTopics},
	{Key: "target_group", Field: indexer.FieldTargetGroups},
	{Key: "phenomenon", Field: indexer.FieldPhenomena},
	{Key: "funder", Field: indexer.FieldFunders},
	{Key: "programme", Field: indexer.FieldProgrammeFacet},
	{Key: "year", Field: indexer.FieldYear},
	{Key: "created_year", Field: indexer.FieldCreated, Year: true},
	{Key: "lang", Field: indexer.FieldLang},
}

// Facets returns the facets in the order a user meets them: where and how mature first.
func Facets() []Facet { return slices.Clone(facets) }

// FacetByKey finds a facet by its key.
func FacetByKey(key string) (Facet, bool) {
	for _, f := range facets {
		if f.Key == key {
			return f, true
		}
	}
	return Facet{}, false
}

// FacetValue is one value of a facet and how many results selecting it would give.
type FacetValue struct {
	Value    string `json:"value"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected"`
	// Parent is the value above this one in the region hierarchy: a wellbeing services
	// county's maakunta, a municipality's county (its maakunta on Åland, which has none).
	Parent string `json:"parent,omitempty"`
}

// lessValue orders facet values by count, then A to Ö (å, ä and ö after z).
func lessValue(a, b FacetValue) int {
	if a.Count != b.Count {
		return b.Count - a.Count
	}
	if ka, kb := indexer.SortKey(a.Value), indexer.SortKey(b.Value); ka != kb {
		return strings.Compare(ka, kb)
	}
	return strings.Compare(a.Value, b.Value)
}

// facetValues makes the listed values of one facet from its counts: those the region
// hierarchy allows under the selected parents, by count then A to Ö, the first size of them,
// and every selected value (at its count, even 0) in its place in that order.
func facetValues(fi *facetIndex, counts []valueCount, filters map[string][]string, size int) []FacetValue {
	selected := filters[fi.facet.Key]
	allowed := hierarchyAllows(fi, filters)
	listed := counts[:0:0]
	for _, vc := range counts {
		if allowed == nil || allowed(vc.index) {
			listed = append(listed, vc)
		}
	}
	// By count, then by the value's place A to Ö (precomputed).
	order := func(a, b valueCount) int {
		if a.count != b.count {
			return b.count - a.count
		}
		return fi.alpha[a.index] - fi.alpha[b.index]
	}
	slices.SortFunc(listed, order)
	if len(listed) > size {
		listed = listed[:size]
	}
	for _, s := range selected {
		i, known := fi.index[s]
		if !known {
			continue
		}
		if !slices.ContainsFunc(listed, func(vc valueCount) bool { return vc.index == i }) {
			n := 0
			if j := slices.IndexFunc(counts, func(vc valueCount) bool { return vc.index == i }); j >= 0 {
				n = counts[j].count
			}
			listed = append(listed, valueCount{i, n})
		}
	}
	slices.SortFunc(listed, order)
	vs := make([]FacetValue, 0, len(listed)+len(selected))
	for _, vc := range listed {
		v := fi.values[vc.index]
		vs = append(vs, FacetValue{Value: v, Count: vc.count, Selected: slices.Contains(selected, v), Parent: fi.parentOf(vc.index)})
	}
	// Selected values the index does not hold at all, at 0, last.
	for _, s := range selected {
		if _, known := fi.index[s]; !known && !slices.ContainsFunc(vs, func(v FacetValue) bool { return v.Value == s }) {
			vs = append(vs, FacetValue{Value: s, Selected: true})
		}
	}
	slices.SortStableFunc(vs, lessValue)
	return vs
}

func (fi *facetIndex) parentOf(i int) string {
	if fi.parent == nil {
		return ""
	}
	return fi.parent[i]
}

// hierarchyAllows returns which values of a facet in the region hierarchy may be listed under
// the selected values of the facets above it; nil when all may.
func hierarchyAllows(fi *facetIndex, filters map[string][]string) func(i int) bool {
	switch fi.facet.Key {
	case "wellbeing_county":
		if regions := filters["region"]; len(regions) > 0 {
			return func(i int) bool { return slices.Contains(regions, fi.region[i]) }
		}
	case "municipality":
		if counties := filters["wellbeing_county"]; len(counties) > 0 {
			return func(i int) bool { return slices.Contains(counties, fi.parent[i]) }
		}
		if regions := filters["region"]; len(regions) > 0 {
			return func(i int) bool { return slices.Contains(regions, fi.region[i]) }
		}
	}
	return nil
}
