package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/store"
)

// fixtureStart is when a fakeTime test starts: after the fixture site's sitemap lastmods, so
// that incremental runs can skip by them.
var fixtureStart = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// fakeTime runs f in a testing/synctest bubble whose clock stands at fixtureStart: the
// crawler's pacing, backoff and timeouts, and the fixture site's clock, all run on fake time,
// so the test waits for nothing. Only the fixture site's in-memory transport (the default of
// newTestCrawler) may be used in it; the network is not part of the bubble.
func fakeTime(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(time.Until(fixtureStart))
		f(t)
	})
}

// handlerTransport serves requests from a handler in the calling goroutine, without the
// network, so that a synctest bubble holds the whole exchange and its fake time.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// fixturePage is one resource of the fixture site. Bodies may say {{site}} for the site's URL.
type fixturePage struct {
	status         int    // 0 is 200
	contentType    string // "" is text/html; charset=utf-8
	body           string
	header         http.Header // extra response headers
	noETag         bool
	weakETag       bool
	noLastModified bool
	gzip           bool          // served gzip-compressed (as sitemap.xml.gz is)
	first          []fixtureStep // answers given before the page itself, one per request
	redirect       string        // answer 301 to this location ({{site}} allowed)
	stall          bool          // never send the headers
	dribble        bool          // send headers, then the body a byte at a time for ever
	size           int           // send this many bytes of body instead of body
}

type fixtureStep struct {
	status     int
	retryAfter string
}

// crawlHit is one request the fixture site saw.
type crawlHit struct {
	uri, userAgent, ifNoneMatch, ifModifiedSince string
	status                                       int
	at                                           time.Time     // when it arrived
	took                                         time.Duration // until the answer ended
}

// fixtureSite is a small Innokylä look-alike that records every request. Crawlers reach it
// in memory (handlerTransport); a test of the network calls serve first.
type fixtureSite struct {
	t    *testing.T
	srv  *httptest.Server // not started until serve
	base string           // the site's URL

	mu          sync.Mutex
	pages       map[string]*fixturePage       // by request URI
	lastmod     map[string]string             // sitemap lastmod by path, moved on by set as a CMS would
	dynamic     func(uri string) *fixturePage // for URIs not in pages
	failAll     int                           // when set, every request gets this status
	hits        []crawlHit
	inflight    int
	maxInflight int
	hold        func(uri string) // called while a request is in flight
	logs        strings.Builder  // the crawler's log, guarded by mu
}

// log returns what the crawler has logged so far.
func (s *fixtureSite) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

const fixtureLastModified = "Mon, 03 Mar 2025 08:00:00 GMT"

// Model pages of the fixture site.
const (
	pathA        = "/fi/toimintamalli/kotikuntoutus-pohjois-savo"
	pathB        = "/fi/toimintamalli/nuorten-paihdetyo"
	pathC        = "/fi/toimintamalli/perhekeskus-verkosto"
	pathD        = "/fi/toimintamalli/ikaihmisten-digituki"
	pathSecret   = "/fi/toimintamalli/salainen-kokeilu" // disallowed in robots.txt
	pathEmpty    = "/fi/toimintamalli/tyhja-sivu"       // no labels
	pathDevPath  = pathA + "/kehittamisen-polku"
	pathNews     = "/fi/ajankohtaista/uusia-toimintamalleja"
	pathProgram  = "/fi/kokonaisuus/tulevaisuuden-sote-keskus"
	pathListing  = "/fi/toimintamallit"
	pathListing2 = "/fi/toimintamallit?page=1"
	childSitemap = "/sitemaps/toimintamallit-1.xml.gz"
)

type fixtureModel struct {
	title, summary, region, funder, phase, topic, target, idea string
	head                                                       string // extra markup in <head>
}

var (
	modelA = fixtureModel{"Kotikuntoutus Pohjois-Savossa", "Kotikuntoutus tuo fysioterapeutin kotiin heti sairaalajakson jälkeen.",
		"Pohjois-Savo", "Sosiaali- ja terveysministeriö (STM)", "Valmis", "Kuntoutus", "Ikääntyneet",
		"Kuntoutus alkaa kotona ensimmäisenä päivänä.", ""}
	modelB = fixtureModel{"Nuorten päihdetyön verkosto", "Verkosto kokoaa nuorten päihdetyön ammattilaiset kerran kuussa.",
		"Pirkanmaa", "Sosiaali- ja terveysministeriö (STM)", "Kehitteillä", "Päihteet ja riippuvuudet", "Nuoret",
		"Ammattilaiset jakavat tietoa ja sopivat yhteisistä käytännöistä.", ""}
	modelC = fixtureModel{"Perhekeskuksen verkostotyö", "Perhekeskus kokoaa lapsiperheiden palvelut yhteen paikkaan.",
		"Kainuu", "Euroopan sosiaalirahasto (ESR)", "Valmis", "Perhekeskukset", "Perheet",
		"Perheen ei tarvitse etsiä oikeaa palvelua itse.", ""}
	modelD = fixtureModel{"Ikäihmisten digituki", "Vapaaehtoiset opastavat ikäihmisiä sähköisten palvelujen käytössä.",
		"Varsinais-Suomi", "Sosiaali- ja terveysministeriö (STM)", "Levittämiseen valmis", "Digitaaliset palvelut", "Ikääntyneet",
		"Digituki annetaan kirjastossa ja kotona.", ""}
	modelSecret = fixtureModel{"Salainen kokeilu", "Tätä sivua ei saa hakea.", "Lappi", "Lapin liitto", "Kehitteillä",
		"Osallisuus", "Aikuiset", "Ei julkinen.", ""}
)

