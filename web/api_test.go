package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mallihaku/mallihaku/search"
)

func TestFacetsEndpointCountsTheWholeIndex(t *testing.T) {
	srv := newServer(t)
	var r struct {
		Documents int                            `json:"documents"`
		Facets    map[string][]search.FacetValue `json:"facets"`
	}
	resp, body := get(t, srv, "/api/v1/facets")
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &r) != nil {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if r.Documents != 2 || len(r.Facets["region"]) != 2 || len(r.Facets["phase"]) != 2 || len(r.Facets["created_year"]) != 0 {
		t.Errorf("facets %s", body)
	}
	for _, f := range search.Facets() {
		if _, ok := r.Facets[f.Key]; !ok {
			t.Errorf("facet %s missing", f.Key)
		}
	}
}

func TestSectionHighlightsComeWithTheirHeadingInTheAPI(t *testing.T) {
	srv := newServer(t)
	_, body := get(t, srv, "/api/v1/search?q=teksti")
	var r struct {
		Hits []struct {
			Highlights struct {
				Sections []struct{ Heading, Fragment string } `json:"sections"`
			} `json:"highlights"`
		} `json:"hits"`
	}
	json.Unmarshal([]byte(body), &r)
	if len(r.Hits) != 1 || len(r.Hits[0].Highlights.Sections) != 1 {
		t.Fatalf("%s", body)
	}
	s := r.Hits[0].Highlights.Sections[0]
	if s.Heading != "&lt;script&gt;otsikko&lt;/script&gt;" || !strings.Contains(s.Fragment, "<mark>Teksti</mark> &lt;script&gt;") {
		t.Errorf("section highlight %+v", s)
	}
}

func TestModelAnswersWithRelatedModels(t *testing.T) {
	srv := newServer(t)
	var m struct {
		ID      string `json:"id"`
		Related []struct {
			ID string `json:"id"`
		} `json:"related"`
	}
	_, body := get(t, srv, "/api/v1/models/tavallinen")
	if err := json.Unmarshal([]byte(body), &m); err != nil || m.ID != "tavallinen" {
		t.Fatalf("%v %s", err, body)
	}
	// The only other model shares the word päihdetyö with it.
	if len(m.Related) != 1 || m.Related[0].ID != "vaarallinen" {
		t.Errorf("related %+v", m.Related)
	}
	_, page := get(t, srv, "/malli/tavallinen")
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(page))
	if doc.Find(".related a").Length() != 1 {
		t.Errorf("model page lists %d related models", doc.Find(".related a").Length())
	}
}

func TestFacetAbuseIsRefused(t *testing.T) {
	srv := newServer(t)
	many := strings.Repeat("region=x&", 1000)
	for _, q := range []string{many, "facet_size=1000000", "facet_size=-1", "page=1000000000&size=100", "page=99999999999999999999"} {
		resp, body := get(t, srv, "/api/v1/search?"+q)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "bad_query") {
			t.Errorf("%.40s…: %d %s", q, resp.StatusCode, body)
		}
	}
	// An unknown facet is an unknown parameter, ignored as web APIs do.
	if resp, _ := get(t, srv, "/api/v1/search?colour=red"); resp.StatusCode != http.StatusOK {
		t.Errorf("unknown parameter: %d", resp.StatusCode)
	}
}
