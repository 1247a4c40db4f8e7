package sample

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

// PerListingPage is how many models one listing page links to.
const PerListingPage = 10

// NotAModelSlug is a page at a practice-model address that carries no model (a "moved" notice),
// as real sites have; a crawler must skip it.
const NotAModelSlug = "sivu-siirretty"

// Site serves the sample pages.
type Site struct {
	pages      []Page
	bySlug     map[string]*Page
	programmes map[string]*Programme
	tmpl       map[string]*template.Template
}

// NewSite loads the embedded pages and templates.
func NewSite() (*Site, error) {
	pages, err := Pages()
	if err != nil {
		return nil, err
	}
	programmes, err := Programmes()
	if err != nil {
		return nil, err
	}
	s := &Site{pages: pages, bySlug: map[string]*Page{}, programmes: map[string]*Programme{}, tmpl: map[string]*template.Template{}}
	for i := range pages {
		s.bySlug[pages[i].Slug] = &pages[i]
	}
	for i := range programmes {
		s.programmes[programmes[i].Slug] = &programmes[i]
	}
	funcs := template.FuncMap{
		"field":      field,
		"paragraphs": func(s string) []string { return strings.Split(s, "\n\n") },
		"phaseIcon": func(phase string) string {
			if phase == "Valmis" {
				return "launch"
			}
			return "bulb"
		},
	}
	for _, name := range []string{"drupal", "dl", "pages"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("sample templates: %w", err)
		}
		s.tmpl[name] = t
	}
	return s, nil
}

// Handler returns the site's http.Handler.
func (s *Site) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /robots.txt", s.robots)
	mux.HandleFunc("GET /sitemap.xml", s.sitemap)
	mux.HandleFunc("GET /fi/toimintamallit", s.listing)
	mux.HandleFunc("GET /fi/toimintamalli/{slug}", s.model)
	mux.HandleFunc("GET /fi/toimintamalli/{slug}/kehittamisen-polku", s.path)
	mux.HandleFunc("GET /fi/ajankohtaista/{slug}", s.news)
	mux.HandleFunc("GET /fi/kokonaisuus/{slug}", s.programme)
	mux.HandleFunc("GET /fi/kokonaisuus/{slug}/toimintamallit", s.programmeListing)
	return mux
}

type view struct {
	Title, Canonical string
	Page             *Page
	Programme        *Programme
	SummaryLabel     string
	RegionLabel      string
	Items            []listItem
	PageNo           int
	PageCount        int
	Prev, Next       bool
	PrevPage         int
	NextPage         int
}

type listItem struct {
	Slug, Title string
	Path        bool
}

type fieldView struct {
	Page   *Page
	Label  string
	Values []string
}

func field(p *Page, label string, v any) fieldView {
	f := fieldView{Page: p, Label: label}
	switch v := v.(type) {
	case string:
		if v != "" {
			f.Values = []string{v}
		}
	case []string:
		f.Values = v
	}
	return f
}

func (s *Site) render(w http.ResponseWriter, r *http.Request, set, name string, v view) {
	var buf bytes.Buffer
	if err := s.tmpl[set].ExecuteTemplate(&buf, name, v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	// Conditional GETs are answered as a real site would, so that incremental crawls of the
	// sample site download nothing that has not changed.
	sum := sha256.Sum256(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", modTime.UTC().Format(http.TimeFormat))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if since, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && r.Header.Get("If-None-Match") == "" && !modTime.After(since) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// modTime is when the sample site's content last changed, for Last-Modified.
var modTime = time.Date(2025, time.March, 3, 10, 0, 0, 0, time.UTC)

func baseURL(r *http.Request) string { return "http://" + r.Host }

func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "pages", "home", view{Title: "Etusivu"})
}

func (s *Site) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "# Näytesivuston robots.txt\nUser-agent: *\nDisallow: /admin/\nDisallow: /haku\n\nSitemap: %s/sitemap.xml\n", baseURL(r))
}

// sitemap lists two in three models (the rest are found through the listing pages), a news
// item and the programme pages, which are not models.
func (s *Site) sitemap(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	loc := func(path, lastmod string) {
		fmt.Fprintf(&b, "<url><loc>%s%s</loc>", baseURL(r), path)
		if lastmod != "" {
			fmt.Fprintf(&b, "<lastmod>%s</lastmod>", lastmod)
		}
		b.WriteString("</url>\n")
	}
	for i, p := range s.pages {
		if i%3 != 2 {
			loc("/fi/toimintamalli/"+p.Slug, "")
		}
	}
	loc("/fi/ajankohtaista/uusia-toimintamalleja-syksylla", "2024-10-02")
	for _, slug := range slices.Sorted(maps.Keys(s.programmes)) {
		loc("/fi/kokonaisuus/"+slug, "")
	}
	b.WriteString("</urlset>\n")
	w.Header().Set("Content-Type", "application/xml")
	w.Write([]byte(b.String()))
}

