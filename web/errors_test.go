package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/search"
)

// brokenSearcher is the real searcher of a real index, except that a search for the word
// "rikki" fails with an internal error and one for "paniikki" panics: what a broken index or
// a bug would do.
type brokenSearcher struct{ *search.Searcher }

var errDiskOnFire = errors.New("read /data/index/20260101/store: input/output error")

func (b brokenSearcher) Search(ctx context.Context, r search.Request) (search.Result, error) {
	switch r.Query {
	case "rikki":
		return search.Result{}, errDiskOnFire
	case "paniikki":
		panic("index out of range [7] with length 3")
	}
	return b.Searcher.Search(ctx, r)
}

// newLoggedServer serves the hostile and the plain model through cfg, logging into the
// returned buffer.
func newLoggedServer(t *testing.T, cfg Config) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	ix, err := indexer.Open(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Build(context.Background(), indexer.Models(hostile, plain)); err != nil {
		t.Fatal(err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg.Searcher = brokenSearcher{search.NewSearcher(ix)}
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, &logs
}

func getWith(t *testing.T, srv *httptest.Server, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestAFailingSearchShowsAPageInTheReadersLanguageAndLogsTheCauseOnce(t *testing.T) {
	srv, logs := newLoggedServer(t, Config{})
	for _, tc := range []struct{ q, lang, title, text string }{
		{"rikki", "fi", "Virhe", "Haku ei juuri nyt onnistunut"},
		{"rikki", "sv", "Fel", "Sökningen lyckades inte just nu"},
		{"paniikki", "en", "Error", "The search failed just now"},
	} {
		logs.Reset()
		resp, body := getWith(t, srv, "/?q="+tc.q+"&lang="+tc.lang)
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		if resp.StatusCode != http.StatusInternalServerError || doc.Find("h1").Text() != tc.title || !strings.Contains(doc.Find("main").Text(), tc.text) {
			t.Errorf("%s in %s: %d, h1 %q, text %q; want 500, %q, %q", tc.q, tc.lang, resp.StatusCode, doc.Find("h1").Text(), doc.Find("main").Text(), tc.title, tc.text)
		}
		if lang := doc.Find("html").AttrOr("lang", ""); lang != tc.lang {
			t.Errorf("%s in %s: the page says lang=%q", tc.q, tc.lang, lang)
		}
		if strings.Contains(body, "input/output") || strings.Contains(body, "index out of range") || strings.Contains(body, "goroutine") {
			t.Errorf("%s in %s: the page shows the internal error", tc.q, tc.lang)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s in %s: the error page lacks the security headers", tc.q, tc.lang)
		}
		if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
			t.Errorf("%s in %s: %d error lines logged, want 1:\n%s", tc.q, tc.lang, n, logs.String())
		}
		cause := map[string]string{"rikki": "input/output error", "paniikki": "index out of range"}[tc.q]
		if !strings.Contains(logs.String(), cause) {
			t.Errorf("%s in %s: the log lacks the cause %q:\n%s", tc.q, tc.lang, cause, logs.String())
		}
	}
	logs.Reset()
	resp, body := getWith(t, srv, "/api/v1/search?q=rikki")
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil || resp.StatusCode != http.StatusInternalServerError || e.Error.Code != "internal" || strings.Contains(body, "input/output") {
		t.Errorf("API: %d %s, want a 500 in JSON with code internal and no internals", resp.StatusCode, body)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Errorf("API: %d error lines logged, want 1", n)
	}
}

func TestTooManySearchesFromOneAddressAreRefusedInThePagesLanguage(t *testing.T) {
	srv, _ := newLoggedServer(t, Config{SearchRate: 0.001, SearchBurst: 1})
	getWith(t, srv, "/?q=nuoret") // the one search the burst allows
	resp, body := getWith(t, srv, "/?q=nuoret", "Accept-Language", "sv-FI,sv;q=0.9")
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("second search: %d Retry-After %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || doc.Find("h1").Text() != "Just nu görs för många sökningar" {
		t.Errorf("the Swedish search page over its rate shows %s %q, want an HTML page in Swedish", resp.Header.Get("Content-Type"), doc.Find("h1").Text())
	}
	resp, body = getWith(t, srv, "/api/v1/search?q=nuoret")
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil || resp.StatusCode != http.StatusTooManyRequests || e.Error.Code != "rate_limited" {
		t.Errorf("API over its rate: %d %s, want 429 in JSON with code rate_limited", resp.StatusCode, body)
	}
}

func TestAdminRefusalsAreJSONErrorsOfTheAdapter(t *testing.T) {
	j := &jobs{running: true}
	srv, _ := newAdminServer(t, Config{AdminToken: token, Reindex: j})
	for _, tc := range []struct {
		auth   string
		status int
		code   string
	}{{"Bearer nope", http.StatusUnauthorized, "unauthorized"}, {"Bearer " + token, http.StatusConflict, "conflict"}} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/admin/reindex", strings.NewReader(`{"mode":"full"}`))
		req.Header.Set("Authorization", tc.auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e apiError
		err = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if err != nil || resp.StatusCode != tc.status || e.Error.Code != tc.code || e.Error.Message == "" {
			t.Errorf("%s: %d %+v, want %d with code %s", tc.auth, resp.StatusCode, e, tc.status, tc.code)
		}
	}
}
