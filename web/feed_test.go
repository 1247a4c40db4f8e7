package web

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/practice"
)

// Models of the feed tests, newest created first; the last one's dates are unknown.
var (
	feedNewest = practice.Model{ID: "uusi", URL: "javascript:alert(2)", Lang: "fi",
		Title: `Perheiden <script>alert(1)</script> & läheisten tuki`, Summary: "Tukea perheille & läheisille.",
		Region: []string{"Pirkanmaa"}, Topics: []string{"Perheet"},
		Created: practice.NewDate(2024, 9, 9), Modified: practice.NewDate(2025, 1, 1)}
	feedMiddle = practice.Model{ID: "keski", URL: "https://innokyla.fi/sv/verksamhetsmodell/keski", Lang: "sv",
		Title: "Ikäihmisten kotihoito", Summary: "Kotihoitoa ikäihmisille.", Region: []string{"Lappi"},
		Created: practice.NewDate(2021, 5, 5)}
	feedOldest = practice.Model{ID: "vanha", URL: "https://innokyla.fi/fi/toimintamalli/vanha", Lang: "fi",
		Title: "Nuorten päihdetyö", Summary: "Matalan kynnyksen tukea nuorille.", Region: []string{"Pirkanmaa"},
		Topics: []string{"Päihteet", "Nuoret"}, Created: practice.NewDate(2019, 3, 1), Modified: practice.NewDate(2020, 1, 1)}
	feedUndated = practice.Model{ID: "tuntematon", URL: "https://innokyla.fi/fi/toimintamalli/tuntematon", Lang: "fi",
		Title: "Aikuisten mielenterveystyö", Region: []string{"Uusimaa"},
		FetchedAt: time.Date(2025, 2, 2, 10, 0, 0, 0, time.UTC)}
)

func newFeedServer(t *testing.T) *httptest.Server {
	t.Helper()
	return newServer(t, feedOldest, feedUndated, feedNewest, feedMiddle)
}

// The feed as a reader parses it, independent of the structs the server writes it with.
type testFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Authors []string    `xml:"author>name"`
	Links   []testLink  `xml:"link"`
	Entries []testEntry `xml:"entry"`
}

type testLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type testEntry struct {
	Lang      string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Summary   string     `xml:"summary"`
	Links     []testLink `xml:"link"`
	Category  []struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
}

func (f testFeed) link(rel string) testLink {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l
		}
	}
	return testLink{}
}

func (e testEntry) link(rel string) (testLink, bool) {
	for _, l := range e.Links {
		if l.Rel == rel {
			return l, true
		}
	}
	return testLink{}, false
}

// getFeed fetches a feed, checks what RFC 4287 requires of it, and returns it parsed.
func getFeed(t *testing.T, srv *httptest.Server, path string) testFeed {
	t.Helper()
	resp, body := get(t, srv, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %s", path, resp.StatusCode, body)
	}
	var f testFeed
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
	rfc3339 := func(what, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s: %s %q is not an RFC 3339 time", path, what, s)
		}
	}
	if f.ID == "" || f.Title == "" || !slices.Equal(f.Authors, []string{"mallihaku"}) {
		t.Errorf("%s: feed id %q, title %q, authors %q", path, f.ID, f.Title, f.Authors)
	}
	rfc3339("feed updated", f.Updated)
	for _, e := range f.Entries {
		if e.ID == "" || e.Title == "" {
			t.Errorf("%s: entry id %q, title %q", path, e.ID, e.Title)
		}
		rfc3339("entry updated", e.Updated)
		if e.Published != "" {
			rfc3339("entry published", e.Published)
		}
		if l, ok := e.link("alternate"); !ok || l.Type != "text/html" || !strings.HasPrefix(l.Href, srv.URL+"/malli/") {
			t.Errorf("%s: entry %q has alternate link %+v", path, e.ID, l)
		}
	}
	return f
}

func entryTitles(f testFeed) []string {
	var out []string
	for _, e := range f.Entries {
		out = append(out, e.Title)
	}
	return out
}

