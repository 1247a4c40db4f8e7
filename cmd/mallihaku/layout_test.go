package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mallihaku/mallihaku/sample"
)

// relabellableSite serves the sample site; once relabel is set, its model pages come in a
// layout mallihaku does not know: every label renamed, as a site release might do, and without
// validators, so that every page is downloaded again.
func relabellableSite(t *testing.T, relabelled *atomic.Bool) string {
	t.Helper()
	site, err := sample.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	relabel := strings.NewReplacer("Toimintamallin", "Käytännön", "Toimintamalli", "Käytäntö",
		"Paikkakunta", "Alue", "Luotu", "Julkaistu", "Viimeksi muokattu", "Päivitetty")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !relabelled.Load() {
			site.Handler().ServeHTTP(w, r)
			return
		}
		r.Header.Del("If-None-Match")
		r.Header.Del("If-Modified-Since")
		rec := httptest.NewRecorder()
		site.Handler().ServeHTTP(rec, r)
		resp := rec.Result()
		body, _ := io.ReadAll(resp.Body)
		for k, v := range resp.Header {
			if k != "Etag" && k != "Last-Modified" && k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		if strings.HasPrefix(r.URL.Path, "/fi/toimintamalli/") {
			body = []byte(relabel.Replace(string(body)))
		}
		w.WriteHeader(resp.StatusCode)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

var tookMS = regexp.MustCompile(`"took_ms": [0-9.]+,`)

var warnLine = regexp.MustCompile(`(?m)^.*level=WARN.*$`)

// TestCrawlOfARelabelledSiteIsDegradedAndKeepsTheIndex is issue 11's done-when: a crawl of the
// sample site rewritten in an unknown layout exits non-zero with one WARN line, and the index
// answers as before.
func TestCrawlOfARelabelledSiteIsDegradedAndKeepsTheIndex(t *testing.T) {
	data := t.TempDir()
	var relabelled atomic.Bool
	site := relabellableSite(t, &relabelled)
	if _, logs, err := runCmd(t, nil, "crawl", "--site", site, "--data", data, "--rate", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	before, _, err := runCmd(t, nil, "search", "--data", data, "--json", "--size", "100")
	before = tookMS.ReplaceAllString(before, "")
	if err != nil || !strings.Contains(before, `"total": 42,`) {
		t.Fatalf("search before: %v\n%.300s", err, before)
	}

	relabelled.Store(true)
	for _, full := range []bool{false, true} {
		args := []string{"crawl", "--site", site, "--data", data, "--rate", "0"}
		if full {
			args = append(args, "--full")
		}
		out, logs, err := runCmd(t, nil, args...)
		if err == nil || exitCode(err) == 0 || !strings.Contains(err.Error(), "crawl did not complete (degraded)") {
			t.Errorf("crawl --full=%v of the relabelled site: err %v, want a non-zero exit\n%s", full, err, out)
		}
		warns := warnLine.FindAllString(logs, -1)
		if len(warns) != 1 || !strings.Contains(warns[0], "not_models=42") || !strings.Contains(warns[0], "example_url=") {
			t.Errorf("crawl --full=%v logged %d WARN lines, want one with the counts and an example:\n%s", full, len(warns), strings.Join(warns, "\n"))
		}
		if n := strings.Count(logs, "level=INFO msg=\"page skipped\""); n > 1 { // the sample's one page that never was a model
			t.Errorf("crawl --full=%v logged %d INFO lines of skipped pages, want the 42 models summed up in the WARN line", full, n)
		}
		after, _, err := runCmd(t, nil, "search", "--data", data, "--json", "--size", "100")
		if after = tookMS.ReplaceAllString(after, ""); err != nil || after != before {
			t.Errorf("crawl --full=%v changed the index: %v\nbefore %.300s\nafter  %.300s", full, err, before, after)
		}
	}
}

var unknownRegionLine = regexp.MustCompile(`msg="unknown region" url=(\S+) value=(\S+)`)

// TestFullCrawlLogsEachUnknownRegionOnce: a full crawl reads every page and then builds the
// index from the page cache; each unknown region is still logged once per page.
func TestFullCrawlLogsEachUnknownRegionOnce(t *testing.T) {
	site, data := sampleSite(t), t.TempDir()
	for _, args := range [][]string{{}, {"--full"}, {"--reparse"}} {
		_, logs, err := runCmd(t, nil, append([]string{"crawl", "--site", site, "--data", data, "--rate", "0"}, args...)...)
		if err != nil {
			t.Fatalf("crawl %q: %v\n%s", args, err, logs)
		}
		seen := map[string]int{}
		for _, m := range unknownRegionLine.FindAllStringSubmatch(logs, -1) {
			seen[m[1]+" "+m[2]]++
		}
		if len(seen) == 0 {
			t.Errorf("crawl %q logged no unknown region; a sample page has Pohjoismaat", args)
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("crawl %q logged the unknown region %s %d times, want once", args, k, n)
			}
		}
	}
}
