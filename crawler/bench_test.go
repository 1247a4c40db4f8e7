package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/internal/benchq"
	"github.com/mallihaku/mallihaku/store"
)

// genSite is a generated Innokylä of n models: robots.txt, a sitemap (with or without
// lastmod), a listing of 20 models a page, and model pages that answer conditional GETs.
type genSite struct {
	n       int
	lastmod bool
	pages   [][]byte
	etags   []string

	requests, bodies atomic.Int64
}

const genPerPage = 20

func newGenSite(n int, lastmod bool) *genSite {
	g := &genSite{n: n, lastmod: lastmod}
	for i := range n {
		m := modelA
		m.title = fmt.Sprintf("Kotikuntoutus %d", i)
		m.summary = fmt.Sprintf("Malli %d tuo fysioterapeutin kotiin heti sairaalajakson jälkeen.", i)
		g.pages = append(g.pages, []byte(modelHTML(m)))
		g.etags = append(g.etags, fmt.Sprintf(`"v1-%d"`, i))
	}
	return g
}

func (g *genSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.requests.Add(1)
	site := "http://" + r.Host
	var body []byte
	etag := `"v1"`
	switch {
	case r.URL.Path == "/robots.txt":
		body = []byte("User-agent: *\nDisallow: /admin/\nSitemap: " + site + "/sitemap.xml\n")
	case r.URL.Path == "/sitemap.xml":
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range g.n {
			fmt.Fprintf(&b, "<url><loc>%s/fi/toimintamalli/malli-%04d</loc>", site, i)
			if g.lastmod {
				b.WriteString("<lastmod>2025-01-15</lastmod>")
			}
			b.WriteString("</url>\n")
		}
		b.WriteString("</urlset>")
		body = []byte(b.String())
	case r.URL.Path == "/fi/toimintamallit":
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var b strings.Builder
		b.WriteString("<html><body><ul>")
		for i := n * genPerPage; i < min((n+1)*genPerPage, g.n); i++ {
			fmt.Fprintf(&b, `<li><a href="/fi/toimintamalli/malli-%04d">Malli %d</a></li>`, i, i)
		}
		b.WriteString("</ul>")
		if (n+1)*genPerPage < g.n {
			fmt.Fprintf(&b, `<a href="?page=%d">Seuraava</a>`, n+1)
		}
		b.WriteString("</body></html>")
		body, etag = []byte(b.String()), fmt.Sprintf(`"list-%d"`, n)
	case strings.HasPrefix(r.URL.Path, "/fi/toimintamalli/malli-"):
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/fi/toimintamalli/malli-"))
		if err != nil || i >= g.n {
			http.NotFound(w, r)
			return
		}
		body, etag = g.pages[i], g.etags[i]
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", fixtureLastModified)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if strings.HasSuffix(r.URL.Path, ".xml") {
		w.Header().Set("Content-Type", "application/xml")
	} else if r.URL.Path == "/robots.txt" {
		w.Header().Set("Content-Type", "text/plain")
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	g.bodies.Add(1)
	w.Write(body)
}

// BenchmarkCrawlGeneratedSite crawls a generated site of 5,000 models (set
// MALLIHAKU_BENCH_MODELS for another size) with the rate limit lifted, timing:
//
//	first: a first crawl into an empty data folder;
//	full: a full crawl of an unchanged site into a data folder that has it;
//	incremental: an incremental crawl of the unchanged site (sitemap with lastmod);
//	incremental-no-lastmod: the same with a sitemap without lastmod (conditional GETs only).
//
// Beside the measured time it reports the requests and bodies of one run and polite-h, how
// long the same run takes at the default politeness (1 request/s): its requests start a
// second apart (a benchmark cannot run in a synctest bubble to time it on fake time).
func BenchmarkCrawlGeneratedSite(b *testing.B) {
	n, err := benchq.Models(5000)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"first", "full", "incremental", "incremental-no-lastmod"} {
		b.Run(mode, func(b *testing.B) {
			g := newGenSite(n, mode != "incremental-no-lastmod")
			srv := httptest.NewServer(g)
			defer srv.Close()
			full := mode == "first" || mode == "full"
			crawler := func(st *store.Store) *Crawler {
				c, err := New(Config{Site: srv.URL, Profile: extract.Innokyla(), Store: st, UserAgent: testUserAgent,
					Logger: slog.New(slog.DiscardHandler)})
				if err != nil {
					b.Fatal(err)
				}
				return c
			}
			open := func() *store.Store {
				st, err := store.Open(b.TempDir(), time.Second)
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { st.Close() })
				return st
			}
			crawl := func(c *Crawler) {
				if _, err := c.Refresh(context.Background(), full, nil, nil); err != nil {
					b.Fatal(err)
				}
			}

			// One run counted. At 1 request/s, while answers take under a second, the
			// requests of a run start a second apart, the first at once.
			st := open()
			if mode != "first" {
				crawl(crawler(st))
			}
			g.requests.Store(0)
			g.bodies.Store(0)
			crawl(crawler(st))
			requests, bodies := g.requests.Load(), g.bodies.Load()
			polite := time.Duration(requests-1) * interval(1)

			// The measured runs, rate lifted.
			if mode != "first" {
				st = open()
				crawl(crawler(st))
			}
			c := crawler(st)
			b.ResetTimer()
			for b.Loop() {
				if mode == "first" {
					b.StopTimer()
					c = crawler(open())
					b.StartTimer()
				}
				crawl(c)
			}
			b.ReportMetric(float64(requests), "requests/op")
			b.ReportMetric(float64(bodies), "bodies/op")
			b.ReportMetric(polite.Hours(), "polite-h/op")
		})
	}
}