func drupalItem(label, value string) string {
	return fmt.Sprintf(`<div class="field"><div class="field__label">%s</div><div class="field__item">%s</div></div>`+"\n", label, value)
}

func modelHTML(m fixtureModel) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"fi\"><head><meta charset=\"utf-8\"><title>%s | Innokylä</title>%s</head>\n", m.title, m.head)
	fmt.Fprintf(&b, "<body><nav><a href=\"/fi/toimintamallit\">Toimintamallit</a></nav><main><article>\n<h1>%s</h1>\n", m.title)
	b.WriteString(drupalItem("Toimintamallin nimi", m.title))
	b.WriteString(drupalItem("Toimintamallin lyhyt kuvaus", m.summary))
	b.WriteString(drupalItem("Paikkakunta tai maakunta", m.region))
	b.WriteString(drupalItem("Toimintamallin rahoittaja", m.funder))
	b.WriteString(drupalItem("Luotu", "12.04.2023"))
	b.WriteString(drupalItem("Viimeksi muokattu", "3.2.2025"))
	fmt.Fprintf(&b, "<h2>Ratkaisun perusidea</h2>\n<p>%s</p>\n", m.idea)
	b.WriteString(drupalItem("Kehittämisen vaihe", m.phase))
	b.WriteString(drupalItem("Aihealueet", m.topic))
	b.WriteString(drupalItem("Kohderyhmä", m.target))
	b.WriteString("</article></main></body></html>\n")
	return b.String()
}

func gzipString(s string) string {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write([]byte(s)) // writes to a bytes.Buffer do not fail
	zw.Close()
	return buf.String()
}

