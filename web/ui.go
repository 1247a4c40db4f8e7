package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// Search page layout: facet values listed before "show more", and how many values each facet
// brings (unless the URL asks for another facet_size).
const (
	facetShown    = 6
	pageFacetSize = 30
)

// sidebarFacets are the facets of the search page's sidebar, in order. The region hierarchy is
// one group: a selected maakunta lists its wellbeing services counties beneath it, a selected
// county its municipalities.
var sidebarFacets = []string{"region", "phase", "topic", "target_group", "funder", "programme", "year", "created_year", "phenomenon"}

// pageSorts are the orders offered on the page, the default first.
var pageSorts = []string{"relevance", "modified", "created", "title"}

func parsePages(assets map[string]*asset) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := assets[name]
			if !ok {
				return "", fmt.Errorf("no asset %s", name)
			}
			return a.URL(), nil
		},
		"places": func(lang string, values []string) string {
			names := make([]string, len(values))
			for i, v := range values {
				names[i] = placeName(lang, v)
			}
			return strings.Join(names, ", ")
		},
		"join":       strings.Join,
		"paragraphs": func(s string) []string { return strings.Split(s, "\n\n") },
		"safeURL":    isHTTP,
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"search", "model", "programme", "error"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web templates: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template error never sends half a page.
func render(c *gin.Context, t *template.Template, status int, data any) error {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, t.Name()+".html", data); err != nil {
		return fmt.Errorf("render %s: %w", t.Name(), err)
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// page is what the layout of every page needs.
type page struct {
	Lang  string
	T     messages
	Title string
	// Description is the page's summary for search engines and link previews.
	Description string
	// LangParam is "?lang=xx" when the URL chose the language, so links keep it; HomeHref is
	// the search page in that language.
	LangParam, HomeHref string
	Langs               []langLink
	// ContentLang is the language of the models' text when it differs from the interface's.
	ContentLang         string
	FeedHref, FeedTitle string
}

type langLink struct {
	Code, Name, Href string
	Current          bool
}

func newPage(c *gin.Context) page {
	lang := pageLang(c.Request)
	c.Header("Content-Language", lang)
	c.Header("Vary", "Accept-Language") // caches must not give a Swedish page to a Finnish reader
	p := page{Lang: lang, T: catalog[lang], HomeHref: "/"}
	if lang != "fi" {
		p.ContentLang = "fi"
	}
	params := c.Request.URL.Query()
	if params.Get("lang") == lang {
		p.LangParam = "?lang=" + lang
		p.HomeHref = "/" + p.LangParam
	}
	for _, t := range uiLangs {
		code := t.String()
		q := clone(params)
		q.Set("lang", code)
		p.Langs = append(p.Langs, langLink{Code: code, Name: catalog[code]["lang_name"], Href: c.Request.URL.Path + "?" + q.Encode(), Current: code == lang})
	}
	return p
}

// param is a hidden form field: a parameter of the URL the form must keep.
type param struct{ Name, Value string }

type option struct {
	Value, Label string
	Selected     bool
}

type facetGroup struct {
	Key, Legend string
	Items, More []facetItem
	// National is the area facet's box for national models, when an area is chosen.
	National *nationalOption
	// AllHref asks for more values than were listed, when the list may have been cut short.
	MoreLabel, AllHref, AllLabel string
	// Range is the from–to pair of a year facet; nil for other facets.
	Range *yearRangeView
}

// facetItem is one checkbox of the sidebar; Children are the values beneath it in the region
// hierarchy.
type facetItem struct {
	// Value is what the filter holds; Label what the page shows (a place in the page's language).
	ID, Name, Value, Label, Count string
	Checked                       bool
	Children                      []facetItem
}

// chip is a chosen filter; Text is what it shows: the value, and for a year which year it is.
type chip struct{ Key, Value, Text, Remove, Href string }

type suggestionView struct {
	Query, Href, AppliedText string
	Applied                  bool
}

type hitView struct {
	ID, Title, Phase, Modified, ModifiedISO string
	// Href is the model's page, with the query; Marked the title with its words marked.
	Href, Location string
	Marked         template.HTML
	Tags           []tagLink
	Region, Topics []string
	// Snippet is the best highlighted fragment, SnippetFrom the heading of the section it
	// comes from (both HTML: escaped text, <mark> the only markup).
	Snippet, SnippetFrom template.HTML
}

type pageLink struct {
	Number        int
	Href, Label   string
	Current, Skip bool
}

type searchView struct {
	page
	Query                     string
	Hidden                    []param
	Sorts                     []option
	Total                     uint64
	Count, Took, FiltersLabel string
	Suggestion                *suggestionView
	// Relaxed, when set, says the hits have the parts of the query's compound words apart,
	// because the words as they stand found nothing.
	Relaxed            string
	Facets             []facetGroup
	Chips              []chip
	ClearHref, AllHref string
	Hits               []hitView
	Start              int
	Pages              []pageLink
	PrevHref, NextHref string
	exportLinks
	printView
	// Shown is which hits of how many the page shows (21–40 / 42), ShownLabel the same in words.
	Shown, ShownLabel string
	// QueryError, when set, is why the query could not be run (and there are no results).
	QueryError *queryErrorView
	// Relax are the chosen filters of a search that found nothing, best first, with what
	// dropping each would give.
	Relax []relaxItem
}

func (s *server) searchPage(c *gin.Context) error {
	params := c.Request.URL.Query()
	req, err := searchRequest(withoutLang(params))
	if search.IsBadQuery(err) {
		return s.queryErrorPage(c, params, err)
	}
	if err != nil {
		return err
	}
	if req.FacetSize == 0 {
		req.FacetSize = pageFacetSize
	}
	pageNational(params, &req)
	res, err := s.cfg.Searcher.Search(c.Request.Context(), req)
	if search.IsBadQuery(err) {
		return s.queryErrorPage(c, params, err)
	}
	if err != nil {
		return err
	}
	v := searchView{page: newPage(c), Query: req.Query, Total: res.Total, Start: (res.Page-1)*res.Size + 1}
	lang := v.Lang
	v.Title, v.Description = tr(lang, "search_title"), tr(lang, "tagline")
	if req.Query != "" {
		v.Title = tr(lang, "search_title_q", req.Query)
	}
	v.Count = tr(lang, "count_many", res.Total)
	if res.Total == 1 {
		v.Count = tr(lang, "count_one", res.Total)
	}
	v.Took = tr(lang, "took", res.Took.Seconds())
	if res.Took.Seconds() < 0.01 {
		v.Took = tr(lang, "took_fast")
	}
	v.Sorts = sortOptions(lang, req)
	if res.Relaxed {
		v.Relaxed = tr(lang, "relaxed", req.Query)
	}
	if sg := res.Suggestion; sg != nil {
		p := clone(params)
		p.Set("q", sg.Query)
		p.Del("page")
		v.Suggestion = &suggestionView{Query: sg.Query, Href: "/?" + p.Encode(), Applied: sg.Applied, AppliedText: tr(lang, "applied", req.Query)}
	}

	shown := map[param]bool{}
	v.Facets = sidebar(lang, params, req, res, shown)
	rangeChips, rangeHidden := addYearRanges(lang, params, req, v.Facets)
	v.Hidden = append(v.Hidden, rangeHidden...)
	for i := range v.Facets {
		if v.Facets[i].Key == "region" {
			v.Facets[i].National = nationalOptionOf(lang, req, res)
		}
	}
	selected := 0
	for _, f := range search.Facets() {
		for _, val := range req.Filters[f.Key] {
			selected++
			if !shown[param{f.Key, val}] {
				v.Hidden = append(v.Hidden, param{f.Key, val})
			}
			label := filterLabel(lang, f.Key)
			// The chip shows the value, a year with its facet's name; its accessible name holds
			// what it shows, so that a voice user can say what they see (WCAG 2.5.3).
			text := valueLabel(lang, f.Key, val)
			name := label + ": " + text
			if f.Year || f.Key == "year" {
				text = label + " " + val
				name = text
			}
			v.Chips = append(v.Chips, chip{Key: f.Key, Value: val, Text: text, Remove: tr(lang, "remove_filter", name), Href: toggle(params, f.Key, val)})
		}
	}
	v.Chips = append(v.Chips, rangeChips...)
	selected += len(rangeChips)
	v.Relax = relaxItems(lang, v.Chips, res)
	v.FiltersLabel = tr(lang, "filters")
	if selected > 0 {
		v.FiltersLabel = tr(lang, "filters_chosen", selected)
	}
	for _, name := range []string{"lang", "size", "facet_size"} {
		if val := params.Get(name); val != "" {
			v.Hidden = append(v.Hidden, param{name, val})
		}
	}

	keep := url.Values{}
	if l := params.Get("lang"); l != "" {
		keep.Set("lang", l)
	}
	v.AllHref = "/?" + keep.Encode()
	if req.Query != "" {
		keep.Set("q", req.Query)
	}
	if req.Sort != "" {
		keep.Set("sort", req.Sort)
	}
	v.ClearHref = "/?" + keep.Encode()
	feed := clone(params)
	feed.Del("page")
	feed.Del("sort")
	v.FeedHref, v.FeedTitle = "/feed.atom?"+feed.Encode(), tr(lang, "feed_title")+": "+v.Title
	v.exportLinks = exportLinksOf(lang, params, res.Total)
	v.printView = printOf(c.Request, lang, req)
	v.Shown, v.ShownLabel = shownRange(lang, res)

	for _, h := range res.Hits {
		hv := hitView{ID: h.Model.ID, Title: h.Model.Title, Phase: valueLabel(lang, "phase", h.Model.Phase), Region: h.Model.Region,
			Topics: h.Model.Topics, Modified: h.Model.Modified.Finnish()}
		if !h.Model.Modified.IsZero() {
			hv.ModifiedISO = h.Model.Modified.String()
		}
		hv.Snippet, hv.SnippetFrom = snippet(h)
		hv.Href, hv.Location, hv.Marked, hv.Tags = hitHref(h.Model.ID, req.Query, params.Get("lang")), h.Model.Location, markedTitle(h), tagLinks(params, h.Model.Topics)
		v.Hits = append(v.Hits, hv)
	}
	pages := pageCount(res.Total, res.Size)
	if pages > 1 {
		v.Pages = pager(lang, params, res.Page, pages)
	}
	if res.Page > 1 {
		v.PrevHref = withPage(params, res.Page-1)
	}
	if res.Page < pages {
		v.NextHref = withPage(params, res.Page+1)
	}
	return render(c, s.pages["search"], http.StatusOK, v)
}

// valueLabel is a facet value as the page's language shows it: places and development phases
// have Swedish and English names; topics and the rest are shown as the models give them.
func valueLabel(lang, key, value string) string {
	switch key {
	case "region", "wellbeing_county", "municipality":
		return placeName(lang, value)
	case "phase":
		if _, ok := catalog["fi"]["phase_"+value]; ok {
			return tr(lang, "phase_"+value)
		}
	}
	return value
}

// placeName is a place of the region hierarchy as the page's language names it.
func placeName(lang, value string) string {
	if lang == "fi" {
		return value
	}
	return practice.DefaultGazetteer().Name(value, lang)
}

// filterLabel names a filter in a chip: the sidebar's legend, or the level of the area.
func filterLabel(lang, key string) string {
	if _, ok := catalog["fi"]["chip_"+key]; ok {
		return tr(lang, "chip_"+key)
	}
	return tr(lang, "facet_"+key)
}

// withoutLang drops lang: on the pages it is the interface language, never a filter.
func withoutLang(params url.Values) url.Values {
	p := clone(params)
	p.Del("lang")
	return p
}

// sidebar lays out the facets of a result as checkbox groups, marking in shown every
// (facet, value) pair it lists.
func sidebar(lang string, params url.Values, req search.Request, res search.Result, shown map[param]bool) []facetGroup {
	n := 0
	item := func(key string, v search.FacetValue) facetItem {
		n++
		shown[param{key, v.Value}] = true
		return facetItem{ID: "f" + strconv.Itoa(n), Name: key, Value: v.Value, Label: valueLabel(lang, key, v.Value), Count: finnishNumbers.Sprintf("%d", v.Count), Checked: v.Selected}
	}
	var groups []facetGroup
	for _, key := range sidebarFacets {
		var items []facetItem
		if key == "region" {
			items = regionTree(req, res, item)
		} else {
			for _, v := range res.Facets[key] {
				items = append(items, item(key, v))
			}
		}
		if key == "year" || key == "created_year" {
			// Years read best newest first, whatever their counts.
			slices.SortStableFunc(items, func(a, b facetItem) int { return strings.Compare(b.Value, a.Value) })
		}
		if len(items) == 0 {
			continue
		}
		g := facetGroup{Key: key, Legend: tr(lang, "facet_"+key)}
		for i, it := range items {
			if i < facetShown || it.Checked || hasChecked(it.Children) {
				g.Items = append(g.Items, it)
			} else {
				g.More = append(g.More, it)
			}
		}
		g.MoreLabel = tr(lang, "show_more", len(g.More))
		if len(res.Facets[key]) >= req.FacetSize && req.FacetSize < search.MaxFacetSize {
			// The list may be cut short: offer every value, as far as the API gives them.
			all := clone(params)
			all.Set("facet_size", strconv.Itoa(search.MaxFacetSize))
			g.AllHref, g.AllLabel = "/?"+all.Encode(), tr(lang, "all_values")
		}
		groups = append(groups, g)
	}
	return groups
}

// regionTree nests the region facets: counties under their selected maakunta, municipalities
// under their selected county (on Åland, which has no county, under the maakunta). A selected
// value whose parent is not listed stands on its own at the top.
func regionTree(req search.Request, res search.Result, item func(string, search.FacetValue) facetItem) []facetItem {
	under := func(key, parentKey string, also ...string) map[string][]facetItem {
		by := map[string][]facetItem{}
		for _, v := range res.Facets[key] {
			if v.Selected || slices.Contains(req.Filters[parentKey], v.Parent) || slices.ContainsFunc(also, func(k string) bool { return slices.Contains(req.Filters[k], v.Parent) }) {
				by[v.Parent] = append(by[v.Parent], item(key, v))
			}
		}
		return by
	}
	municipalities := under("municipality", "wellbeing_county", "region")
	counties := under("wellbeing_county", "region")
	var top []facetItem
	for _, v := range res.Facets["region"] {
		it := item("region", v)
		for _, county := range counties[v.Value] {
			county.Children = municipalities[county.Value]
			delete(municipalities, county.Value)
			it.Children = append(it.Children, county)
		}
		delete(counties, v.Value)
		it.Children = append(it.Children, municipalities[v.Value]...)
		delete(municipalities, v.Value)
		top = append(top, it)
	}
	for _, rest := range []map[string][]facetItem{counties, municipalities} {
		for _, parent := range slices.Sorted(mapKeys(rest)) {
			top = append(top, rest[parent]...)
		}
	}
	return top
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func hasChecked(items []facetItem) bool {
	return slices.ContainsFunc(items, func(it facetItem) bool { return it.Checked || hasChecked(it.Children) })
}

// pageCount is how many pages of size hits the pager offers: never beyond the deepest page a
// search may go to.
func pageCount(total uint64, size int) int {
	return min(max(1, int((total+uint64(size)-1)/uint64(size))), search.MaxDepth/size)
}

// pager lists the first, the last and the pages around the current one, with skips between.
func pager(lang string, params url.Values, current, pages int) []pageLink {
	var out []pageLink
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < current-2 || n > current+2) {
			if len(out) > 0 && !out[len(out)-1].Skip {
				out = append(out, pageLink{Skip: true})
			}
			continue
		}
		out = append(out, pageLink{Number: n, Href: withPage(params, n), Label: tr(lang, "page_n", n), Current: n == current})
	}
	return out
}

// snippet is the best highlighted fragment of a hit (the summary's, else a section's with its
// heading), or its summary. Highlights come HTML-escaped, with <mark> as their only markup.
func snippet(h search.Hit) (fragment, from template.HTML) {
	if fs := h.Highlights.Summary; len(fs) > 0 {
		return template.HTML(fs[0]), ""
	}
	if ss := h.Highlights.Sections; len(ss) > 0 {
		return template.HTML(ss[0].Fragment), template.HTML(ss[0].Heading)
	}
	return template.HTML(template.HTMLEscapeString(h.Model.Summary)), ""
}

// toggle returns the search URL with value added to or removed from filter key, on page 1.
func toggle(params url.Values, key, value string) string {
	p := clone(params)
	p.Del("page")
	vals := p[key]
	if i := slices.Index(vals, value); i >= 0 {
		p[key] = slices.Delete(slices.Clone(vals), i, i+1)
	} else {
		p[key] = append(slices.Clone(vals), value)
	}
	return "/?" + p.Encode()
}

func withPage(params url.Values, page int) string {
	p := clone(params)
	p.Set("page", strconv.Itoa(page))
	return "/?" + p.Encode()
}

func clone(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = slices.Clone(vs)
	}
	return c
}
