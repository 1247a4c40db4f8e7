package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mallihaku/mallihaku/internal/synthetic"
	"github.com/mallihaku/mallihaku/search"
)

// BenchmarkPages measures what the server spends on each page over the synthetic benchmark
// index (synthetic.BenchIndex), next to the JSON API for the same search: the difference is
// the cost of rendering HTML. bytes/page is the size of the response body.
func BenchmarkPages(b *testing.B) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := synthetic.BenchIndex(log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	searcher := search.NewSearcher(ix)
	b.Cleanup(searcher.Close)
	h, err := NewHandler(Config{Searcher: searcher, Logger: log, Ready: func() bool { return true }})
	if err != nil {
		b.Fatal(err)
	}
	some, err := searcher.Search(context.Background(), search.Request{Size: 1})
	if err != nil || len(some.Hits) == 0 {
		b.Fatalf("no model to show: %v", err)
	}
	const q = "q=nuorten+ty%C3%B6&region=Pirkanmaa"
	for _, c := range []struct{ name, path string }{
		{"api", "/api/v1/search?" + q},
		{"page", "/?" + q},
		{"feed", "/feed.atom?" + q},
		{"page-empty", "/?q=olematonsana"},
		{"page-browse", "/"},
		{"model", "/malli/" + some.Hits[0].Model.ID},
	} {
		b.Run(c.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", c.path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}
