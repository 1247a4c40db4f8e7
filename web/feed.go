package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// The Atom (RFC 4287) elements the feed uses.
type atomFeed struct {
	XMLName   xml.Name      `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string        `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID        string        `xml:"id"`
	Title     string        `xml:"title"`
	Subtitle  string        `xml:"subtitle,omitempty"`
	Updated   string        `xml:"updated"`
	Author    atomPerson    `xml:"author"`
	Generator atomGenerator `xml:"generator"`
	Links     []atomLink    `xml:"link"`
	Entries   []atomEntry   `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomGenerator struct {
	Version string `xml:"version,attr,omitempty"`
	Name    string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Summary    *atomText      `xml:"summary"`
	Categories []atomCategory `xml:"category"`
}

// feedText is the feed's title and subtitle for a search (its query and the values of its
// filters), in the interface language lang.
func feedText(lang, query string, values []string) (title, subtitle string) {
	what := query
	if len(values) > 0 {
		if what != "" {
			what += " – "
		}
		what += strings.Join(values, ", ")
	}
	if what == "" {
		return tr(lang, "feed_newest"), tr(lang, "feed_newest_sub")
	}
	return "mallihaku: " + what, tr(lang, "feed_search_sub")
}

// feed answers /feed.atom: the newest models of the search the parameters describe.
func (s *server) feed(c *gin.Context) error {
	params := c.Request.URL.Query()
	// lang is the interface language here, not a filter on the models' language.
	lang := pageLang(c.Request)
	c.Header("Vary", "Accept-Language")
	filters := clone(params)
	filters.Del("lang")
	req, err := searchRequest(filters)
	if err != nil {
		return err
	}
	pageNational(filters, &req)
	req.Sort, req.Page = "created", 0
	res, err := s.cfg.Searcher.Search(c.Request.Context(), req)
	if err != nil {
		return err
	}

	base := siteBase(c.Request)
	self := base + "/feed.atom"
	if len(params) > 0 {
		self += "?" + params.Encode()
	}
	alternate := clone(params)
	alternate.Del("page")
	alternate.Set("sort", "created")

	var values []string
	for _, f := range search.Facets() {
		values = append(values, req.Filters[f.Key]...)
	}
	// What has no date of its own is dated when this index version went live, so a feed
	// (an empty one too) reads the same on every poll until the index changes.
	now := s.indexTime()
	out := atomFeed{ID: self, Author: atomPerson{Name: "mallihaku"},
		Generator: atomGenerator{Version: s.cfg.Version, Name: "mallihaku"},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/?" + alternate.Encode()}}}
	out.Title, out.Subtitle = feedText(lang, req.Query, values)
	out.Lang = lang
	var newest time.Time
	for _, h := range res.Hits {
		e, updated := entryOf(h.Model, base, now)
		if updated.After(newest) {
			newest = updated
		}
		out.Entries = append(out.Entries, e)
	}
	if newest.IsZero() {
		newest = now
	}
	out.Updated = newest.Format(time.RFC3339)

	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", buf.Bytes())
	return nil
}

// entryOf is a model as a feed entry, and when it was last updated: modified, else created,
// else fetched, else now (the index version's time). A model's page on Innokylä is its permanent identity.
func entryOf(m practice.Model, base string, now time.Time) (atomEntry, time.Time) {
	page := base + "/malli/" + url.PathEscape(m.ID)
	e := atomEntry{Lang: m.Lang, ID: page, Title: m.Title, Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: page}}}
	if isHTTP(m.URL) {
		e.ID = m.URL
		e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", Href: m.URL})
	}
	updated := now
	switch {
	case !m.Modified.IsZero():
		updated = m.Modified.Time()
	case !m.Created.IsZero():
		updated = m.Created.Time()
	case !m.FetchedAt.IsZero():
		updated = m.FetchedAt.UTC()
	}
	e.Updated = updated.Format(time.RFC3339)
	if !m.Created.IsZero() {
		e.Published = m.Created.Time().Format(time.RFC3339)
	}
	if m.Summary != "" {
		e.Summary = &atomText{Type: "text", Text: m.Summary}
	}
	for _, term := range append(append([]string{}, m.Topics...), m.Region...) {
		e.Categories = append(e.Categories, atomCategory{Term: term})
	}
	return e, updated
}

func isHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
