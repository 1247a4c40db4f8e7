package sample

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSampleSiteServesEveryModelInItsMarkup(t *testing.T) {
	site, err := NewSite()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.Handler())
	defer srv.Close()
	pages, _ := Pages()
	for _, p := range pages {
		code, body := get(t, srv, "/fi/toimintamalli/"+p.Slug)
		if code != http.StatusOK || !strings.Contains(body, "Toimintamallin nimi") {
			t.Errorf("%s: status %d, labels missing", p.Slug, code)
		}
		marker := map[string]string{"drupal": `class="field__label"`, "dl": "<dt>"}[p.Markup]
		if !strings.Contains(body, marker) {
			t.Errorf("%s: markup %s not used", p.Slug, p.Markup)
		}
	}
	if code, body := get(t, srv, "/robots.txt"); code != 200 || !strings.Contains(body, "Sitemap: "+srv.URL+"/sitemap.xml") {
		t.Errorf("robots.txt: %d %q", code, body)
	}
	if code, _ := get(t, srv, "/fi/toimintamalli/ei-ole"); code != http.StatusNotFound {
		t.Errorf("unknown model: status %d, want 404", code)
	}
	// Walking the listing's "next" links reaches every model and the not-a-model page.
	seen := map[string]bool{}
	next := "/fi/toimintamallit"
	for next != "" {
		_, body := get(t, srv, next)
		next = ""
		for _, line := range strings.Split(body, "\n") {
			if i := strings.Index(line, `href="/fi/toimintamalli/`); i >= 0 {
				slug := strings.SplitN(line[i+len(`href="/fi/toimintamalli/`):], `"`, 2)[0]
				seen[slug] = true
			}
			if i := strings.Index(line, `rel="next" href="`); i >= 0 {
				next = strings.SplitN(line[i+len(`rel="next" href="`):], `"`, 2)[0]
			}
		}
	}
	for _, p := range pages {
		if !seen[p.Slug] {
			t.Errorf("listing never links to %s", p.Slug)
		}
	}
	if !seen[NotAModelSlug] {
		t.Errorf("listing does not link to the not-a-model page")
	}
}

func TestSampleSiteAnswersConditionalGETsWith304(t *testing.T) {
	site, err := NewSite()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.Handler())
	defer srv.Close()
	pages, _ := Pages()
	u := srv.URL + "/fi/toimintamalli/" + pages[0].Slug
	resp, err := srv.Client().Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	for name, h := range map[string][2]string{
		"If-None-Match":     {"If-None-Match", etag},
		"If-Modified-Since": {"If-Modified-Since", resp.Header.Get("Last-Modified")},
	} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set(h[0], h[1])
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s: status %d, want 304", name, resp.StatusCode)
		}
	}
}