// newFixtureSite starts the fixture site: robots.txt with a Sitemap line and a Disallow, a
// sitemap index with a gzip child, a paginated listing, four models, and pages that are not
// models.
func newFixtureSite(t *testing.T) *fixtureSite {
	s := &fixtureSite{t: t, pages: map[string]*fixturePage{}, lastmod: map[string]string{}}
	s.srv = httptest.NewUnstartedServer(s)
	s.base = "http://" + s.srv.Listener.Addr().String()
	t.Cleanup(s.srv.Close)

	s.set("/robots.txt", &fixturePage{contentType: "text/plain", body: `# Innokylä
User-agent: *
Disallow: /fi/toimintamalli/salainen-kokeilu
Disallow: /admin/

User-agent: hakurobotti
Disallow: /

Sitemap: {{site}}/sitemap.xml
`})
	s.set("/sitemap.xml", &fixturePage{contentType: "application/xml", body: `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{{site}}` + childSitemap + `</loc><lastmod>2025-03-01</lastmod></sitemap>
  <sitemap><loc>https://example.org/sitemap.xml</loc></sitemap>
</sitemapindex>`})
	s.set(childSitemap, &fixturePage{contentType: "application/gzip", gzip: true, body: `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{{site}}` + pathA + `</loc><lastmod>{{lastmod ` + pathA + `}}</lastmod></url>
  <url><loc>{{site}}` + pathB + `/</loc><lastmod>{{lastmod ` + pathB + `}}</lastmod></url>
  <url><loc>{{site}}` + pathSecret + `</loc></url>
  <url><loc>{{site}}` + pathNews + `</loc></url>
  <url><loc>{{site}}` + pathProgram + `</loc><lastmod>huomenna</lastmod></url>
  <url><loc>https://example.org/fi/toimintamalli/vieras</loc></url>
</urlset>`})
	s.set(pathListing, &fixturePage{body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Toimintamallit | Innokylä</title></head><body>
<ul>
  <li><a href="` + pathA + `">Kotikuntoutus Pohjois-Savossa</a> (<a href="` + pathDevPath + `">kehittämisen polku</a>)</li>
  <li><a href="https://www.innokyla.fi` + pathC + `?utm_source=listaus#perustiedot">Perhekeskuksen verkostotyö</a></li>
</ul>
<a href="` + pathNews + `">Ajankohtaista</a> <a href="` + pathProgram + `">Kokonaisuus</a>
<nav class="pager"><a href="?page=1">Seuraava sivu</a> <a href="/fi/toimintamallit?page=1&amp;sort=title">A–Ö</a></nav>
</body></html>`})
	s.set(pathListing2, &fixturePage{body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Toimintamallit | Innokylä</title></head><body>
<ul>
  <li><a href="` + pathD + `/">Ikäihmisten digituki</a></li>
  <li><a href="` + pathEmpty + `">Keskeneräinen sivu</a></li>
</ul>
<nav class="pager"><a href="/fi/toimintamallit">Ensimmäinen sivu</a></nav>
</body></html>`})
	s.set(pathA, &fixturePage{body: modelHTML(modelA)})
	s.set(pathB, &fixturePage{body: modelHTML(modelB)})
	s.set(pathC, &fixturePage{body: modelHTML(modelC)})
	s.set(pathD, &fixturePage{body: modelHTML(modelD), noETag: true}) // Last-Modified only
	s.set(pathSecret, &fixturePage{body: modelHTML(modelSecret)})
	s.set(pathEmpty, &fixturePage{body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Luonnos</title></head>
<body><h1>Keskeneräinen sivu</h1><p>Tämän toimintamallin kuvaus julkaistaan myöhemmin.</p></body></html>`})
	s.set(pathDevPath, &fixturePage{body: `<html><body><h1>Kehittämisen polku</h1>` + drupalItem("Toimintamallin nimi", modelA.title) + `</body></html>`})
	s.set(pathNews, &fixturePage{body: `<html><body><h1>Uusia toimintamalleja</h1><p>Uutinen.</p></body></html>`})
	s.set(pathProgram, &fixturePage{body: `<html><body><h1>Tulevaisuuden sote-keskus</h1></body></html>`})
	s.lastmod[pathA] = "2025-02-03"
	s.lastmod[pathB] = "2025-02-10T08:00:00+02:00"
	return s
}

func (s *fixtureSite) url(path string) string { return s.base + path }

// serve starts the site on its loopback address, for tests of the network (real time only).
func (s *fixtureSite) serve() { s.srv.Start() }

// client reaches the site in memory.
func (s *fixtureSite) client() *http.Client { return &http.Client{Transport: handlerTransport{s}} }

func (s *fixtureSite) set(uri string, p *fixturePage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[uri] = p
	if _, ok := s.lastmod[uri]; ok {
		s.lastmod[uri] = time.Now().Format(time.RFC3339)
	}
}

func (s *fixtureSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inflight++
	s.maxInflight = max(s.maxInflight, s.inflight)
	p := s.pages[r.URL.RequestURI()]
	if p == nil && s.dynamic != nil {
		p = s.dynamic(r.URL.RequestURI())
	}
	if s.failAll != 0 {
		p = &fixturePage{status: s.failAll, body: "Palvelu ei ole käytettävissä"}
	}
	arrived := time.Now()
	var step *fixtureStep
	if p != nil && len(p.first) > 0 {
		step, p.first = &p.first[0], p.first[1:]
	}
	hold := s.hold
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
	}()
	// The hit is logged as it arrives, so that a request the crawler gave up on counts at once.
	s.mu.Lock()
	i := len(s.hits)
	s.hits = append(s.hits, crawlHit{
		uri:             r.URL.RequestURI(),
		userAgent:       r.Header.Get("User-Agent"),
		ifNoneMatch:     r.Header.Get("If-None-Match"),
		ifModifiedSince: r.Header.Get("If-Modified-Since"),
		at:              arrived,
	})
	s.mu.Unlock()
	if hold != nil {
		hold(r.URL.RequestURI())
	}
	status := s.answer(w, r, p, step)
	s.mu.Lock()
	if i < len(s.hits) && s.hits[i].uri == r.URL.RequestURI() { // not taken meanwhile
		s.hits[i].status, s.hits[i].took = status, time.Since(arrived)
	}
	s.mu.Unlock()
}

func (s *fixtureSite) answer(w http.ResponseWriter, r *http.Request, p *fixturePage, step *fixtureStep) int {
	switch {
	case p == nil:
		http.NotFound(w, r)
		return http.StatusNotFound
	case step != nil:
		if step.retryAfter != "" {
			w.Header().Set("Retry-After", step.retryAfter)
		}
		w.WriteHeader(step.status)
		return step.status
	}
	if p.redirect != "" {
		w.Header().Set("Location", strings.ReplaceAll(p.redirect, "{{site}}", s.base))
		w.WriteHeader(http.StatusMovedPermanently)
		return http.StatusMovedPermanently
	}
	if p.stall {
		<-r.Context().Done()
		return 0
	}
	if p.dribble || p.size > 0 {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		if p.size > 0 {
			chunk := bytes.Repeat([]byte("<p>Innokylä</p>\n"), 4096)
			for n := 0; n < p.size; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					break
				}
			}
			return http.StatusOK
		}
		tick := time.NewTicker(20 * time.Millisecond) // the server misbehaves in real time
		defer tick.Stop()
		for {
			if _, err := w.Write([]byte("<")); err != nil {
				return http.StatusOK
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return http.StatusOK
			case <-tick.C:
			}
		}
	}
	body := strings.ReplaceAll(p.body, "{{site}}", s.base)
	s.mu.Lock()
	for path, lm := range s.lastmod {
		body = strings.ReplaceAll(body, "{{lastmod "+path+"}}", lm)
	}
	s.mu.Unlock()
	if p.gzip {
		body = gzipString(body)
	}
	for k, v := range p.header {
		w.Header()[k] = v
	}
	ct := p.contentType
	if ct == "" {
		ct = "text/html; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	status := p.status
	if status == 0 {
		status = http.StatusOK
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))[:18] + `"`
		if p.weakETag {
			etag = "W/" + etag
		}
		if !p.noETag {
			w.Header().Set("ETag", etag)
		}
		if !p.noLastModified {
			w.Header().Set("Last-Modified", fixtureLastModified)
		}
		inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		if (inm != "" && !p.noETag && inm == etag) || (inm == "" && ims != "" && !p.noLastModified && ims == fixtureLastModified) {
			w.WriteHeader(http.StatusNotModified)
			return http.StatusNotModified
		}
	}
	w.WriteHeader(status)
	w.Write([]byte(body))
	return status
}

// takeHits returns the requests seen so far and forgets them.
func (s *fixtureSite) takeHits() []crawlHit {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hits
	s.hits = nil
	return h
}

func hitsFor(hits []crawlHit, uri string) []crawlHit {
	var out []crawlHit
	for _, h := range hits {
		if h.uri == uri {
			out = append(out, h)
		}
	}
	return out
}

const testUserAgent = "mallihaku/0.1-test (+https://github.com/mallihaku/mallihaku)"

// newTestCrawler makes a crawler of the fixture site, reached in memory, with a fresh store;
// adjust changes its config.
func newTestCrawler(t *testing.T, s *fixtureSite, adjust func(*Config)) (*Crawler, *store.Store) {
	t.Helper()
	st, err := store.Open(t.TempDir(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := Config{
		Site:      s.base,
		Profile:   extract.Innokyla(),
		Store:     st,
		UserAgent: testUserAgent,
		Client:    s.client(),
		Logger:    slog.New(slog.NewTextHandler(testWriter{t, s}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if adjust != nil {
		adjust(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, st
}

// testWriter sends the crawler's log to the test's log and keeps it for assertions.
type testWriter struct {
	t *testing.T
	s *fixtureSite
}

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	w.s.mu.Lock()
	w.s.logs.Write(p)
	w.s.mu.Unlock()
	return len(p), nil
}

// sink collects what a crawl reports.
type sink struct {
	mu      sync.Mutex
	put     []practice.Model
	removed []string
}

func (k *sink) Put(m practice.Model) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.put = append(k.put, m)
	return nil
}

func (k *sink) Remove(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.removed = append(k.removed, id)
	return nil
}

func (k *sink) urls() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var us []string
	for _, m := range k.put {
		us = append(us, m.URL)
	}
	slices.Sort(us)
	return us
}

func refresh(t *testing.T, c *Crawler, full bool) (*sink, reindex.Counts) {
	t.Helper()
	k := &sink{}
	counts, err := c.Refresh(context.Background(), full, k.Put, k.Remove)
	if err != nil {
		t.Fatalf("Refresh: %v (counts %v)", err, counts)
	}
	return k, counts
}

func cachedModels(t *testing.T, c *Crawler) []practice.Model {
	t.Helper()
	var ms []practice.Model
	if err := c.Models(context.Background(), func(m practice.Model) error {
		ms = append(ms, m)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ms
}

func sortedURLs(s *fixtureSite, paths ...string) []string {
	var us []string
	for _, p := range paths {
		us = append(us, s.url(p))
	}
	slices.Sort(us)
	return us
}

func wantCounts(t *testing.T, counts reindex.Counts, want map[string]int) {
	t.Helper()
	for k, v := range want {
		if counts[reindex.Count(k)] != v {
			t.Errorf("counts[%q] = %d, want %d (all: %v)", k, counts[reindex.Count(k)], v, counts)
		}
	}
}

func TestFirstCrawlFindsExactlyTheModels(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		k, counts := refresh(t, c, false)

		if got, want := k.urls(), sortedURLs(s, pathA, pathB, pathC, pathD); !slices.Equal(got, want) {
			t.Errorf("models indexed:\n got %q\nwant %q", got, want)
		}
		titles := map[string]string{}
		for _, m := range k.put {
			titles[m.URL] = m.Title
			if m.FetchedAt.IsZero() {
				t.Errorf("%s: no fetched_at", m.URL)
			}
		}
		if got := titles[s.url(pathC)]; got != modelC.title {
			t.Errorf("model found through a www.innokyla.fi link has title %q, want %q", got, modelC.title)
		}
		wantCounts(t, counts, map[string]int{
			"discovered": 6, // A, B, C, D, the disallowed one and the page without labels
			"fetched":    5,
			"added":      4,
			"skipped":    2, "skipped_disallowed": 1, "skipped_not_model": 1,
			"failed": 0, "deleted": 0,
		})
		if len(k.removed) != 0 {
			t.Errorf("removed %q on a first crawl", k.removed)
		}
		if want := "url=" + s.url(pathEmpty) + ` reason="extract`; !strings.Contains(s.log(), want) {
			t.Errorf("the page without labels was not logged with its reason (%q)", want)
		}

		hits := s.takeHits()
		for _, never := range []string{pathSecret, pathNews, pathEmpty + "/kehittamisen-polku"} {
			if n := len(hitsFor(hits, never)); n != 0 {
				t.Errorf("%s requested %d times, want never", never, n)
			}
		}
		// Each model's development path is asked for once, the programme page in the sitemap too.
		for _, once := range []string{"/robots.txt", "/sitemap.xml", childSitemap, pathListing, pathListing2, pathA, pathB, pathC, pathD, pathEmpty,
			pathProgram, pathDevPath, pathB + "/kehittamisen-polku", pathC + "/kehittamisen-polku", pathD + "/kehittamisen-polku"} {
			if n := len(hitsFor(hits, once)); n != 1 {
				t.Errorf("%s requested %d times, want once", once, n)
			}
		}
		if len(hits) != 15 {
			var uris []string
			for _, h := range hits {
				uris = append(uris, h.uri)
			}
			t.Errorf("%d requests, want 15: %q", len(hits), uris)
		}
		for _, h := range hits {
			if h.userAgent != testUserAgent {
				t.Errorf("%s: User-Agent %q, want %q", h.uri, h.userAgent, testUserAgent)
			}
		}

		cached := cachedModels(t, c)
		var urls []string
		for _, m := range cached {
			urls = append(urls, m.URL)
		}
		if want := sortedURLs(s, pathA, pathB, pathC, pathD); !slices.Equal(urls, want) {
			t.Errorf("Models() from the page cache gave %q, want %q in URL order", urls, want)
		}
		if hits := s.takeHits(); len(hits) != 0 {
			t.Errorf("Models() made %d requests, want none", len(hits))
		}
	})
}

// TestIncrementalCrawlDownloadsNothingUnchanged is issue 3's "second crawl of an unchanged
// site" and RELIABILITY test 12 (conditional GET).
func TestIncrementalCrawlDownloadsNothingUnchanged(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		s.set(pathC, &fixturePage{body: modelHTML(modelC), weakETag: true})
		c, _ := newTestCrawler(t, s, nil)
		refresh(t, c, false)
		s.takeHits()
		time.Sleep(time.Hour)

		k, counts := refresh(t, c, false)
		if len(k.put) != 0 || len(k.removed) != 0 {
			t.Errorf("unchanged site: put %q, removed %q; want nothing", k.urls(), k.removed)
		}
		// A and B are in the sitemap with a lastmod older than their fetch: not asked at all.
		wantCounts(t, counts, map[string]int{"discovered": 6, "not_modified": 3, "skipped_lastmod": 2, "fetched": 0,
			"added": 0, "updated": 0, "deleted": 0, "failed": 0})
		hits := s.takeHits()
		for _, h := range hits {
			if h.status != http.StatusNotModified {
				t.Errorf("%s answered %d: want only 304s, no body downloaded again", h.uri, h.status)
			}
			switch {
			case h.uri == pathD: // the site sends no ETag for it
				if h.ifModifiedSince != fixtureLastModified || h.ifNoneMatch != "" {
					t.Errorf("%s: If-Modified-Since %q, If-None-Match %q; want only If-Modified-Since", h.uri, h.ifModifiedSince, h.ifNoneMatch)
				}
			case h.uri == pathC:
				if !strings.HasPrefix(h.ifNoneMatch, `W/"`) {
					t.Errorf("%s: If-None-Match %q, want the weak ETag as it was given", h.uri, h.ifNoneMatch)
				}
			case h.ifNoneMatch == "":
				t.Errorf("%s: no If-None-Match", h.uri)
			}
		}
		for _, never := range []string{"/robots.txt", pathA, pathB} {
			if n := len(hitsFor(hits, never)); n != 0 {
				t.Errorf("%s requested %d times in the second run, want 0", never, n)
			}
		}
		// Sitemap index and child, two listing pages, the programme page, C, D, the page without
		// labels. C's and D's development paths were not there: not asked again until a full run.
		if len(hits) != 8 {
			t.Errorf("%d requests in the second run, want 8", len(hits))
		}
		if n := len(cachedModels(t, c)); n != 4 {
			t.Errorf("after a 304 crawl the cache has %d models, want 4", n)
		}
	})
}

func TestFullCrawlFetchesEverythingAndPassesEveryModel(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		refresh(t, c, false)
		s.takeHits()

		k, counts := refresh(t, c, true)
		if got, want := k.urls(), sortedURLs(s, pathA, pathB, pathC, pathD); !slices.Equal(got, want) {
			t.Errorf("full crawl put %q, want %q", got, want)
		}
		wantCounts(t, counts, map[string]int{"fetched": 5, "not_modified": 0, "unchanged": 4, "added": 0})
		for _, h := range s.takeHits() {
			if h.ifNoneMatch != "" || h.ifModifiedSince != "" {
				t.Errorf("full crawl sent a conditional GET for %s", h.uri)
			}
		}
	})
}

func TestChangedModelIsUpdated(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		refresh(t, c, false)

		changed := modelB
		changed.summary = "Verkosto kokoontuu nyt kahdesti kuussa."
		s.set(pathB, &fixturePage{body: modelHTML(changed)})
		k, counts := refresh(t, c, false)
		if len(k.put) != 1 || k.put[0].URL != s.url(pathB) || k.put[0].Summary != changed.summary {
			t.Fatalf("put %q, want only the changed model with its new summary", k.urls())
		}
		wantCounts(t, counts, map[string]int{"updated": 1, "added": 0, "not_modified": 3, "skipped_lastmod": 1, "fetched": 1})
	})
}

