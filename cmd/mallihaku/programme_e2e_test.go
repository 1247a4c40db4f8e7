package main

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mallihaku/mallihaku/sample"
)

func getPage(t *testing.T, u string) *goquery.Document {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s: %d\n%s", u, resp.StatusCode, b)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestDemoSearchesDevelopmentPathsAndProgrammes is issue 14's "done when", through HTTP on the
// demo's crawl of the sample site.
func TestDemoSearchesDevelopmentPathsAndProgrammes(t *testing.T) {
	manifest, _ := sample.Manifest()
	programmes, _ := sample.ProgrammeManifest()
	base := startDemo(t)

	// A word that stands only in a model's development path finds that model.
	for q, id := range map[string]string{"kirjastoauto": "liikkuva-muistihoitaja", "kehittämisverstas": "kotikuntoutuksen-arviointijakso"} {
		var res searchResponse
		getJSON(t, base+"/api/v1/search?q="+url.QueryEscape(q), &res)
		if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].ID != id {
			t.Errorf("%q found %d models %+v, want %s alone", q, res.Total, res.Hits, id)
		}
	}

	// The model page shows the path under its own heading.
	doc := getPage(t, base+"/malli/liikkuva-muistihoitaja")
	path := doc.Find("section.development-path")
	if h := strings.TrimSpace(path.Find("h2").First().Text()); h != "Kehittämisen polku" || path.Find("h3").Length() != 5 {
		t.Errorf("model page: path heading %q with %d sections, want Kehittämisen polku with 5", h, path.Find("h3").Length())
	}

	// No programme is counted as a model: the index holds the manifest's models only.
	var all searchResponse
	getJSON(t, base+"/api/v1/search?size=100&facet_size=100", &all)
	if all.Total != uint64(len(manifest)) {
		t.Errorf("the index holds %d documents, want the %d models", all.Total, len(manifest))
	}
	var status struct{ Documents uint64 }
	getJSON(t, base+"/api/v1/status", &status)
	if status.Documents != uint64(len(manifest)) {
		t.Errorf("status counts %d documents, want %d models", status.Documents, len(manifest))
	}
	var list struct {
		Total      int
		Programmes []struct{ ID, Name string }
	}
	getJSON(t, base+"/api/v1/programmes", &list)
	if list.Total != len(programmes) {
		t.Errorf("/api/v1/programmes has %d, want %d", list.Total, len(programmes))
	}

	for _, p := range programmes {
		var want []string
		for _, e := range manifest {
			if e.Programme == p.ID {
				want = append(want, e.ID)
			}
		}
		slices.Sort(want)
		// The programme filter narrows the results to its models.
		var res searchResponse
		getJSON(t, base+"/api/v1/search?size=100&programme="+url.QueryEscape(p.Name), &res)
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) || res.Total != uint64(len(want)) {
			t.Errorf("programme filter %q: %q, want %q", p.Name, got, want)
		}
		// The programme page lists its models.
		doc := getPage(t, base+"/kokonaisuus/"+p.ID)
		if h1 := strings.TrimSpace(doc.Find("h1").Text()); h1 != p.Name {
			t.Errorf("programme page h1 %q, want %q", h1, p.Name)
		}
		listed := doc.Find(".programme-models li a")
		if listed.Length() != len(want) {
			t.Errorf("programme page %s lists %d models, want %d", p.ID, listed.Length(), len(want))
		}
		if html, _ := doc.Html(); strings.Contains(html, "@") || strings.Contains(html, "(at)") {
			t.Errorf("programme page %s shows an e-mail address", p.ID)
		}
	}
}