func TestFeedListsNewestModelsOfTheSearchFirst(t *testing.T) {
	srv := newFeedServer(t)
	f := getFeed(t, srv, "/feed.atom")
	want := []string{feedNewest.Title, feedMiddle.Title, feedOldest.Title, feedUndated.Title}
	if got := entryTitles(f); !slices.Equal(got, want) {
		t.Fatalf("entries %q, want newest created first %q", got, want)
	}
	if f.Title != "mallihaku: uusimmat toimintamallit" || f.ID != srv.URL+"/feed.atom" {
		t.Errorf("feed title %q, id %q", f.Title, f.ID)
	}
	if self := f.link("self"); self.Href != f.ID || self.Type != "application/atom+xml" {
		t.Errorf("self link %+v", self)
	}
	// The newest change of any entry: the undated model, fetched on 2 February 2025.
	if f.Updated != "2025-02-02T10:00:00Z" {
		t.Errorf("feed updated %s", f.Updated)
	}

	newest, middle, oldest, undated := f.Entries[0], f.Entries[1], f.Entries[2], f.Entries[3]
	// The newest model's own URL is no web page, so its page here identifies it.
	if newest.ID != srv.URL+"/malli/uusi" || newest.Updated != "2025-01-01T00:00:00Z" || newest.Published != "2024-09-09T00:00:00Z" {
		t.Errorf("newest entry %+v", newest)
	}
	if l, ok := newest.link("related"); ok {
		t.Errorf("newest entry links to its original page %q, which is not http(s)", l.Href)
	}
	if middle.ID != feedMiddle.URL || middle.Updated != "2021-05-05T00:00:00Z" {
		t.Errorf("middle entry %+v: want its Innokylä URL as id, updated when created", middle)
	}
	if middle.Lang != "sv" || oldest.Lang != "fi" {
		t.Errorf("entries' xml:lang %q and %q, want the models' own sv and fi", middle.Lang, oldest.Lang)
	}
	if l, _ := middle.link("related"); l.Href != feedMiddle.URL {
		t.Errorf("middle entry's related link %+v", l)
	}
	if l, _ := oldest.link("alternate"); l.Href != srv.URL+"/malli/vanha" {
		t.Errorf("oldest entry's alternate link %+v", l)
	}
	var terms []string
	for _, c := range oldest.Category {
		terms = append(terms, c.Term)
	}
	if !slices.Equal(terms, []string{"Päihteet", "Nuoret", "Pirkanmaa"}) || oldest.Summary != feedOldest.Summary {
		t.Errorf("oldest entry's categories %q, summary %q", terms, oldest.Summary)
	}
	if undated.Updated != "2025-02-02T10:00:00Z" || undated.Published != "" {
		t.Errorf("undated entry updated %q, published %q: want when it was fetched, and no publication date", undated.Updated, undated.Published)
	}
}

func TestFeedListsOnlyTheModelsTheSearchFinds(t *testing.T) {
	srv := newFeedServer(t)
	for _, c := range []struct {
		query, title string
		want         []string
	}{
		{"region=Pirkanmaa", "mallihaku: Pirkanmaa", []string{feedNewest.Title, feedOldest.Title}},
		{"q=kotihoito", "mallihaku: kotihoito", []string{feedMiddle.Title}},
		{"q=perheiden&region=Pirkanmaa&region=Lappi", "mallihaku: perheiden – Pirkanmaa, Lappi", []string{feedNewest.Title}},
		{"q=mielenterveystyö&sort=title&page=1", "mallihaku: mielenterveystyö", []string{feedUndated.Title}},
		{"size=2", "mallihaku: uusimmat toimintamallit", []string{feedNewest.Title, feedMiddle.Title}},
	} {
		f := getFeed(t, srv, "/feed.atom?"+c.query)
		if got := entryTitles(f); !slices.Equal(got, c.want) || f.Title != c.title {
			t.Errorf("%s: feed %q lists %q, want %q listing %q", c.query, f.Title, got, c.title, c.want)
		}
	}
	f := getFeed(t, srv, "/feed.atom?region=Pirkanmaa")
	if f.ID != srv.URL+"/feed.atom?region=Pirkanmaa" {
		t.Errorf("feed id %q", f.ID)
	}
	if alt := f.link("alternate"); alt.Href != srv.URL+"/?region=Pirkanmaa&sort=created" || alt.Type != "text/html" {
		t.Errorf("the feed's search page is %+v", alt)
	}
}

func TestFeedInAnotherLanguageStillListsModelsOfEveryLanguage(t *testing.T) {
	srv := newFeedServer(t)
	all := entryTitles(getFeed(t, srv, "/feed.atom"))
	for _, lang := range []string{"sv", "en", "fi"} {
		if got := entryTitles(getFeed(t, srv, "/feed.atom?lang="+lang)); !slices.Equal(got, all) {
			t.Errorf("lang=%s lists %q, want every model %q", lang, got, all)
		}
	}
}

func TestFeedShowsMarkupInTitlesAsText(t *testing.T) {
	srv := newFeedServer(t)
	_, body := get(t, srv, "/feed.atom?q=perheiden")
	if unescapedScript.MatchString(body) || strings.Contains(body, "& ") || strings.Contains(body, `"javascript:`) {
		t.Errorf("feed carries markup or a javascript: URL as is:\n%s", body)
	}
	f := getFeed(t, srv, "/feed.atom?q=perheiden")
	if len(f.Entries) != 1 || f.Entries[0].Title != feedNewest.Title || f.Entries[0].Summary != feedNewest.Summary {
		t.Errorf("entries %+v, want the title %q as text", f.Entries, feedNewest.Title)
	}
}

func TestFeedIsServedAsAtomWithTheSecurityHeaders(t *testing.T) {
	srv := newFeedServer(t)
	resp, _ := get(t, srv, "/feed.atom?region=Lappi")
	if ct := resp.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
		t.Errorf("headers %v", resp.Header)
	}
}

func TestFeedOfASearchThatCannotBeRunIsABadRequest(t *testing.T) {
	srv := newFeedServer(t)
	for _, q := range []string{"q=*a*", "size=1000", "size=x", "colour=red&region=" + strings.Repeat("&region=x", 60)} {
		if resp, body := get(t, srv, "/feed.atom?"+q); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d: %s", q, resp.StatusCode, body)
		}
	}
}