func TestGonePageIsRemoved(t *testing.T) {
	for _, status := range []int{http.StatusGone, http.StatusNotFound} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			fakeTime(t, func(t *testing.T) {
				s := newFixtureSite(t)
				c, st := newTestCrawler(t, s, nil)
				first, _ := refresh(t, c, false)
				var idC string
				for _, m := range first.put {
					if m.URL == s.url(pathC) {
						idC = m.ID
					}
				}

				// C disappears from the listing too: the crawler still checks the pages it knows.
				s.set(pathListing, &fixturePage{body: `<html><body><a href="` + pathA + `">A</a> <a href="?page=1">2</a></body></html>`})
				s.set(pathC, &fixturePage{status: status, body: "Sivua ei löydy"})
				k, counts := refresh(t, c, false)
				if !slices.Equal(k.removed, []string{idC}) {
					t.Errorf("removed %q, want [%q]", k.removed, idC)
				}
				wantCounts(t, counts, map[string]int{"deleted": 1, "failed": 0})
				if _, ok, _ := st.Page(s.url(pathC)); ok {
					t.Error("the gone page is still in the store")
				}
				for _, m := range cachedModels(t, c) {
					if m.URL == s.url(pathC) {
						t.Error("Models() still gives the gone model")
					}
				}
			})
		})
	}
}

