package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// FuzzSearchHandler sends arbitrary queries and parameters to the search page and the search
// API: the status is 200, 400 or 429, the page never holds the raw input when it has a "<"
// (unless the page holds that text anyway), and the security headers are always there.
func FuzzSearchHandler(f *testing.F) {
	for _, s := range [][2]string{
		{"nuorten päihdetyö", ""}, {"<script>alert(1)</script>", ""}, {`"><img src=x onerror=alert(2)>`, "region=<b>"},
		{"*a*", "size=100000"}, {"/.*/", "page=-1"}, {"a~2", "facet_size=1000000"}, {"\x00", "sort=<x>"},
		{"\xff\xfe", "page=x"}, {"päihde", "region=Lappi&region=Pirkanmaa&phase=Valmis"}, {"", "year=2024&created_year=<1>"},
	} {
		f.Add(s[0], s[1])
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := indexer.Open(f.TempDir(), log)
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Build(context.Background(), func(_ context.Context, put func(practice.Model) error) error {
		if err := put(hostile); err != nil {
			return err
		}
		return put(plain)
	}); err != nil {
		f.Fatal(err)
	}
	h, err := NewHandler(Config{Searcher: search.NewSearcher(ix), Logger: log, Ready: func() bool { return true }})
	if err != nil {
		f.Fatal(err)
	}
	serve := func(target string) *httptest.ResponseRecorder {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			return nil
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	neutral := serve("/?q=x").Body.String()
	f.Fuzz(func(t *testing.T, q, params string) {
		for _, path := range []string{"/", "/api/v1/search"} {
			target := path + "?q=" + url.QueryEscape(q)
			if params != "" {
				target += "&" + params
			}
			rec := serve(target)
			if rec == nil {
				continue // not a URL a client could send
			}
			if s := rec.Code; s != 200 && s != 400 && s != 429 {
				t.Fatalf("%s: status %d: %s", target, s, rec.Body)
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Fatalf("%s: Content-Security-Policy %q", target, csp)
			}
			if path != "/" {
				continue
			}
			body := rec.Body.String()
			for _, raw := range append([]string{q}, rawValues(params)...) {
				if strings.Contains(raw, "<") && strings.Contains(body, raw) && !strings.Contains(neutral, raw) {
					t.Fatalf("%s: the page holds the raw input %q", target, raw)
				}
			}
		}
	})
}

// rawValues are the values of a query string as the handler reads them.
func rawValues(params string) []string {
	v, err := url.ParseQuery(params)
	if err != nil {
		return nil
	}
	var out []string
	for _, vs := range v {
		out = append(out, vs...)
	}
	return out
}
