package main

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func bench(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, logs strings.Builder
	err = run(context.Background(), args, &out, &logs)
	return out.String(), logs.String(), err
}

func TestBenchMeasuresEveryViewOnASmallIndex(t *testing.T) {
	data := t.TempDir()
	out, logs, err := bench(t, "--data", data, "--docs", "120", "--requests", "3", "--clients", "2")
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
	if _, logs, err := bench(t, "--data", data, "--docs", "120", "--requests", "1"); err != nil || strings.Contains(logs, "building") {
		t.Errorf("second run: %v\n%s", err, logs)
	}
}

func TestBenchRefusesBadFlagsBeforeBuilding(t *testing.T) {
	for _, args := range [][]string{{"--docs", "0"}, {"--clients", "-1"}, {"--requests", "x"}, {"extra"}} {
		data := t.TempDir()
		_, logs, err := bench(t, append([]string{"--data", data}, args...)...)
		if !errors.Is(err, errUsage) || strings.Contains(logs, "building") {
			t.Errorf("%q: err %v, logs %q; want a usage error before any build", args, err, logs)
		}
	}
}
