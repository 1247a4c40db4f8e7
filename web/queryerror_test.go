package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestAQueryErrorIsSaidOnTheSearchPageInItsLanguageWithTheTextKept(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	for _, tc := range []struct {
		path, lang, query string
		says              []string
	}{
		{"/?q=pä*&region=Pirkanmaa", "fi", "pä*", []string{"vähintään 3 kirjainta", "(pä*)", "esim. päihde*"}},
		{"/?q=pä*&region=Pirkanmaa&lang=sv", "sv", "pä*", []string{"minst 3 bokstäver", "(pä*)"}},
		{"/?q=%22nuorten+päihdetyö", "fi", `"nuorten päihdetyö`, []string{"Lainausmerkki", "”nuorten päihdetyö”", "jää auki"}},
		{"/?q=%22nuorten+päihdetyö&lang=en", "en", `"nuorten päihdetyö`, []string{"not closed", "Add a quote"}},
	} {
		resp, body := getWith(t, srv, tc.path)
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.path, resp.StatusCode)
		}
		if got := doc.Find("html").AttrOr("lang", ""); got != tc.lang {
			t.Errorf("%s: page in %q, want %q", tc.path, got, tc.lang)
		}
		if got := doc.Find("#q").AttrOr("value", "<none>"); got != tc.query {
			t.Errorf("%s: the search box holds %q, want what the user wrote, %q", tc.path, got, tc.query)
		}
		msg := doc.Find("#hakuvirhe").Text()
		for _, want := range tc.says {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: the error reads %q, want it to say %q", tc.path, msg, want)
			}
		}
		if strings.Contains(msg, "bad query") || strings.Contains(body, "prefix search") {
			t.Errorf("%s: the page shows the English internal message: %q", tc.path, msg)
		}
		if doc.Find(`#q[aria-invalid="true"]`).Length() != 1 || !strings.Contains(doc.Find("#q").AttrOr("aria-describedby", ""), "hakuvirhe") {
			t.Errorf("%s: the search box is not marked invalid and described by the error", tc.path)
		}
	}
	// The filters go along when the user corrects the words and searches again.
	doc := fetchPageStatus(t, srv, "/?q=pä*&region=Pirkanmaa", http.StatusBadRequest)
	if got := formParams(doc); got.Get("region") != "Pirkanmaa" {
		t.Errorf("the corrected search would send %v, without region=Pirkanmaa", got)
	}
}

func TestTheHelpTextTeachesOrAndNotInEachLanguage(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	for lang, words := range map[string][]string{"fi": {"TAI", "OR", "EI", "NOT"}, "sv": {"OR", "TAI", "NOT", "EI"}, "en": {"OR", "TAI", "NOT", "EI"}} {
		hint := fetchPage(t, srv, srv.URL, "/?lang="+lang).Find("#hakuohje").Text()
		for _, w := range words {
			if !strings.Contains(hint, w+" ") && !strings.Contains(hint, "("+w+")") {
				t.Errorf("%s help text lacks %s: %q", lang, w, hint)
			}
		}
	}
	// päihde finds tampere and nokia, Ikäihmisten (kotikuntoutus) porvoo: OR gives all three.
	if got := fetchPage(t, srv, srv.URL, "/?q=päihde+TAI+kotikuntoutus").Find(".hit").Length(); got != 3 {
		t.Errorf("päihde TAI kotikuntoutus lists %d models, want 3", got)
	}
	if got := fetchPage(t, srv, srv.URL, "/?q=päihde+EI+vertaisryhmä").Find(".hit").Length(); got != 1 {
		t.Errorf("päihde EI vertaisryhmä lists %d models, want 1 (tampere)", got)
	}
}

// fetchPageStatus reads a page that answers status.
func fetchPageStatus(t *testing.T, srv *httptest.Server, path string, status int) *goquery.Document {
	t.Helper()
	resp, body := getWith(t, srv, path)
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d", path, resp.StatusCode, status)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
