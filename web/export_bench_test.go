package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mallihaku/mallihaku/internal/synthetic"
	"github.com/mallihaku/mallihaku/search"
)

// BenchmarkExport measures an export of every model (the 10,000 of the benchmark index) and of
// a search for words, as CSV and XLSX; bytes/file is the size of the download.
func BenchmarkExport(b *testing.B) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := synthetic.BenchIndex(log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	searcher := search.NewSearcher(ix)
	b.Cleanup(searcher.Close)
	h, err := NewHandler(Config{Searcher: searcher, Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, path string }{
		{"csv-all", "/export.csv"},
		{"xlsx-all", "/export.xlsx"},
		{"csv-words", "/export.csv?q=nuorten+ty%C3%B6"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", c.path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/file")
		})
	}
}