func TestUnlinkedModelIsKept(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, st := newTestCrawler(t, s, nil)
		refresh(t, c, false)
		s.set(pathListing, &fixturePage{body: `<html><body><a href="` + pathA + `">A</a> <a href="?page=1">2</a></body></html>`})
		k, _ := refresh(t, c, false)
		if len(k.removed) != 0 {
			t.Errorf("removed %q; a model no longer linked but still there must stay", k.removed)
		}
		p, _, _ := st.Page(s.url(pathC))
		if p.ModelID == "" || p.MissedRuns != 1 {
			t.Errorf("state of C: %+v; want its model kept and one missed discovery", p)
		}
		if n := len(hitsFor(s.takeHits(), pathC)); n != 2 {
			t.Errorf("C requested %d times in two runs, want 2", n)
		}
	})
}

func TestPageThatStopsBeingAModelKeepsTheOldVersion(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		refresh(t, c, false)

		s.set(pathA, &fixturePage{body: `<html><body><h1>Huoltokatko</h1><p>Sivu on hetken poissa käytöstä.</p></body></html>`})
		k, counts := refresh(t, c, false)
		if len(k.put) != 0 || len(k.removed) != 0 {
			t.Errorf("put %q, removed %q; want the old version kept untouched", k.urls(), k.removed)
		}
		wantCounts(t, counts, map[string]int{"skipped_not_model": 1, "deleted": 0})
		for _, m := range cachedModels(t, c) {
			if m.URL == s.url(pathA) && m.Title != modelA.title {
				t.Errorf("cached model A has title %q, want the old %q", m.Title, modelA.title)
			}
		}
		if n := len(cachedModels(t, c)); n != 4 {
			t.Errorf("cache has %d models, want 4", n)
		}
	})
}

