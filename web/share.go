package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// siteBase is this site's address as the client reached it, for links that leave the page
// (feeds, permalinks, citations, printouts).
func siteBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// shareView is the share and cite box of a model page: the model page's permanent address,
// to copy, and a citation of the model in the page's language.
type shareView struct {
	Permalink, Citation string
}

func shareOf(r *http.Request, lang, langParam string, m practice.Model) shareView {
	return shareView{Permalink: siteBase(r) + "/malli/" + m.ID + langParam, Citation: citation(lang, m)}
}

// citation is a reference to a model as a reader would put it in a report: title,
// toteutuspaikka, Innokylä, the page's address there and the date it was updated.
func citation(lang string, m practice.Model) string {
	parts := []string{strings.TrimRight(m.Title, ". ")}
	if m.Location != "" && m.Location != m.Title {
		parts = append(parts, strings.TrimRight(m.Location, ". "))
	}
	parts = append(parts, "Innokylä")
	if isHTTP(m.URL) {
		parts = append(parts, m.URL)
	}
	if !m.Modified.IsZero() {
		parts = append(parts, tr(lang, "cite_updated", citeDate(lang, m.Modified)))
	}
	return strings.Join(parts, ". ") + "."
}

// citeDate writes a date as a citation in lang does: 9.11.2021 in Finnish and Swedish,
// 9 November 2021 in English.
func citeDate(lang string, d practice.Date) string {
	if lang == "en" {
		t := d.Time()
		return fmt.Sprintf("%d %s %d", t.Day(), t.Month(), t.Year())
	}
	return d.Finnish()
}

// printView is what a printed search page says above its hits, since the search box and the
// filters are not printed: the words, the filters and the page's address.
type printView struct {
	PrintFilters []string
	PrintURL     string
}

func printOf(r *http.Request, lang string, req search.Request) printView {
	v := printView{PrintURL: siteBase(r) + r.URL.RequestURI()}
	for _, f := range search.Facets() {
		for _, val := range req.Filters[f.Key] {
			v.PrintFilters = append(v.PrintFilters, filterLabel(lang, f.Key)+": "+valueLabel(lang, f.Key, val))
		}
	}
	for _, key := range []string{"year", "created_year"} {
		if yr, ok := req.Years[key]; ok {
			v.PrintFilters = append(v.PrintFilters, tr(lang, "facet_"+key)+": "+yearRangeText(yr))
		}
	}
	return v
}

// markedView is a model's text for its page, with the words of the search the reader came
// from (?q=) marked: HTML from search.Mark, escaped text with <mark> its only markup.
type markedView struct {
	Title, Summary template.HTML
	Sections       [][]template.HTML
}

// marked marks the words of ?q= in m. A query that cannot be run (a bad one typed into the
// address) leaves the text unmarked.
func (s *server) marked(c *gin.Context, m practice.Model) (markedView, error) {
	q := c.Query("q")
	mk, err := s.cfg.Searcher.Mark(c.Request.Context(), q, m)
	if err != nil && search.IsBadQuery(err) && q != "" {
		mk, err = s.cfg.Searcher.Mark(c.Request.Context(), "", m)
	}
	if err != nil {
		return markedView{}, err
	}
	v := markedView{Title: template.HTML(mk.Title), Summary: template.HTML(mk.Summary)}
	for _, sec := range mk.Sections {
		paras := make([]template.HTML, len(sec))
		for i, p := range sec {
			paras[i] = template.HTML(p)
		}
		v.Sections = append(v.Sections, paras)
	}
	return v, nil
}
