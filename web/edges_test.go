package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/search"
)

// routeTable is the router's own list of routes with every optional route on, and a server
// of the same configuration.
func routeTable(t *testing.T) (gin.RoutesInfo, *httptest.Server) {
	t.Helper()
	cfg := fullConfig(search.NewSearcher(fixtureIndex(t)), slog.New(slog.NewTextHandler(io.Discard, nil)))
	cfg.Programmes = fixtureProgrammes
	engine, err := newEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return engine.Routes(), srv
}

// concrete fills a route's parameters with values that exist.
func concrete(path string) string {
	if strings.Contains(path, "programme") || strings.Contains(path, "kokonaisuus") {
		return strings.ReplaceAll(path, ":id", soteKeskus.ID)
	}
	return strings.NewReplacer(":id", "tavallinen", ":name", "app.js").Replace(path)
}

func send(t *testing.T, srv *httptest.Server, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// checkSecurityHeaders reports a response without the headers every response carries.
func checkSecurityHeaders(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Cross-Origin-Opener-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("%s: answers %d without %s", what, resp.StatusCode, h)
		}
	}
}

func TestEveryGetRouteAnswersHeadLikeCurlI(t *testing.T) {
	routes, srv := routeTable(t)
	gets := 0
	for _, r := range routes {
		if r.Method != http.MethodGet {
			continue
		}
		gets++
		path := concrete(r.Path)
		if !slices.ContainsFunc(routes, func(o gin.RouteInfo) bool { return o.Method == http.MethodHead && o.Path == r.Path }) {
			t.Errorf("GET %s has no HEAD route", r.Path)
		}
		get, _ := send(t, srv, http.MethodGet, path, "Authorization", "Bearer "+testAdminToken)
		head, body := send(t, srv, http.MethodHead, path, "Authorization", "Bearer "+testAdminToken)
		if head.StatusCode != http.StatusOK || body != "" {
			t.Errorf("HEAD %s: %d with %d bytes of body, want 200 and none", path, head.StatusCode, len(body))
		}
		if head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("HEAD %s says Content-Type %q, GET %q", path, head.Header.Get("Content-Type"), get.Header.Get("Content-Type"))
		}
		checkSecurityHeaders(t, "HEAD "+path, head)
	}
	if gets < 10 {
		t.Fatalf("the route table lists %d GET routes; the test reads the wrong table", gets)
	}
}

func TestAWrongMethodAnswers405WithTheMethodsThatWork(t *testing.T) {
	routes, srv := routeTable(t)
	methods := map[string][]string{}
	for _, r := range routes {
		methods[r.Path] = append(methods[r.Path], r.Method)
	}
	for path, allowed := range methods {
		wrong := http.MethodDelete
		if slices.Contains(allowed, wrong) {
			t.Fatalf("%s answers DELETE; the test needs a method no route has", path)
		}
		for _, accept := range []string{"text/html", "application/json"} {
			resp, body := send(t, srv, wrong, concrete(path), "Accept", accept)
			got := strings.Split(resp.Header.Get("Allow"), ", ")
			slices.Sort(got)
			slices.Sort(allowed)
			if resp.StatusCode != http.StatusMethodNotAllowed || !slices.Equal(got, allowed) {
				t.Errorf("DELETE %s: %d Allow %q, want 405 Allow %v", path, resp.StatusCode, resp.Header.Get("Allow"), allowed)
			}
			if strings.HasPrefix(path, "/api/") != strings.Contains(resp.Header.Get("Content-Type"), "json") || !strings.Contains(body, "method") && !strings.Contains(body, "Tätä toimintoa") {
				t.Errorf("DELETE %s: %s %q, want JSON under /api/ and a page elsewhere", path, resp.Header.Get("Content-Type"), body)
			}
			checkSecurityHeaders(t, "DELETE "+path, resp)
		}
	}
}

func TestRedirectsAndErrorsCarryTheSecurityHeaders(t *testing.T) {
	_, srv := routeTable(t)
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/malli/tavallinen/", http.StatusMovedPermanently}, // the router's trailing-slash redirect
		{"/api/v1/search/", http.StatusMovedPermanently},
		{"/ei-ole", http.StatusNotFound},
		{"/api/v1/ei-ole", http.StatusNotFound},
		{"/?size=x", http.StatusBadRequest},
		{"/api/v1/admin/jobs", http.StatusUnauthorized},
	} {
		resp, _ := send(t, srv, http.MethodGet, tc.path)
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
		checkSecurityHeaders(t, "GET "+tc.path, resp)
	}
}

func TestTheStaticFolderListsNothing(t *testing.T) {
	_, srv := routeTable(t)
	for _, path := range []string{"/static/", "/static", "/static/..%2froutes.go", "/static/nope.js"} {
		resp, body := send(t, srv, http.MethodGet, path)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, `href="app.js"`) {
			t.Errorf("GET %s: %d, body links app.js: %v; want a 404 page that lists nothing", path, resp.StatusCode, strings.Contains(body, `href="app.js"`))
		}
	}
}

func TestOnlyTheAssetsOwnDigestIsCachedForAYear(t *testing.T) {
	_, srv := routeTable(t)
	_, page := send(t, srv, http.MethodGet, "/")
	i := strings.Index(page, "/static/style.css?v=")
	if i < 0 {
		t.Fatal("the page links no style.css with a digest")
	}
	own := page[i : i+len("/static/style.css?v=")+12]
	for path, immutable := range map[string]bool{
		own:                                   true,
		"/static/style.css":                   false,
		"/static/style.css?v=000000000000":    false,
		"/static/style.css?v=anything-at-all": false,
	} {
		resp, body := send(t, srv, http.MethodGet, path)
		cc := resp.Header.Get("Cache-Control")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "{") {
			t.Errorf("%s: %d, want the style sheet", path, resp.StatusCode)
		}
		if strings.Contains(cc, "immutable") != immutable {
			t.Errorf("%s: Cache-Control %q, immutable should be %v", path, cc, immutable)
		}
	}
	resp, _ := send(t, srv, http.MethodGet, own, "If-None-Match", `"`+own[len(own)-12:]+`"`)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("a revalidation of the asset's own version: %d, want 304", resp.StatusCode)
	}
}
