package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mallihaku/mallihaku/sample"
)

// lineWatcher is an io.Writer for a command's stdout that hands over the address the
// command says it serves on.
type lineWatcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
	sent bool
}

var servingLine = regexp.MustCompile(`serving search on (http://\S+)`)

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := servingLine.FindStringSubmatch(w.buf.String()); m != nil && !w.sent {
		w.sent = true
		w.addr <- m[1]
	}
	return len(p), nil
}

// startDemo boots the real program (`mallihaku demo`) on a free loopback port with a temporary
// data folder and returns its base URL; the program stops when the test ends.
func startDemo(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWatcher{addr: make(chan string, 1)}
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-level", "warn"}, nil, out, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo ended with %v", err)
		}
	})
	select {
	case base := <-out.addr:
		return base
	case err := <-done:
		done <- err
		t.Fatalf("demo stopped before serving: %v\n%s", err, stderr.String())
	}
	return ""
}

func getJSON(t *testing.T, u string, v any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v\n%s", u, err, b)
		}
	}
	return resp.StatusCode
}

type searchResponse struct {
	Total uint64 `json:"total"`
	Hits  []struct {
		ID     string   `json:"id"`
		Region []string `json:"region"`
		Phase  string   `json:"phase"`
	} `json:"hits"`
	Facets map[string][]struct {
		Value    string `json:"value"`
		Count    int    `json:"count"`
		Selected bool   `json:"selected"`
	} `json:"facets"`
}

func TestDemoIndexesEverySampleModelOnceAndServesSearch(t *testing.T) {
	manifest, err := sample.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	base := startDemo(t)

	if code := getJSON(t, base+"/readyz", nil); code != http.StatusOK {
		t.Errorf("/readyz = %d, want 200", code)
	}

	// Every sample model is indexed exactly once, and nothing else (news, sub-pages, the
	// moved-page notice) is.
	var all searchResponse
	getJSON(t, base+"/api/v1/search?size=100&facet_size=100", &all)
	var got, want []string
	for _, h := range all.Hits {
		got = append(got, h.ID)
	}
	for _, e := range manifest {
		want = append(want, e.ID)
	}
	sort.Strings(got)
	sort.Strings(want)
	if all.Total != uint64(len(manifest)) || !slices.Equal(got, want) {
		t.Fatalf("indexed %d models %q,\nwant the %d of the manifest %q", all.Total, got, len(want), want)
	}

	// Region and phase facet counts are what the manifest says.
	for _, facet := range []string{"region", "phase"} {
		wantCounts := map[string]int{}
		for _, e := range manifest {
			values := e.Region
			if facet == "phase" {
				values = []string{e.Phase}
			}
			for _, v := range values {
				wantCounts[v]++
			}
		}
		gotCounts := map[string]int{}
		for _, v := range all.Facets[facet] {
			gotCounts[v.Value] = v.Count
		}
		if fmt.Sprint(gotCounts) != fmt.Sprint(wantCounts) {
			t.Errorf("%s facet = %v, want %v", facet, gotCounts, wantCounts)
		}
	}

	// A region filter and a phase filter narrow the results to what the manifest expects.
	var pirkanmaa, ready searchResponse
	getJSON(t, base+"/api/v1/search?size=100&region=Pirkanmaa", &pirkanmaa)
	getJSON(t, base+"/api/v1/search?size=100&phase=Valmis&region=Pirkanmaa", &ready)
	wantPirkanmaa, wantReady := 0, 0
	for _, e := range manifest {
		if slices.Contains(e.Region, "Pirkanmaa") {
			wantPirkanmaa++
			if e.Phase == "Valmis" {
				wantReady++
			}
		}
	}
	if pirkanmaa.Total != uint64(wantPirkanmaa) || ready.Total != uint64(wantReady) || ready.Total >= pirkanmaa.Total {
		t.Errorf("region=Pirkanmaa gave %d (want %d); with phase=Valmis %d (want %d)", pirkanmaa.Total, wantPirkanmaa, ready.Total, wantReady)
	}
	for _, h := range ready.Hits {
		if !slices.Contains(h.Region, "Pirkanmaa") || h.Phase != "Valmis" {
			t.Errorf("filtered hit %s has region %q phase %q", h.ID, h.Region, h.Phase)
		}
	}

	// Each model's whole document, with ISO dates and normalised regions.
	for _, e := range manifest {
		var m map[string]any
		if code := getJSON(t, base+"/api/v1/models/"+url.PathEscape(e.ID), &m); code != http.StatusOK {
			t.Errorf("model %s: status %d", e.ID, code)
			continue
		}
		check := func(field string, want any) {
			if g, w := fmt.Sprint(m[field]), fmt.Sprint(want); g != w {
				t.Errorf("model %s: %s = %s, want %s", e.ID, field, g, w)
			}
		}
		check("title", e.Title)
		check("region", e.Region)
		check("wellbeing_county", e.WellbeingCounty)
		check("municipality", e.Municipality)
		check("phase", e.Phase)
		check("topics", e.Topics)
		check("created", e.Created)
		check("modified", e.Modified)
		if sections, _ := m["sections"].([]any); len(sections) < 3 {
			t.Errorf("model %s: %d sections, want at least 3", e.ID, len(sections))
		}
		if !strings.HasSuffix(fmt.Sprint(m["url"]), "/fi/toimintamalli/"+e.ID) {
			t.Errorf("model %s: url %v", e.ID, m["url"])
		}
	}
	if code := getJSON(t, base+"/api/v1/models/ei-tallaista-mallia", nil); code != http.StatusNotFound {
		t.Errorf("unknown model: status %d, want 404", code)
	}
}
