package web

import (
	"cmp"
	"net/url"
	"slices"

	"github.com/mallihaku/mallihaku/search"
)

// nationalOption is the box under the area facet that lets national models join the chosen
// areas (on by default on the pages).
type nationalOption struct {
	Label   string
	Checked bool
}

// areaChosen reports whether the search has an area filter, for national models to join.
func areaChosen(req search.Request) bool {
	for _, key := range []string{"region", "wellbeing_county", "municipality"} {
		if len(req.Filters[key]) > 0 {
			return true
		}
	}
	return false
}

// pageNational applies the default of the pages, the feed and the exports, unlike the API's:
// national models are listed beside the chosen areas unless the URL says national=exclude.
func pageNational(params url.Values, req *search.Request) {
	if !params.Has("national") {
		req.IncludeNational = true
	}
}

// nationalOptionOf is the area facet's national box, when an area is chosen.
func nationalOptionOf(lang string, req search.Request, res search.Result) *nationalOption {
	if !areaChosen(req) {
		return nil
	}
	return &nationalOption{Label: tr(lang, "national_option", res.National), Checked: req.IncludeNational}
}

// relaxItem is a chosen filter on a page that found nothing, with how many models the search
// would find without it.
type relaxItem struct {
	chip
	Count string
	n     uint64
}

// relaxItems are the chosen filters of a search that found nothing, best first: the one whose
// removal would find the most models.
func relaxItems(lang string, chips []chip, res search.Result) []relaxItem {
	if res.Total > 0 || res.Without == nil {
		return nil
	}
	var out []relaxItem
	for _, ch := range chips {
		n, ok := res.Without[ch.Key][ch.Value]
		if !ok {
			continue // a year range: dropping it is its chip, without a count
		}
		count := tr(lang, "count_many", n)
		if n == 1 {
			count = tr(lang, "count_one", n)
		}
		out = append(out, relaxItem{chip: ch, Count: count, n: n})
	}
	slices.SortStableFunc(out, func(a, b relaxItem) int { return cmp.Compare(b.n, a.n) })
	return out
}
