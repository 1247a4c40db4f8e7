package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// facetLabels are the Finnish headings of the facets shown on the search page, in order. A
// facet with a parent (the region hierarchy) is shown once a value of its parent is selected:
// choosing Uusimaa brings up Uusimaa's wellbeing services counties, choosing a county its
// municipalities.
var facetLabels = []struct{ Key, Label, Parent string }{
	{"region", "Maakunta", ""},
	{"wellbeing_county", "Hyvinvointialue", "region"},
	{"municipality", "Kunta", "wellbeing_county"},
	{"phase", "Kehittämisen vaihe", ""},
	{"topic", "Aihealue", ""},
	{"target_group", "Kohderyhmä", ""},
	{"phenomenon", "Ilmiö", ""},
	{"funder", "Rahoittaja", ""},
	{"year", "Päivitetty vuonna", ""},
	{"created_year", "Luotu vuonna", ""},
}

func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"join":       strings.Join,
		"paragraphs": func(s string) []string { return strings.Split(s, "\n\n") },
		"safeURL": func(s string) bool {
			u, err := url.Parse(s)
			return err == nil && (u.Scheme == "http" || u.Scheme == "https")
		},
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"search", "model", "error"} {
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

type link struct{ Value, Href string }

type facetView struct {
	Label  string
	Values []facetValueView
}

type facetValueView struct {
	search.FacetValue
	Href string
}

type hitView struct {
	ID, Title, Phase, Modified string
	Region                     []string
	// Snippet is the best highlighted fragment, SnippetFrom the heading of the section it
	// comes from (both HTML: escaped text, <mark> the only markup).
	Snippet, SnippetFrom template.HTML
}

type searchView struct {
	Title, Query       string
	Hidden             []struct{ Name, Value string }
	Total              uint64
	Facets             []facetView
	Chips              []link
	ClearHref          string
	Hits               []hitView
	Page, Pages        int
	PrevHref, NextHref string
}

func (s *server) searchPage(c *gin.Context) error {
	params := c.Request.URL.Query()
	req, err := searchRequest(params)
	if err != nil {
		return err
	}
	res, err := s.cfg.Searcher.Search(c.Request.Context(), req)
	if err != nil {
		return err
	}
	v := searchView{Title: "Haku", Query: req.Query, Total: res.Total, Page: res.Page,
		Pages: max(1, int((res.Total+uint64(res.Size)-1)/uint64(res.Size)))}
	if req.Query != "" {
		v.Title = req.Query + " – haku"
	}
	for key, values := range req.Filters {
		for _, val := range values {
			v.Hidden = append(v.Hidden, struct{ Name, Value string }{key, val})
		}
	}
	slices.SortFunc(v.Hidden, func(a, b struct{ Name, Value string }) int { return strings.Compare(a.Name+a.Value, b.Name+b.Value) })
	for _, fl := range facetLabels {
		if fl.Parent != "" && len(req.Filters[fl.Parent]) == 0 && len(req.Filters[fl.Key]) == 0 {
			continue
		}
		fv := facetView{Label: fl.Label}
		for _, val := range res.Facets[fl.Key] {
			fv.Values = append(fv.Values, facetValueView{FacetValue: val, Href: toggle(params, fl.Key, val.Value)})
			if val.Selected {
				v.Chips = append(v.Chips, link{Value: val.Value, Href: toggle(params, fl.Key, val.Value)})
			}
		}
		v.Facets = append(v.Facets, fv)
	}
	clear := url.Values{}
	if req.Query != "" {
		clear.Set("q", req.Query)
	}
	v.ClearHref = "/?" + clear.Encode()
	for _, h := range res.Hits {
		hv := hitView{ID: h.Model.ID, Title: h.Model.Title, Phase: h.Model.Phase, Region: h.Model.Region,
			Modified: h.Model.Modified.Finnish()}
		hv.Snippet, hv.SnippetFrom = snippet(h)
		v.Hits = append(v.Hits, hv)
	}
	if res.Page > 1 {
		v.PrevHref = withPage(params, res.Page-1)
	}
	if res.Page < v.Pages {
		v.NextHref = withPage(params, res.Page+1)
	}
	return render(c, s.pages["search"], http.StatusOK, v)
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
	p.Set("page", fmt.Sprint(page))
	return "/?" + p.Encode()
}

func clone(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = slices.Clone(vs)
	}
	return c
}

type modelView struct {
	Title             string
	Model             practice.Model
	Created, Modified string
	Related           []practice.Model
}

func (s *server) modelPage(c *gin.Context) error {
	m, err := s.cfg.Searcher.Model(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	related, err := s.cfg.Searcher.Related(c.Request.Context(), m, search.DefaultRelated)
	if err != nil {
		return err
	}
	return render(c, s.pages["model"], http.StatusOK, modelView{Title: m.Title, Model: m,
		Created: m.Created.Finnish(), Modified: m.Modified.Finnish(), Related: related})
}

func (s *server) renderError(c *gin.Context, status int, msg string) {
	title := "Sivua ei löytynyt"
	if status == http.StatusBadRequest {
		title = "Hakua ei voitu tehdä"
	} else if status >= 500 {
		title = "Virhe"
	}
	if err := render(c, s.pages["error"], status, struct{ Title, Message string }{title, msg}); err != nil {
		c.String(status, msg)
	}
}