func (s *Site) listing(w http.ResponseWriter, r *http.Request) {
	items := make([]listItem, 0, len(s.pages)+1)
	for _, p := range s.pages {
		items = append(items, listItem{Slug: p.Slug, Title: p.Title, Path: len(p.DevelopmentPath) > 0})
	}
	items = append(items, listItem{Slug: NotAModelSlug, Title: "Sivu siirretty"})
	count := (len(items) + PerListingPage - 1) / PerListingPage
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 0 {
		n = 0
	}
	if n >= count {
		http.NotFound(w, r)
		return
	}
	end := min((n+1)*PerListingPage, len(items))
	s.render(w, r, "pages", "listing", view{
		Title: "Toimintamallit", Items: items[n*PerListingPage : end],
		PageNo: n + 1, PageCount: count, Prev: n > 0, Next: n+1 < count, PrevPage: n - 1, NextPage: n + 1,
	})
}

func (s *Site) model(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if slug == NotAModelSlug {
		s.render(w, r, "pages", "moved", view{Title: "Sivu on siirretty"})
		return
	}
	p, ok := s.bySlug[slug]
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.render(w, r, p.Markup, p.Markup+".html", modelView(p, baseURL(r)))
}

func modelView(p *Page, base string) view {
	v := view{Title: p.Title, Page: p, Canonical: base + "/fi/toimintamalli/" + p.Slug,
		SummaryLabel: "Toimintamallin lyhyt kuvaus", RegionLabel: "Paikkakunta tai maakunta"}
	if p.SummaryLabel == "lyhyesti" {
		v.SummaryLabel = "Toimintamalli lyhyesti"
	}
	if p.RegionLabel == "new" {
		v.RegionLabel = "Paikkakunta, maakunta tai hyvinvointialue"
	}
	return v
}

// RenderModelPage returns the HTML of any page p, as the site would serve it under base
// (e.g. https://innokyla.fi), in p's markup. Benchmarks use it to make large page caches.
func (s *Site) RenderModelPage(p *Page, base string) ([]byte, error) {
	var buf bytes.Buffer
	t, ok := s.tmpl[p.Markup]
	if !ok {
		return nil, fmt.Errorf("sample page %s: unknown markup %q", p.Slug, p.Markup)
	}
	err := t.ExecuteTemplate(&buf, p.Markup+".html", modelView(p, base))
	return buf.Bytes(), err
}

func (s *Site) path(w http.ResponseWriter, r *http.Request) {
	p, ok := s.bySlug[r.PathValue("slug")]
	if !ok || len(p.DevelopmentPath) == 0 {
		http.NotFound(w, r)
		return
	}
	s.render(w, r, "pages", "path", view{Title: p.Title + " – Kehittämisen polku", Page: p})
}

func (s *Site) news(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "pages", "news", view{Title: "Uusia toimintamalleja syksyllä", Items: s.firstItems(3)})
}

func (s *Site) programme(w http.ResponseWriter, r *http.Request) {
	p, ok := s.programmes[r.PathValue("slug")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.render(w, r, "pages", "programme", view{Title: p.Name, Programme: p, Canonical: baseURL(r) + "/fi/kokonaisuus/" + p.Slug})
}

// programmeListing lists a programme's models, as Innokylä's <programme>/toimintamallit does.
func (s *Site) programmeListing(w http.ResponseWriter, r *http.Request) {
	p, ok := s.programmes[r.PathValue("slug")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	var items []listItem
	for _, slug := range p.Models {
		if m, ok := s.bySlug[slug]; ok {
			items = append(items, listItem{Slug: slug, Title: m.Title})
		}
	}
	s.render(w, r, "pages", "programme-listing", view{Title: p.Name + " – toimintamallit", Programme: p, Items: items})
}

func (s *Site) firstItems(n int) []listItem {
	var items []listItem
	for _, p := range s.pages[:min(n, len(s.pages))] {
		items = append(items, listItem{Slug: p.Slug, Title: p.Title})
	}
	return items
}

// Start serves the site on a loopback port until ctx ends or stop is called, and returns its
// base URL (http://127.0.0.1:PORT).
func Start(ctx context.Context) (baseURL string, stop func(), err error) {
	site, err := NewSite()
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("sample site: %w", err)
	}
	srv := &http.Server{Handler: site.Handler(), ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Serve only fails early if the listener breaks; the crawl then reports the site unreachable.
		_ = srv.Serve(ln)
	}()
	var once sync.Once
	stopped := make(chan struct{})
	stop = func() {
		once.Do(func() {
			close(stopped)
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(shutdownCtx)
			<-done
		})
	}
	go func() {
		select {
		case <-ctx.Done():
			stop()
		case <-stopped:
		}
	}()
	return "http://" + ln.Addr().String(), stop, nil
}
