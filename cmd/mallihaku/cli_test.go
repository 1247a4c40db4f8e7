package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mallihaku/mallihaku/crawler"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/sample"
)

func runCmd(t *testing.T, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, env, &out, &errOut)
	return out.String(), errOut.String(), err
}

func sampleSite(t *testing.T) string {
	t.Helper()
	site, err := sample.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestCrawlThenSearchFromTheTerminal(t *testing.T) {
	site, data := sampleSite(t), t.TempDir()
	out, logs, err := runCmd(t, nil, "crawl", "--site", site, "--data", data, "--rate", "0")
	if err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	if !strings.Contains(out, "done: 42 models in the index") {
		t.Errorf("crawl output %q", out)
	}
	if !strings.Contains(logs, "not a practice-model page") || !strings.Contains(logs, "sivu-siirretty") {
		t.Errorf("the page without labels was not reported as skipped:\n%s", logs)
	}
	if !strings.Contains(logs, "value=Pohjoismaat") {
		t.Errorf("the unknown region value was not reported:\n%s", logs)
	}

	// A second, incremental crawl downloads nothing that did not change.
	out, logs, err = runCmd(t, nil, "crawl", "--site", site, "--data", data, "--rate", "0")
	if err != nil {
		t.Fatalf("second crawl: %v\n%s", err, logs)
	}
	if !strings.Contains(out, "not modified 43") || !strings.Contains(out, "done: 42 models in the index") {
		t.Errorf("second crawl output %q", out)
	}

	out, _, err = runCmd(t, nil, "search", "--data", data, "--region", "Pohjois-Karjala", "muistihoitaja")
	if err != nil || !strings.Contains(out, "1 models found") || !strings.Contains(out, "Pohjois-Karjala") {
		t.Errorf("search: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "search", "--data", data, "--json", "--phase", "Valmis")
	var res struct{ Total int }
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || res.Total == 0 || res.Total >= 42 {
		t.Errorf("search --json --phase Valmis: %v, total %d", err, res.Total)
	}

	// --reparse rebuilds the index from the page cache alone: the site may be gone.
	out, logs, err = runCmd(t, nil, "crawl", "--reparse", "--data", data)
	if err != nil || !strings.Contains(out, "done: 42 models in the index") {
		t.Errorf("reparse: %v\n%s\n%s", err, out, logs)
	}
}

func TestCrawlOfAnUnreachableSiteFailsAndKeepsTheIndex(t *testing.T) {
	site, data := sampleSite(t), t.TempDir()
	if _, logs, err := runCmd(t, nil, "crawl", "--site", site, "--data", data, "--rate", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	srv := httptest.NewServer(nil)
	dead := srv.URL
	srv.Close()
	_, _, err := runCmd(t, nil, "crawl", "--full", "--site", dead, "--data", data, "--rate", "0")
	if err == nil || !strings.Contains(err.Error(), "crawl did not complete") {
		t.Errorf("crawl of a dead site: %v, want a clear failure", err)
	}
	out, _, err := runCmd(t, nil, "search", "--data", data)
	if err != nil || !strings.Contains(out, "42 models found") {
		t.Errorf("after the failed crawl the index holds: %v %s", err, out)
	}
}

func TestInspectReportsFieldsOfASeedPageAndRefusesAPageWithoutLabels(t *testing.T) {
	seeds, _ := filepath.Glob("../../../shared/seeds/000_*.txt")
	if len(seeds) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("../shared/seeds is missing")
		}
		t.Skip("no ../shared/seeds beside the project")
	}
	out, _, err := runCmd(t, nil, "inspect", seeds[0])
	if err != nil {
		t.Fatalf("inspect seed: %v\n%s", err, out)
	}
	for _, want := range []string{`"region": [`, `"Pirkanmaa"`, `"created": "2021-11-09"`, `"phase": "Kehitteillä"`, "Toimintamallin nimi"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %s:\n%s", want, out)
		}
	}

	page := filepath.Join(t.TempDir(), "uutinen.html")
	os.WriteFile(page, []byte("<html><body><h1>Ajankohtaista</h1><p>Uusia malleja julkaistu.</p></body></html>"), 0o644)
	out, _, err = runCmd(t, nil, "inspect", page)
	if err == nil || !strings.Contains(err.Error(), "not a practice-model page") {
		t.Errorf("inspect of a page without labels: %v\n%s", err, out)
	}
}

func TestVersionNamesTheAnalyzer(t *testing.T) {
	out, _, err := runCmd(t, nil, "version")
	if err != nil || !strings.Contains(out, "mallihaku "+version) || !strings.Contains(out, runtime.Version()[2:]) ||
		!strings.Contains(out, "analyzer "+analyzerName()+"\n") {
		t.Errorf("version: %v\n%s", err, out)
	}
}

func TestFlagsWinOverEnvironmentAndSecretsAreRedacted(t *testing.T) {
	var cfg config
	fs := flagSet("serve", &cfg, &bytes.Buffer{}, "data", "rate", "admin-token")
	err := parse(fs, []string{"--rate", "0.5"}, []string{"MALLIHAKU_RATE=3", "MALLIHAKU_DATA=/srv/mallihaku", "MALLIHAKU_ADMIN_TOKEN=salainen-avain-123456"})
	if err != nil || cfg.Rate != 0.5 || cfg.Data != "/srv/mallihaku" {
		t.Errorf("rate %v data %q err %v; want the flag's 0.5 and the environment's data folder", cfg.Rate, cfg.Data, err)
	}
	var logs bytes.Buffer
	log, _ := newLogger(&logs, "info")
	logConfig(log, "serve", fs)
	if strings.Contains(logs.String(), "salainen") || !strings.Contains(logs.String(), "admin-token=[redacted]") {
		t.Errorf("configuration log: %s", logs.String())
	}
}

func TestUsageErrorsAreOneClearLine(t *testing.T) {
	for _, args := range [][]string{{}, {"lennä"}, {"crawl", "--data", "x"}, {"serve", "--data", "x", "--admin-token", "lyhyt"}, {"search", "--size"}} {
		_, _, err := runCmd(t, nil, args...)
		if !errors.Is(err, errUsage) || exitCode(err) != 2 || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v (exit %d)", args, err, exitCode(err))
		}
	}
	_, _, err := runCmd(t, nil, "serve", "--data", t.TempDir(), "--site", "http://127.0.0.1:1", "--addr", "127.0.0.1:0", "--schedule", "joka yö")
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--schedule") || !strings.Contains(err.Error(), "five fields") {
		t.Errorf("serve with a bad schedule: %v, want a clear usage error at start-up", err)
	}
	if _, _, err := runCmd(t, []string{"MALLIHAKU_RATE=nopea"}, "crawl", "--data", "x", "--site", "http://x"); !errors.Is(err, errUsage) {
		t.Errorf("bad environment value: %v", err)
	}
}

