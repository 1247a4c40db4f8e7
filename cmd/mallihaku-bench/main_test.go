package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// A corpus in gen.py's models.jsonl format and a query list as ../shared/perf/queries.txt
// give the views of pg_bench.py, with their figures in JSON for the comparison script.
func TestBenchMeasuresThePostgreSQLViewsOnAGeneratedCorpus(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i, region := range []string{"Pirkanmaa", "Uusimaa", "Lappi"} {
		lines = append(lines, fmt.Sprintf(`{"id":"tm%d","slug":"malli-%d","path":"/fi/toimintamalli/malli-%d","title":"Perhetyön malli %d",`+
			`"summary":"Kotihoidon ja perhetyön yhteistyö.","sections":[{"heading":"Kuvaus","text":"Nuorten päihdetyö koulussa."}],`+
			`"location":"Tampere","regions":[%q],"phase":"Valmis","topics":["Perheet"],"target_groups":["Nuoret"],"funders":["STEA"],`+
			`"created":"2021-01-0%d","modified":"2022-02-0%d"}`, i, i, i, i, region, i+1, i+1))
	}
	jsonl, queries, out := filepath.Join(dir, "models.jsonl"), filepath.Join(dir, "queries.txt"), filepath.Join(dir, "out.json")
	if err := os.WriteFile(jsonl, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(queries, []byte("# one word\nperhetyö\n# three words\nnuorten päihdetyö koulu\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, logs, err := bench(t, "--data", filepath.Join(dir, "data"), "--jsonl", jsonl, "--queries", queries, "--requests", "2", "--out", out)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, logs)
	}
	if !strings.Contains(stdout, "3 models from") || !strings.Contains(stdout, "| d 3 words + region + phase") {
		t.Errorf("output lacks the corpus or view d:\n%s", stdout)
	}
	var res struct {
		Views map[string]struct {
			P95      float64 `json:"p95_ms"`
			AvgTotal float64 `json:"avg_total"`
		} `json:"views"`
	}
	js, err := os.ReadFile(out)
	if err != nil || json.Unmarshal(js, &res) != nil {
		t.Fatalf("--out: %v\n%s", err, js)
	}
	for _, v := range []string{"a", "b", "c", "d", "e"} {
		if f, ok := res.Views[v]; !ok || f.P95 <= 0 {
			t.Errorf("view %s: %+v, want a p95", v, f)
		}
	}
	if got := res.Views["c"].AvgTotal; got != 3 {
		t.Errorf("perhetyö found %.1f models on average, want all 3", got)
	}
}
