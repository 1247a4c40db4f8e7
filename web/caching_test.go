package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// newIndexServer serves models from an index on disk, and returns the index so a test can
// change it.
func newIndexServer(t *testing.T, models ...practice.Model) (*httptest.Server, *indexer.Index) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := indexer.Open(t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Build(context.Background(), indexer.Models(models...)); err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(Config{Searcher: search.NewSearcher(ix), Logger: log, Ready: func() bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, ix
}

// rawClient neither asks for nor undoes compression: it sees the bytes as sent.
var rawClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

func rawGet(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

var feedUpdated = regexp.MustCompile(`<feed[^>]*>[\s\S]*?<updated>([^<]+)</updated>`)

func TestAConditionalGetOfTheFeedAndASearchPageIs304UntilTheIndexChanges(t *testing.T) {
	srv, ix := newIndexServer(t, tampere, nokia)
	paths := []string{"/feed.atom", "/feed.atom?q=olematonsana", "/?q=päihde&region=Pirkanmaa", "/api/v1/search?q=päihde", "/malli/tampere", "/api/v1/models/tampere", "/api/v1/facets"}
	etags, modified := map[string]string{}, map[string]string{}
	for _, p := range paths {
		resp, _ := rawGet(t, srv.URL+p)
		etags[p], modified[p] = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if resp.StatusCode != http.StatusOK || etags[p] == "" || modified[p] == "" {
			t.Fatalf("%s: %d ETag %q Last-Modified %q, want 200 with both", p, resp.StatusCode, etags[p], modified[p])
		}
	}
	for poll := 1; poll <= 2; poll++ {
		for _, p := range paths {
			resp, body := rawGet(t, srv.URL+p, "If-None-Match", etags[p])
			if resp.StatusCode != http.StatusNotModified || len(body) != 0 || resp.Header.Get("ETag") != etags[p] {
				t.Errorf("poll %d of %s with its ETag: %d, %d bytes, ETag %q; want 304, none, the same tag", poll, p, resp.StatusCode, len(body), resp.Header.Get("ETag"))
			}
			resp, _ = rawGet(t, srv.URL+p, "If-Modified-Since", modified[p])
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("poll %d of %s with If-Modified-Since: %d, want 304", poll, p, resp.StatusCode)
			}
		}
	}
	// Another language or another search is another answer.
	if resp, _ := rawGet(t, srv.URL+"/?q=päihde&region=Pirkanmaa", "If-None-Match", etags["/?q=päihde&region=Pirkanmaa"], "Accept-Language", "sv"); resp.StatusCode != http.StatusOK {
		t.Errorf("the Swedish page with the Finnish page's ETag: %d, want 200", resp.StatusCode)
	}
	if resp, _ := rawGet(t, srv.URL+"/?q=nuoret", "If-None-Match", etags["/?q=päihde&region=Pirkanmaa"]); resp.StatusCode != http.StatusOK {
		t.Errorf("another search with the first one's ETag: %d, want 200", resp.StatusCode)
	}

	if err := ix.Put(porvoo); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		resp, _ := rawGet(t, srv.URL+p, "If-None-Match", etags[p])
		if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == etags[p] {
			t.Errorf("%s after the index changed: %d ETag %q, want 200 with a new tag", p, resp.StatusCode, resp.Header.Get("ETag"))
		}
	}
}

func TestAnEmptyFeedSaysTheSameUpdatedTimeOnEveryPoll(t *testing.T) {
	srv, _ := newIndexServer(t, tampere, nokia)
	var seen []string
	for range 3 {
		_, body := rawGet(t, srv.URL+"/feed.atom?q=olematonsana")
		m := feedUpdated.FindSubmatch(body)
		if m == nil {
			t.Fatalf("the feed has no <updated>: %s", body)
		}
		seen = append(seen, string(m[1]))
	}
	if seen[0] != seen[1] || seen[1] != seen[2] {
		t.Errorf("an empty feed's <updated> on three polls: %v, want one time", seen)
	}
	_, body := rawGet(t, srv.URL+"/feed.atom?q=päihde")
	if m := feedUpdated.FindSubmatch(body); m == nil || string(m[1]) != "2024-05-02T00:00:00Z" {
		t.Errorf("the feed's <updated> is %q, want its newest entry's (nokia, 2024-05-02)", m)
	}
}

func TestResponsesAreCompressedWhenTheClientAcceptsIt(t *testing.T) {
	srv, _ := newIndexServer(t, tampere, nokia, porvoo)
	_, page := rawGet(t, srv.URL+"/")
	css := regexp.MustCompile(`/static/style\.css\?v=[0-9a-f]+`).Find(page)
	js := regexp.MustCompile(`/static/app\.js\?v=[0-9a-f]+`).Find(page)
	for _, p := range []string{"/", "/?q=päihde", "/malli/tampere", "/api/v1/search?q=päihde", "/api/v1/facets", "/feed.atom", string(css), string(js), "/ei-ole"} {
		plain, raw := rawGet(t, srv.URL+p)
		zipped, body := rawGet(t, srv.URL+p, "Accept-Encoding", "gzip, deflate, br")
		if plain.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: compressed (%s) for a client that did not ask", p, plain.Header.Get("Content-Encoding"))
		}
		if zipped.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(zipped.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Content-Encoding %q Vary %q, want gzip, varying with Accept-Encoding", p, zipped.Header.Get("Content-Encoding"), zipped.Header.Get("Vary"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s: not gzip: %v", p, err)
			continue
		}
		unzipped, err := io.ReadAll(zr)
		took := regexp.MustCompile(`"took_ms":[0-9.]+`) // the one thing that differs from one search to the next
		if err != nil || !bytes.Equal(took.ReplaceAll(unzipped, nil), took.ReplaceAll(raw, nil)) {
			t.Errorf("%s: the gzipped body (%d bytes) unzips to %d bytes (%v), want the %d plain ones", p, len(body), len(unzipped), err, len(raw))
		}
		if p == "/" {
			t.Logf("start page: %d bytes plain, %d gzipped", len(raw), len(body))
		}
	}
	if resp, _ := rawGet(t, srv.URL+"/", "Accept-Encoding", "gzip;q=0, identity"); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still got %s", resp.Header.Get("Content-Encoding"))
	}
}