func TestServerErrorKeepsTheOldVersion(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		refresh(t, c, false)

		s.set(pathB, &fixturePage{status: http.StatusInternalServerError, body: "Virhe"})
		k, counts := refresh(t, c, false)
		wantCounts(t, counts, map[string]int{"failed": 1, "failed_http_500": 1, "deleted": 0})
		if len(k.removed) != 0 {
			t.Errorf("removed %q after a 500", k.removed)
		}
		if n := len(cachedModels(t, c)); n != 4 {
			t.Errorf("cache has %d models, want 4", n)
		}
	})
}

func TestPagesThatAreNotIndexed(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		noindexMeta := modelA
		noindexMeta.head = `<meta name="robots" content="noindex, follow">`
		s.set(pathA, &fixturePage{body: modelHTML(noindexMeta)})
		s.set(pathB, &fixturePage{body: modelHTML(modelB), header: http.Header{"X-Robots-Tag": {"mallihaku: noindex"}}})
		s.set(pathC, &fixturePage{body: ""})
		s.set(pathD, &fixturePage{contentType: "application/pdf", body: "%PDF-1.7"})
		c, _ := newTestCrawler(t, s, nil)
		k, counts := refresh(t, c, false)
		if len(k.put) != 0 {
			t.Errorf("indexed %q, want nothing", k.urls())
		}
		wantCounts(t, counts, map[string]int{"skipped_noindex": 2, "skipped_empty": 1, "skipped_not_html": 1, "failed": 0})
		log := s.log()
		for _, want := range []string{
			`url=` + s.url(pathC) + ` reason="empty body"`,
			`url=` + s.url(pathA) + ` reason=noindex`,
			`url=` + s.url(pathD) + ` reason="not HTML: application/pdf"`,
		} {
			if !strings.Contains(log, want) {
				t.Errorf("log has no %q", want)
			}
		}
	})
}

