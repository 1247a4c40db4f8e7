package crawler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// newTestRun is a run of c with robots.txt allowing everything.
func newTestRun(c *Crawler) *run {
	return &run{c: c, robots: &robotsPolicy{allowAll: true}, counts: map[string]int{}, claimed: map[string]bool{}}
}

func TestSitemapLimits(t *testing.T) {
	s := newFixtureSite(t)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := range maxSitemapURLs + 1 {
		fmt.Fprintf(&b, "<url><loc>{{site}}/fi/toimintamalli/malli-%d</loc></url>\n", i)
	}
	b.WriteString("</urlset>")
	s.set("/iso-sitemap.xml", &fixturePage{contentType: "application/xml", body: b.String()})
	s.set("/sekalainen.xml", &fixturePage{contentType: "application/xml", body: `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{{site}}/fi/toimintamalli/hyva-paiva</loc><lastmod>2024-05-06</lastmod></url>
  <url><loc>{{site}}/fi/toimintamalli/huono-paiva</loc><lastmod>6.5.2024</lastmod></url>
  <url><loc>{{site}}/fi/toimintamalli/kellonaika</loc><lastmod>2024-05-06T10:30+03:00</lastmod></url>
  <url><loc>https://toinen.example/fi/toimintamalli/vieras</loc></url>
  <url><loc>{{site}}/fi/ajankohtaista/uutinen</loc></url>
</urlset>`})
	c, _ := newTestCrawler(t, s, nil)
	r := newTestRun(c)
	ctx := context.Background()

	found := map[string]time.Time{}
	if _, err := r.sitemap(ctx, s.url("/iso-sitemap.xml"), found); err != nil {
		t.Fatal(err)
	}
	if len(found) != maxSitemapURLs {
		t.Errorf("a sitemap of %d URLs gave %d, want the first %d", maxSitemapURLs+1, len(found), maxSitemapURLs)
	}

	found = map[string]time.Time{}
	if _, err := r.sitemap(ctx, s.url("/sekalainen.xml"), found); err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{
		s.url("/fi/toimintamalli/hyva-paiva"):  time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC),
		s.url("/fi/toimintamalli/huono-paiva"): {},
		s.url("/fi/toimintamalli/kellonaika"):  time.Date(2024, 5, 6, 7, 30, 0, 0, time.UTC),
	}
	if len(found) != len(want) {
		t.Errorf("found %v, want %v", found, want)
	}
	for u, lm := range want {
		if got, ok := found[u]; !ok || !got.Equal(lm) {
			t.Errorf("%s: lastmod %v (found %v), want %v", u, got, ok, lm)
		}
	}
}

func TestGzipBombIsRefused(t *testing.T) {
	bomb := gzipString(strings.Repeat("\x00", 60<<20))
	if _, err := gunzipMaybe([]byte(bomb), sitemapMaxBody); !errors.Is(err, ErrTooLarge) {
		t.Errorf("60 MiB decompressed: %v, want ErrTooLarge", err)
	}
	plain := []byte("<urlset/>")
	if got, err := gunzipMaybe(plain, sitemapMaxBody); err != nil || string(got) != string(plain) {
		t.Errorf("uncompressed sitemap: %q, %v", got, err)
	}
}

func TestListingFollowsOnlyItsPagination(t *testing.T) {
	s := newFixtureSite(t)
	for i := range 4 {
		next := ""
		if i < 3 {
			next = fmt.Sprintf(`<a href="?page=%d">seuraava</a>`, i+1)
		}
		uri := "/fi/toimintamallit"
		if i > 0 {
			uri += fmt.Sprintf("?page=%d", i)
		}
		s.set(uri, &fixturePage{body: fmt.Sprintf(`<html><body>
<a href="/fi/toimintamalli/malli-%d">malli</a>
<a href="/fi/toimintamalli/malli-%d/kehittamisen-polku">polku</a>
<a href="/fi/toimintamallit?page=%d&sort=title&amp;utm_source=x">järjestä</a>
<a href="/fi/kokonaisuudet?page=2">kokonaisuudet</a>
%s</body></html>`, i, i, i, next)})
	}
	c, _ := newTestCrawler(t, s, nil)
	r := newTestRun(c)
	found := map[string]time.Time{}
	if !r.listing(context.Background(), "/fi/toimintamallit", found) {
		t.Error("listing reported incomplete")
	}
	var got []string
	for u := range found {
		got = append(got, strings.TrimPrefix(u, s.srv.URL))
	}
	slices.Sort(got)
	want := []string{"/fi/toimintamalli/malli-0", "/fi/toimintamalli/malli-1", "/fi/toimintamalli/malli-2", "/fi/toimintamalli/malli-3"}
	if !slices.Equal(got, want) {
		t.Errorf("found %q, want %q", got, want)
	}
	var uris []string
	for _, h := range s.takeHits() {
		uris = append(uris, h.uri)
	}
	if want := []string{"/fi/toimintamallit", "/fi/toimintamallit?page=1", "/fi/toimintamallit?page=2", "/fi/toimintamallit?page=3"}; !slices.Equal(uris, want) {
		t.Errorf("requests %q, want %q", uris, want)
	}
}

