package extract

import (
	"io"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/mallihaku/mallihaku/sample"
)

// TestExtractSamplePagesGolden extracts every page of the built-in sample site, in both of
// its markups, and compares the documents with reviewed golden files.
func TestExtractSamplePagesGolden(t *testing.T) {
	site, err := sample.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	pages, err := sample.Pages()
	if err != nil {
		t.Fatal(err)
	}
	markups := map[string]int{}
	for _, p := range pages {
		markups[p.Markup]++
		t.Run(p.Slug, func(t *testing.T) {
			path := "/fi/toimintamalli/" + p.Slug
			rec := httptest.NewRecorder()
			site.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "http://innokyla.fi"+path, nil))
			body, _ := io.ReadAll(rec.Result().Body)
			m, r, err := HTML("https://innokyla.fi"+path, body, Innokyla())
			if err != nil {
				t.Fatalf("Extract: %v\n%s", err, r)
			}
			if len(r.NotUnderstood) > 0 {
				t.Errorf("values not understood on %s: %q", p.Slug, r.NotUnderstood)
			}
			compareGolden(t, filepath.Join("testdata", "golden", "sample", p.Slug+".json"), m)
		})
	}
	if markups["drupal"] == 0 || markups["dl"] == 0 {
		t.Errorf("sample markups %v, want both drupal and dl", markups)
	}
}
