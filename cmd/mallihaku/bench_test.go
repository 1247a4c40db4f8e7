package main

import (
	"strings"
	"testing"
)

func TestBenchMeasuresEveryViewOnASmallIndex(t *testing.T) {
	data := t.TempDir()
	out, logs, err := runCmd(t, nil, "bench", "--data", data, "--docs", "120", "--requests", "3", "--baseline", "1", "--clients", "2")
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, logs)
	}
	for _, want := range []string{"| browse, all facets | 120 |", "| one filter (region=Pirkanmaa) |", "| one word (", "| one common word (",
		"| three words + two filters |", "| deep page", "| random filters and words (uncached) |", "| `*a*` | 400 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q:\n%s", want, out)
		}
	}
	// A second run reuses the index.
	if _, logs, err := runCmd(t, nil, "bench", "--data", data, "--docs", "120", "--requests", "1", "--baseline", "0"); err != nil || strings.Contains(logs, "building") {
		t.Errorf("second run: %v\n%s", err, logs)
	}
}
