package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

var hostile = practice.Model{
	ID: "vaarallinen", URL: "javascript:alert(3)", Title: `Vaarallinen <script>alert(1)</script> malli`,
	Summary: `Kuvaus "><img src=x onerror=alert(2)> päihdetyöstä`, Region: []string{"Lappi"}, Phase: "Valmis",
	Sections: []practice.Section{{Heading: "<script>otsikko</script>", Text: "Teksti <script>alert(4)</script>"}},
	Links:    []practice.Link{{Title: "Linkki", URL: "javascript:alert(5)"}},
	Modified: practice.NewDate(2024, 2, 2),
}

var plain = practice.Model{ID: "tavallinen", URL: "https://esimerkki.fi/fi/toimintamalli/tavallinen", Title: "Nuorten päihdetyö",
	Summary: "Matalan kynnyksen tukea nuorille.", Region: []string{"Pirkanmaa"}, Phase: "Kehitteillä",
	Modified: practice.NewDate(2023, 6, 6)}

// newServer serves an index of models on disk; of the hostile and the plain model when none
// are given.
func newServer(t *testing.T, models ...practice.Model) *httptest.Server {
	t.Helper()
	if len(models) == 0 {
		models = []practice.Model{hostile, plain}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := indexer.Open(t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Build(context.Background(), indexer.Models(models...)); err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(Config{Searcher: search.NewSearcher(ix), Logger: log, Ready: func() bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// ownScript is the address of a script of our own: the pages' enhancements (app.js), the
// model page's copy buttons (share.js) or the facet lists' filter box (facets.js).
var ownScript = regexp.MustCompile(`^/static/(app|share|facets)\.js\?v=[0-9a-f]{12}$`)

var unescapedScript = regexp.MustCompile(`(?i)<script`)

// injectedMarkup lists what in an HTML page could run crawled text as code: script elements
// other than the page's own, event-handler attributes, and javascript: addresses.
func injectedMarkup(body string) []string {
	var found []string
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return found
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			switch {
			case strings.HasPrefix(strings.ToLower(a.Key), "on"):
				found = append(found, fmt.Sprintf("<%s %s=…>", tok.Data, a.Key))
			case (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
				found = append(found, fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val))
			}
		}
		if tok.Data == "script" && !slices.ContainsFunc(tok.Attr, func(a html.Attribute) bool { return a.Key == "src" && ownScript.MatchString(a.Val) }) {
			found = append(found, "<script> not our own")
		}
	}
}

func TestCrawledTextIsShownAsTextNeverAsMarkup(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{"/?q=vaarallinen", "/?q=<script>alert(1)</script>", "/malli/vaarallinen", "/?q=päihdetyö"} {
		resp, body := get(t, srv, path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
		if bad := injectedMarkup(body); len(bad) > 0 {
			t.Errorf("%s: the page holds markup from crawled text: %v", path, bad)
		}
	}
	_, body := get(t, srv, "/malli/vaarallinen")
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if got := doc.Find("h1").Text(); got != hostile.Title {
		t.Errorf("model page title reads %q, want the text %q", got, hostile.Title)
	}
}

func TestEveryPageCarriesTheSecurityHeaders(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{"/", "/malli/tavallinen", "/malli/ei-ole", "/api/v1/search?q=nuoret", "/?size=x"} {
		resp, _ := get(t, srv, path)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
}

func TestAPIAnswersBadQueriesWith400AndAClearMessage(t *testing.T) {
	srv := newServer(t)
	for _, q := range []string{"q=*a*", "size=100000", "page=-1", "page=x", "sort=random", "colour=red&q=a", "facet_size=1000000"} {
		resp, body := get(t, srv, "/api/v1/search?"+q)
		var e apiError
		json.Unmarshal([]byte(body), &e)
		if resp.StatusCode != http.StatusBadRequest || e.Error.Code != "bad_query" || e.Error.Message == "" {
			if q == "colour=red&q=a" && resp.StatusCode == http.StatusOK {
				continue // unknown parameters are ignored, as web APIs do
			}
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
	}
}

func TestSearchAPIReturnsHitsFacetsAndHighlights(t *testing.T) {
	srv := newServer(t)
	resp, body := get(t, srv, "/api/v1/search?q=nuorten&region=Pirkanmaa")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var r struct {
		Total      int                            `json:"total"`
		Hits       []map[string]any               `json:"hits"`
		Facets     map[string][]search.FacetValue `json:"facets"`
		Suggestion any                            `json:"suggestion"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if r.Total != 1 || r.Hits[0]["id"] != "tavallinen" || r.Hits[0]["modified"] != "2023-06-06" {
		t.Errorf("hits %+v", r.Hits)
	}
	hl, _ := r.Hits[0]["highlights"].(map[string]any)
	if !strings.Contains(strings.Join(toStrings(hl["title"]), ""), "<mark>Nuorten</mark>") {
		t.Errorf("title highlight %v", hl)
	}
	var browse struct {
		Facets map[string][]search.FacetValue `json:"facets"`
	}
	_, body = get(t, srv, "/api/v1/search?region=Pirkanmaa")
	json.Unmarshal([]byte(body), &browse)
	if len(browse.Facets["region"]) != 2 || len(browse.Facets["phase"]) != 1 {
		t.Errorf("facets with region=Pirkanmaa: %+v", browse.Facets)
	}
	resp, _ = get(t, srv, "/api/v1/models/ei-ole")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown model: %d", resp.StatusCode)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestSearchPageShowsCountsFiltersAndResults(t *testing.T) {
	srv := newServer(t)
	_, body := get(t, srv, "/?region=Pirkanmaa")
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if got := doc.Find("#tulosmaara").Text(); !strings.Contains(got, "1 toimintamalli ") {
		t.Errorf("result count reads %q", got)
	}
	if doc.Find(".hit h2 a").Text() != "Nuorten päihdetyö" {
		t.Errorf("results: %q", doc.Find(".hit h2 a").Text())
	}
	chip := doc.Find(".chip")
	if chip.Length() != 1 || !strings.Contains(chip.Text(), "Pirkanmaa") {
		t.Errorf("filter chips: %q", chip.Text())
	}
	href, _ := chip.Attr("href")
	if strings.Contains(href, "region=") {
		t.Errorf("removing the chip keeps the filter: %s", href)
	}
	// The region list still offers Lappi with the count it would give.
	region := doc.Find(`fieldset[data-facet="region"]`)
	if region.Find(`input[value="Lappi"]:not([checked])`).Length() != 1 || region.Find(`input[value="Pirkanmaa"][checked]`).Length() != 1 {
		t.Errorf("region facet: %q", region.Text())
	}
}

func TestInjectedMarkupCheckSpotsWhatWouldRun(t *testing.T) {
	for _, page := range []string{`<p>a<img src=x onerror=alert(2)></p>`, `<script>alert(1)</script>`,
		`<a href=" javascript:alert(5)">x</a>`, `<script src="/static/evil.js"></script>`} {
		if len(injectedMarkup(page)) == 0 {
			t.Errorf("%s passes the check", page)
		}
	}
	safe := `<meta name="description" content="&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"><script src="/static/app.js?v=0123456789ab" defer></script>`
	if bad := injectedMarkup(safe); len(bad) > 0 {
		t.Errorf("escaped text and our own script fail the check: %v", bad)
	}
}
