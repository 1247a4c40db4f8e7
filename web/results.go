package web

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"

	"github.com/mallihaku/mallihaku/search"
)

// yearParams are the query parameters of the year ranges: facet key → its from and to.
var yearParams = map[string][2]string{
	"year":         {"year_from", "year_to"},
	"created_year": {"created_year_from", "created_year_to"},
}

// yearRanges reads the year ranges of a search; an empty parameter leaves its end open.
func yearRanges(q url.Values) (map[string]search.YearRange, error) {
	out := map[string]search.YearRange{}
	for key, names := range yearParams {
		var yr search.YearRange
		for i, name := range names {
			v := q.Get(name)
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, &search.QueryError{Code: search.CodeBadYears, Word: key}
			}
			if i == 0 {
				yr.From = n
			} else {
				yr.To = n
			}
		}
		if yr != (search.YearRange{}) {
			out[key] = yr
		}
	}
	return out, nil
}

// yearRangeView is the from–to pair of a year facet in the sidebar.
type yearRangeView struct {
	Legend, FromLabel, ToLabel string
	FromName, ToName           string
	From, To                   string
	FromID, ToID               string
	Min, Max                   int
}

// addYearRanges gives the year facets of the sidebar their from–to fields, and returns the
// chips of the ranges chosen, and as hidden fields the ends of ranges whose facet is not listed
// (so that the form keeps them).
func addYearRanges(lang string, params url.Values, req search.Request, groups []facetGroup) (chips []chip, hidden []param) {
	listed := map[string]bool{}
	for i := range groups {
		names, ok := yearParams[groups[i].Key]
		if !ok {
			continue
		}
		g := &groups[i]
		listed[g.Key] = true
		yr := req.Years[g.Key]
		rv := yearRangeView{Legend: tr(lang, "year_range"), FromLabel: tr(lang, "year_from"), ToLabel: tr(lang, "year_to"),
			FromName: names[0], ToName: names[1], FromID: "r-" + names[0], ToID: "r-" + names[1], Min: search.MinYear, Max: search.MaxYear}
		if yr.From != 0 {
			rv.From = strconv.Itoa(yr.From)
		}
		if yr.To != 0 {
			rv.To = strconv.Itoa(yr.To)
		}
		g.Range = &rv
	}
	for _, key := range []string{"year", "created_year"} {
		yr, ok := req.Years[key]
		if !ok {
			continue
		}
		if !listed[key] {
			for _, name := range yearParams[key] {
				if v := params.Get(name); v != "" {
					hidden = append(hidden, param{name, v})
				}
			}
		}
		text := tr(lang, "facet_"+key) + " " + yearRangeText(yr)
		p := clone(params)
		p.Del("page")
		p.Del(yearParams[key][0])
		p.Del(yearParams[key][1])
		chips = append(chips, chip{Key: key + "_range", Value: yearRangeText(yr), Text: text, Remove: tr(lang, "remove_filter", text), Href: "/?" + p.Encode()})
	}
	return chips, hidden
}

func yearRangeText(yr search.YearRange) string {
	from, to := "", ""
	if yr.From != 0 {
		from = strconv.Itoa(yr.From)
	}
	if yr.To != 0 {
		to = strconv.Itoa(yr.To)
	}
	return from + "–" + to
}

// shownRange says which hits of how many a page shows: 21–40 / 42.
func shownRange(lang string, res search.Result) (text, label string) {
	if len(res.Hits) == 0 {
		return "", ""
	}
	first := (res.Page-1)*res.Size + 1
	last := first + len(res.Hits) - 1
	return tr(lang, "shown_range", first, last, res.Total), tr(lang, "shown_range_label", first, last, res.Total)
}

// sortOptions are the orders the page offers. Without words every model matches equally and
// "relevance" is the order by update: it is then labelled so, and "modified" (the same order)
// is not offered beside it.
func sortOptions(lang string, req search.Request) []option {
	var out []option
	words := req.Query != ""
	for _, key := range pageSorts {
		if !words && key == "modified" {
			continue
		}
		label := tr(lang, "sort_"+key)
		if !words && key == "relevance" {
			label = tr(lang, "sort_modified")
		}
		selected := key == req.Sort || (req.Sort == "" && key == "relevance") || (!words && key == "relevance" && req.Sort == "modified")
		out = append(out, option{Value: key, Label: label, Selected: selected})
	}
	return out
}

// tagLink is a topic on a result card: a link adding it to the search's filters, none when
// it is chosen already.
type tagLink struct{ Text, Href string }

func tagLinks(params url.Values, topics []string) []tagLink {
	out := make([]tagLink, len(topics))
	for i, t := range topics {
		out[i] = tagLink{Text: t}
		if !slices.Contains(params["topic"], t) {
			out[i].Href = toggle(params, "topic", t)
		}
	}
	return out
}

// hitHref is the model page of a hit, carrying the query so that the page marks its words.
func hitHref(id, query, lang string) string {
	q := url.Values{}
	if query != "" {
		q.Set("q", query)
	}
	if lang != "" {
		q.Set("lang", lang)
	}
	if len(q) == 0 {
		return "/malli/" + id
	}
	return "/malli/" + id + "?" + q.Encode()
}

// markedTitle is a hit's title with the query's words marked, when they are in it.
func markedTitle(h search.Hit) template.HTML {
	if len(h.Highlights.Title) > 0 {
		return template.HTML(h.Highlights.Title[0])
	}
	return template.HTML(template.HTMLEscapeString(h.Model.Title))
}