// TestMaxPagesStopsTheCrawl: --max-pages (or MALLIHAKU_MAX_PAGES) is the page budget of a run,
// discovery included; a run that reaches it makes no more requests and ends with an error.
func TestMaxPagesStopsTheCrawl(t *testing.T) {
	site, err := sample.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/robots.txt" {
			requests.Add(1)
		}
		site.Handler().ServeHTTP(w, r)
	}))
	defer srv.Close()
	for _, c := range []struct {
		name string
		env  []string
		args []string
	}{
		{"flag", nil, []string{"--max-pages", "10"}},
		{"environment", []string{"MALLIHAKU_MAX_PAGES=10"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			requests.Store(0)
			args := append([]string{"crawl", "--site", srv.URL, "--data", t.TempDir(), "--rate", "0"}, c.args...)
			out, logs, err := runCmd(t, c.env, args...)
			if !errors.Is(err, crawler.ErrBudget) {
				t.Fatalf("crawl with a budget of 10 pages on a site of 43 models: err %v, want the page budget\n%s", err, logs)
			}
			if n := requests.Load(); n != 10 {
				t.Errorf("the crawl made %d requests besides robots.txt, want 10", n)
			}
			if strings.Contains(out, "done:") {
				t.Errorf("crawl output %q says it is done", out)
			}
		})
	}
	if _, _, err := runCmd(t, nil, "crawl", "--site", srv.URL, "--data", t.TempDir(), "--max-pages", "0"); !errors.Is(err, errUsage) {
		t.Errorf("--max-pages 0: err %v, want a usage error", err)
	}
	if requests.Load() != 10 {
		t.Errorf("--max-pages 0 made requests")
	}
	_, help, _ := runCmd(t, nil, "crawl", "-h")
	if !strings.Contains(help, "-max-pages int") || !strings.Contains(help, "(default 20000)") {
		t.Errorf("crawl -h does not show --max-pages and its default:\n%s", help)
	}
}

// TestInspectPrintsNoTerminalControls: a page full of escape sequences and bidi overrides, in a
// file whose name has them too, prints its visible text and nothing that moves, recolours or
// reorders the terminal.
func TestInspectPrintsNoTerminalControls(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "malli\x1b[2J\u202e.html")
	body := "<html><body><main>" +
		`<div class="field__label">Toimintamallin nimi</div><div class="field__item">Kylä` + "\x1b[31m\x07" + `talon kerhot</div>` +
		`<div class="field__label">Toimintamallin lyhyt kuvaus</div><div class="field__item">Kerhot ` + "\u202etxt.exe\u202c\u0085" + ` koulun jälkeen.</div>` +
		`<div class="field__label">Paikkakunta tai maakunta</div><div class="field__item">` + "\u2066Pirkanmaa\u2069" + `</div>` +
		"</main></body></html>"
	if err := os.WriteFile(page, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out, logs, err := runCmd(t, nil, "inspect", page)
	if err != nil {
		t.Fatalf("inspect: %v\n%s", err, logs)
	}
	for _, want := range []string{"Kylä[31mtalon kerhot", "Kerhot txt.exe koulun jälkeen.", "Pirkanmaa", "malli[2J.html"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	for _, r := range out {
		if r != '\n' && r != '\t' && practice.IsControl(r) {
			t.Errorf("inspect printed %U:\n%q", r, out)
			break
		}
	}
}