func TestUnknownRegionIsLoggedAndIndexed(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		m := modelB
		m.region = "Muumilaakso"
		s.set(pathB, &fixturePage{body: modelHTML(m)})
		c, _ := newTestCrawler(t, s, nil)
		k, _ := refresh(t, c, false)
		if !slices.Contains(k.urls(), s.url(pathB)) {
			t.Error("the model with an unknown region was not indexed")
		}
		if !strings.Contains(s.log(), "unknown region") || !strings.Contains(s.log(), "Muumilaakso") {
			t.Error("the unknown region was not logged")
		}
	})
}

func TestNoindexRemovesAnIndexedModel(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		first, _ := refresh(t, c, false)
		hidden := modelB
		hidden.head = `<meta name="robots" content="noindex">`
		s.set(pathB, &fixturePage{body: modelHTML(hidden)})
		k, _ := refresh(t, c, false)
		var idB string
		for _, m := range first.put {
			if m.URL == s.url(pathB) {
				idB = m.ID
			}
		}
		if !slices.Equal(k.removed, []string{idB}) {
			t.Errorf("removed %q, want [%q]", k.removed, idB)
		}
		if n := len(cachedModels(t, c)); n != 3 {
			t.Errorf("cache has %d models, want 3", n)
		}
	})
}

func TestCanonicalLinkIsTheIdentity(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		const oldPath, newPath = "/fi/toimintamalli/digituki-vanha", "/fi/toimintamalli/digituki-uusi"
		m := modelD
		m.head = `<link rel="canonical" href="https://innokyla.fi` + newPath + `">`
		s.set(oldPath, &fixturePage{body: modelHTML(m)})
		s.set(newPath, &fixturePage{body: modelHTML(m)})
		s.set(pathListing2, &fixturePage{body: `<html><body><a href="` + oldPath + `">vanha</a> <a href="` + newPath + `">uusi</a></body></html>`})
		c, _ := newTestCrawler(t, s, nil)
		k, _ := refresh(t, c, false)
		n := 0
		for _, m := range k.put {
			if strings.Contains(m.URL, "digituki") {
				n++
				if m.URL != s.url(newPath) {
					t.Errorf("indexed as %s, want the canonical %s", m.URL, s.url(newPath))
				}
			}
		}
		if n != 1 {
			t.Errorf("the model was indexed %d times, want once", n)
		}
		if h := hitsFor(s.takeHits(), newPath); len(h) > 1 {
			t.Errorf("canonical URL fetched %d times in one run", len(h))
		}
	})
}

func TestBodyOverMaxBodyFails(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		big := modelB
		big.idea = strings.Repeat("Pitkä kuvaus. ", 3000)
		s.set(pathB, &fixturePage{body: modelHTML(big)})
		c, _ := newTestCrawler(t, s, func(cfg *Config) { cfg.MaxBody = 32 << 10 })
		k, counts := refresh(t, c, false)
		wantCounts(t, counts, map[string]int{"failed_too_large": 1, "added": 3})
		if slices.Contains(k.urls(), s.url(pathB)) {
			t.Error("the oversized page was indexed")
		}
	})
}

func TestPageBudgetEndsTheRun(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, func(cfg *Config) { cfg.MaxPages = 6 })
		counts, err := c.Refresh(context.Background(), false, nil, nil)
		if !errors.Is(err, ErrBudget) {
			t.Errorf("Refresh error = %v, want ErrBudget", err)
		}
		hits := s.takeHits()
		if len(hits) > 7 { // robots.txt is not counted
			t.Errorf("%d requests with a budget of 6", len(hits))
		}
		if counts["fetched"] == 0 {
			t.Error("no model fetched within the budget")
		}
	})
}

func TestCancelStopsTheRun(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, func(cfg *Config) { cfg.Concurrency = 1 })
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		puts := 0
		_, err := c.Refresh(ctx, false, func(practice.Model) error {
			puts++
			cancel()
			return nil
		}, nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Refresh error = %v, want context.Canceled", err)
		}
		if puts != 1 {
			t.Errorf("put called %d times after cancel, want 1", puts)
		}
		// The crawler is free for the next run.
		if _, err := c.Refresh(context.Background(), false, nil, nil); err != nil {
			t.Errorf("next Refresh: %v", err)
		}
	})
}

func TestPutErrorEndsTheRun(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		boom := errors.New("index full")
		_, err := c.Refresh(context.Background(), false, func(practice.Model) error { return boom }, nil)
		if !errors.Is(err, boom) {
			t.Errorf("Refresh error = %v, want the put error", err)
		}
		// Nothing was recorded as indexed, so the next run offers the models again.
		k, _ := refresh(t, c, false)
		if len(k.put) != 4 {
			t.Errorf("next run put %d models, want 4", len(k.put))
		}
	})
}

