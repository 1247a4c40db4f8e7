package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/sample"
)

// stallingSite is the sample site whose model pages, once stall is set, answer only when the
// request is given up; entered gets a value for each such request.
type stallingSite struct {
	URL     string
	stall   atomic.Bool
	entered chan struct{}
}

func newStallingSite(t *testing.T) *stallingSite {
	t.Helper()
	site, err := sample.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	s := &stallingSite{entered: make(chan struct{}, 100)}
	h := site.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.stall.Load() && strings.Contains(r.URL.Path, "/toimintamalli/") {
			s.entered <- struct{}{}
			<-r.Context().Done()
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func adminDo(t *testing.T, method, u, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+lifecycleToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const lifecycleToken = "lifecycle-test-token-7Qx9"

// ourGoroutines lists the goroutines, other than the caller's, running mallihaku's code.
func ourGoroutines() map[string]string {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	out := map[string]string{}
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i == 0 { // the caller
			continue
		}
		id, _, _ := strings.Cut(g, " [")
		for _, pkg := range []string{"mallihaku/reindex.", "mallihaku/indexer.", "mallihaku/crawler.", "mallihaku/web.",
			"mallihaku/search.", "main.(*app)", "main.serveHTTP", "main.run"} {
			if strings.Contains(g, pkg) {
				out[id] = g
				break
			}
		}
	}
	return out
}

func TestServeJoinsEveryGoroutineItStartsBeforeItReturns(t *testing.T) {
	site := newStallingSite(t)
	data := t.TempDir()
	if _, logs, err := runCmd(t, nil, "crawl", "--site", site.URL, "--data", data, "--rate", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	before := ourGoroutines()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWatcher{addr: make(chan string, 1)}
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--site", site.URL, "--rate", "0",
			"--admin-token", lifecycleToken, "--schedule", "* * * * *", "--log-level", "warn"}, nil, out, &stderr)
	}()
	var base string
	select {
	case base = <-out.addr:
	case err := <-done:
		t.Fatalf("serve stopped before serving: %v\n%s", err, stderr.String())
	}
	site.stall.Store(true)
	if code, body := adminDo(t, http.MethodPost, base+"/api/v1/admin/reindex", `{"mode":"full"}`); code != http.StatusAccepted {
		t.Fatalf("admin reindex: %d %s", code, body)
	}
	<-site.entered // a job is running: the crawler waits on the site
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve ended with %v\n%s", err, stderr.String())
	}
	for id, stack := range ourGoroutines() {
		if _, old := before[id]; !old {
			t.Errorf("serve returned with its %s still running:\n%s", id, stack)
		}
	}
}

// TestAReindexKilledWithTheProcessIsInterruptedAfterARestart is the truth of the job history:
// after a SIGKILL during a reindex, the admin jobs and the status show the job interrupted,
// and /metrics the last success from before the kill.
func TestAReindexKilledWithTheProcessIsInterruptedAfterARestart(t *testing.T) {
	site := newStallingSite(t)
	data := t.TempDir()
	if _, logs, err := runCmd(t, nil, "crawl", "--full", "--site", site.URL, "--data", data, "--rate", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	site.stall.Store(true)

	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--data", data, "--site", site.URL, "--rate", "0",
		"--admin-token", lifecycleToken, "--schedule", "off", "--full-schedule", "off", "--log-level", "error")
	cmd.Env = append(os.Environ(), "MALLIHAKU_TEST_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var wait sync.Once
	t.Cleanup(func() { cmd.Process.Kill(); wait.Do(func() { cmd.Wait() }) })
	lines := bufio.NewScanner(stdout)
	var base string
	for base == "" && lines.Scan() {
		if m := regexp.MustCompile(`serving search on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatal("the server did not start")
	}
	if code, body := adminDo(t, http.MethodPost, base+"/api/v1/admin/reindex", `{"mode":"incremental"}`); code != http.StatusAccepted {
		t.Fatalf("admin reindex: %d %s", code, body)
	}
	<-site.entered
	cmd.Process.Kill() // SIGKILL
	wait.Do(func() { cmd.Wait() })

	base = startServe(t, "--data", data, "--site", site.URL, "--admin-token", lifecycleToken, "--schedule", "off", "--full-schedule", "off")
	var jobs struct {
		Jobs []struct {
			Mode, State       string
			Finished, Noticed time.Time
		}
	}
	code, body := adminDo(t, http.MethodGet, base+"/api/v1/admin/jobs", "")
	if err := json.Unmarshal([]byte(body), &jobs); code != http.StatusOK || err != nil || len(jobs.Jobs) != 2 {
		t.Fatalf("admin jobs after the restart: %d %s", code, body)
	}
	killed, crawl := jobs.Jobs[0], jobs.Jobs[1]
	if killed.Mode != "incremental" || killed.State != "interrupted" || killed.Noticed.IsZero() {
		t.Errorf("the killed job after a restart: %+v, want incremental, interrupted, with when it was noticed", killed)
	}
	if crawl.State != "done" {
		t.Fatalf("the crawl before the kill: %+v", crawl)
	}
	var status struct {
		LastReindex struct{ State string } `json:"last_reindex"`
	}
	getJSON(t, base+"/api/v1/status", &status)
	if status.LastReindex.State != "interrupted" {
		t.Errorf("/api/v1/status says the last reindex is %q, want interrupted as the admin jobs say", status.LastReindex.State)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := fmt.Sprintf("mallihaku_last_successful_reindex_timestamp_seconds %g", float64(crawl.Finished.Unix()))
	if !strings.Contains(string(metrics), want+"\n") {
		t.Errorf("/metrics after the restart lacks %q (the crawl before the kill):\n%s", want, grepLines(string(metrics), "last_successful"))
	}
	if !strings.Contains(string(metrics), `mallihaku_last_successful_reindex_count{count="indexed"} 42`) {
		t.Errorf("/metrics after the restart lacks the last success's 42 indexed models:\n%s", grepLines(string(metrics), "last_successful"))
	}
}

func grepLines(s, word string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
