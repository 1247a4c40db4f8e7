package extract

import (
	"io"
	"net/http/httptest"
	"testing"

	"github.com/mallihaku/mallihaku/sample"
)

// BenchmarkExtractSamplePages extracts the 42 pages of the built-in sample site, rendered
// by its own handler.
func BenchmarkExtractSamplePages(b *testing.B) {
	site, err := sample.NewSite()
	if err != nil {
		b.Fatal(err)
	}
	pages, err := sample.Pages()
	if err != nil {
		b.Fatal(err)
	}
	type page struct {
		url  string
		body []byte
	}
	var rendered []page
	size := 0
	for _, p := range pages {
		path := "/fi/toimintamalli/" + p.Slug
		rec := httptest.NewRecorder()
		site.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "http://innokyla.fi"+path, nil))
		body, _ := io.ReadAll(rec.Result().Body)
		rendered = append(rendered, page{"https://innokyla.fi" + path, body})
		size += len(body)
	}
	profile := Innokyla()
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, p := range rendered {
			if _, _, err := HTML(p.url, p.body, profile); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(rendered)*b.N)/b.Elapsed().Seconds(), "pages/s")
}