func TestScanHTML(t *testing.T) {
	m := scanHTML([]byte(`<html><head>
<base href="/fi/">
<link rel="Alternate canonical" href="/fi/toimintamalli/oikea">
<link rel="canonical" href="/fi/toimintamalli/toinen">
<meta name="ROBOTS" content="noindex">
<meta name="googlebot" content="nofollow">
</head><body><a href="a">A</a><a>ei linkki</a><A HREF="b">B</A><script>var s = '<a href="c">';</script></body></html>`))
	if m.base != "/fi/" || m.canonical != "/fi/toimintamalli/oikea" || !m.noindex || m.nofollow {
		t.Errorf("scanHTML = %+v", m)
	}
	if !slices.Equal(m.links, []string{"a", "b"}) {
		t.Errorf("links %q, want [a b]", m.links)
	}
	if m := scanHTML([]byte(`<meta name="mallihaku" content="none">`)); !m.noindex || !m.nofollow {
		t.Errorf("meta name=mallihaku content=none: %+v", m)
	}
}

func TestRobotsRules(t *testing.T) {
	tests := []struct {
		name, body, path string
		allowed          bool
	}{
		{"disallowed for all", "User-agent: *\nDisallow: /fi/toimintamalli/salainen\n", "/fi/toimintamalli/salainen", false},
		{"other paths allowed", "User-agent: *\nDisallow: /fi/toimintamalli/salainen\n", "/fi/toimintamalli/julkinen", true},
		{"our group wins over *", "User-agent: *\nDisallow: /\n\nUser-agent: mallihaku\nAllow: /\n", "/fi/toimintamalli/x", true},
		{"our group disallows", "User-agent: *\nAllow: /\n\nUser-agent: mallihaku\nDisallow: /fi/\n", "/fi/toimintamalli/x", false},
		{"a longer token is not us", "User-agent: mallihakuplus\nDisallow: /\n", "/fi/toimintamalli/x", true},
		{"a prefix of our token is not us", "User-agent: malli\nDisallow: /\n", "/fi/toimintamalli/x", true},
		{"longest match wins", "User-agent: *\nDisallow: /fi/\nAllow: /fi/toimintamalli/\n", "/fi/toimintamalli/x", true},
		{"equal length: allow wins", "User-agent: *\nDisallow: /x\nAllow: /x\n", "/x", true},
		{"percent-encoded rule", "User-agent: *\nDisallow: /fi/hae/ä\n", "/fi/hae/%C3%A4", false},
		{"query strings", "User-agent: *\nDisallow: /*?page=\n", "/fi/toimintamallit?page=2", false},
	}
	for _, tt := range tests {
		p := parseRobots([]byte(tt.body), false)
		if got := p.allowed("https://innokyla.fi" + tt.path); got != tt.allowed {
			t.Errorf("%s: allowed(%s) = %v, want %v", tt.name, tt.path, got, tt.allowed)
		}
	}
}

func TestRobotsCrawlDelayAndSitemaps(t *testing.T) {
	tests := []struct {
		body string
		want time.Duration
	}{
		{"User-agent: *\nCrawl-delay: 5\n", 5 * time.Second},
		{"User-agent: *\nCrawl-delay: 5\n\nUser-agent: mallihaku\nCrawl-delay: 0.5\n", 500 * time.Millisecond},
		{"User-agent: googlebot\nCrawl-delay: 9\n\nUser-agent: *\nDisallow: /admin/\n", 0},
		{"User-agent: googlebot\nUser-agent: *\nCrawl-delay: 2\n", 2 * time.Second},
		{"User-agent: *\nCrawl-delay: fast\nDisallow: /x\n", 0},
	}
	for _, tt := range tests {
		if got := parseRobots([]byte(tt.body), false).crawlDelay; got != tt.want {
			t.Errorf("%q: crawl-delay %v, want %v", tt.body, got, tt.want)
		}
	}
	p := parseRobots([]byte("User-agent: *\nCrawl-delay: fast\nDisallow: /x\nSitemap: https://innokyla.fi/sitemap.xml\n"), false)
	if p.allowed("https://innokyla.fi/x") {
		t.Error("a bad Crawl-delay line voided the rules")
	}
	if !slices.Equal(p.sitemaps, []string{"https://innokyla.fi/sitemap.xml"}) {
		t.Errorf("sitemaps %q", p.sitemaps)
	}
}

func TestLargeRobotsIsReadTo512KiB(t *testing.T) {
	body := "User-agent: *\n" + strings.Repeat("# täytettä\n", 400<<10/12) + "Disallow: /fi/toimintamalli/salainen\n" +
		strings.Repeat("# lisää täytettä\n", 200<<10/18) + "Disallow: /fi/toimintamalli/\n"
	if len(body) < 600<<10 {
		t.Fatalf("fixture robots.txt has %d bytes", len(body))
	}
	s := newFixtureSite(t)
	s.set("/robots.txt", &fixturePage{contentType: "text/plain", body: body})
	c, _ := newTestCrawler(t, s, nil)
	p, err := c.fetchRobots(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.body) > robotsMaxBody {
		t.Errorf("kept %d bytes of robots.txt", len(p.body))
	}
	if p.allowed(s.url("/fi/toimintamalli/salainen")) {
		t.Error("the rule at 400 KiB was not honoured")
	}
	if !p.allowed(s.url("/fi/toimintamalli/julkinen")) {
		t.Error("a rule beyond 512 KiB was applied")
	}
}
