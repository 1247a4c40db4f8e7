package crawler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/reindex"
)

// newTestRun is a run of c with robots.txt allowing everything.
func newTestRun(c *Crawler) *run {
	return &run{c: c, robots: &robotsPolicy{allowAll: true}, fetch: c.newFetcher(nil), counts: reindex.Counts{}, claimed: map[string]bool{}}
}

func TestListingFollowsOnlyItsPagination(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
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
			got = append(got, strings.TrimPrefix(u, s.base))
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
	})
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