func TestProgressIsReported(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		var last Progress
		calls := 0
		c, _ := newTestCrawler(t, s, func(cfg *Config) {
			cfg.Progress = func(p Progress) { calls++; last = p }
		})
		refresh(t, c, false)
		if calls != 6 || last.Done != 6 || last.Total != 6 || last.Counts[reindex.Fetched] != 5 || last.Counts[reindex.PagesSkipped] != 2 {
			t.Errorf("%d progress calls, last %+v", calls, last)
		}
	})
}

// warnLines returns the crawler's WARN log lines but the fixture's own off-site sitemap's.
func warnLines(s *fixtureSite) []string {
	var out []string
	for _, l := range strings.Split(s.log(), "\n") {
		if strings.Contains(l, "level=WARN") && !strings.Contains(l, "sitemap off site ignored") {
			out = append(out, l)
		}
	}
	return out
}

// TestLayoutChangeEndsTheRunDegraded: when the model pages of the site come back without their
// dates (a new layout the labels no longer match), the run ends degraded with one WARN line,
// passes no model on and keeps every page's old version. (D answers 304: it is not read.)
func TestLayoutChangeEndsTheRunDegraded(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		refresh(t, c, false)

		for _, p := range []struct {
			path string
			m    fixtureModel
		}{{pathA, modelA}, {pathB, modelB}, {pathC, modelC}} {
			page := strings.NewReplacer("12.04.2023", "pian", "3.2.2025", "äskettäin").Replace(modelHTML(p.m))
			s.set(p.path, &fixturePage{body: page})
		}
		before := len(warnLines(s))
		k := &sink{}
		counts, err := c.Refresh(context.Background(), false, k.Put, k.Remove)
		var degraded *DegradedError
		if !errors.As(err, &degraded) || !degraded.Degraded() {
			t.Fatalf("Refresh: %v, want a degraded run", err)
		}
		if degraded.Checked != 3 || degraded.LostFields != 3 || degraded.NotModels != 0 || degraded.ExampleURL != s.url(pathA) {
			t.Errorf("degraded %+v, want 3 of 3 pages without fields, A the example", degraded)
		}
		wantCounts(t, counts, map[string]int{"fields_missing": 3, "not_model_now": 0, "added": 0, "updated": 0, "deleted": 0})
		if len(k.put) != 0 || len(k.removed) != 0 {
			t.Errorf("put %q, removed %q; want nothing passed on", k.urls(), k.removed)
		}
		if warns := warnLines(s)[before:]; len(warns) != 1 || !strings.Contains(warns[0], "fields_missing=3") ||
			!strings.Contains(warns[0], "example_url=") || !strings.Contains(warns[0], "created") {
			t.Errorf("WARN lines of the run: %q, want one with the counts and an example", warns)
		}
		ms := cachedModels(t, c)
		if len(ms) != 4 {
			t.Fatalf("cache has %d models, want 4", len(ms))
		}
		for _, m := range ms {
			if m.Created.IsZero() || m.Modified.IsZero() {
				t.Errorf("cached model %s lost its dates", m.URL)
			}
		}

		// The site's layout is unreadable as models altogether: a full run is degraded, nothing
		// is removed.
		for _, p := range []string{pathA, pathB, pathC, pathD} {
			s.set(p, &fixturePage{body: `<html><body><h1>Uusi sivusto</h1><p>Sisältö siirtyy.</p></body></html>`})
		}
		k = &sink{}
		counts, err = c.Refresh(context.Background(), true, k.Put, k.Remove)
		if !errors.As(err, &degraded) || degraded.NotModels != 4 {
			t.Fatalf("Refresh on pages that are not models: %v, want degraded with 4 pages not models", err)
		}
		wantCounts(t, counts, map[string]int{"not_model_now": 4, "deleted": 0})
		if n := len(cachedModels(t, c)); n != 4 || len(k.removed) != 0 {
			t.Errorf("cache has %d models, removed %q; want 4 and none", n, k.removed)
		}
	})
}

// TestOnePageLosingItsDatesIsTakenAsItIs: one page of four that loses its dates is too few for
// a new layout; its model is passed on without them and the run completes.
func TestOnePageLosingItsDatesIsTakenAsItIs(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		refresh(t, c, false)

		s.set(pathA, &fixturePage{body: strings.ReplaceAll(modelHTML(modelA), "12.04.2023", "pian")})
		k, counts := refresh(t, c, false)
		wantCounts(t, counts, map[string]int{"fields_missing": 1, "updated": 1})
		if len(k.put) != 1 || !k.put[0].Created.IsZero() || k.put[0].Title != modelA.title {
			t.Errorf("put %+v, want model A without its created date", k.put)
		}
		if !strings.Contains(s.log(), "too few for a changed layout") {
			t.Errorf("the page that lost a field was not reported")
		}
	})
}
