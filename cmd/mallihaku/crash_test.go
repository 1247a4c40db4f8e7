package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/crawler"
	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/practice"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/web"
)

// TestMain lets the test binary stand in for the mallihaku binary in crash tests: with
// MALLIHAKU_TEST_MAIN=1 it runs the command line it was given and exits, and with
// MALLIHAKU_TEST_FAILPOINT=STEP too it kills itself at that step of an index switch. Only the
// test binary reads these; mallihaku itself has no way to be told to crash.
func TestMain(m *testing.M) {
	if os.Getenv("MALLIHAKU_TEST_MAIN") == "1" {
		var h hooks
		if step := os.Getenv("MALLIHAKU_TEST_FAILPOINT"); step != "" {
			h.failpoint = crashAt(step)
		}
		if err := runWith(context.Background(), h, os.Args[1:], os.Environ(), os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "mallihaku:", err)
			os.Exit(exitCode(err))
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// restart opens the data folder's index as serve and crawl do at start, then closes it: what
// a process that writes tidies up then (a search, which only reads, tidies nothing).
func restart(t *testing.T, data string) {
	t.Helper()
	ix, err := indexer.Open(data, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	ix.Close()
}

func searchIDs(t *testing.T, data string) (ids []string, generation string) {
	t.Helper()
	out, logs, err := runCmd(t, nil, "search", "--data", data, "--json", "--log-level", "error")
	if err != nil {
		t.Fatalf("search after restart: %v\n%s", err, logs)
	}
	var res searchResponse
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search output: %v\n%s", err, out)
	}
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	b, _ := os.ReadFile(filepath.Join(data, "index", "CURRENT"))
	return ids, strings.TrimSpace(string(b))
}

func TestKilledFullReindexLeavesASoundIndexAtEveryStep(t *testing.T) {
	site := sampleSite(t)
	for _, step := range []string{indexer.StepBuild, indexer.StepValidate, indexer.StepPointer, indexer.StepSwap, indexer.StepRemove} {
		t.Run(step, func(t *testing.T) {
			data := t.TempDir()
			if _, logs, err := runCmd(t, nil, "crawl", "--full", "--site", site, "--data", data, "--rate", "0"); err != nil {
				t.Fatalf("first crawl: %v\n%s", err, logs)
			}
			before, oldGen := searchIDs(t, data)

			cmd := exec.Command(os.Args[0], "crawl", "--full", "--site", site, "--data", data, "--rate", "0", "--log-level", "error")
			cmd.Env = append(os.Environ(), "MALLIHAKU_TEST_MAIN=1", "MALLIHAKU_TEST_FAILPOINT="+step)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || !exit.Sys().(syscall.WaitStatus).Signaled() || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the reindex was not killed at %s: %v\n%s", step, err, out)
			}

			restart(t, data)
			after, gen := searchIDs(t, data)
			if strings.Join(after, ",") != strings.Join(before, ",") || len(after) == 0 {
				t.Errorf("after a crash at %s the index serves %d models, before it %d", step, len(after), len(before))
			}
			switchedBeforeCrash := step == indexer.StepSwap || step == indexer.StepRemove || step == indexer.StepPointer
			if (gen == oldGen) == switchedBeforeCrash {
				t.Errorf("crash at %s: serving generation %s (old %s)", step, gen, oldGen)
			}
			entries, _ := os.ReadDir(filepath.Join(data, "index"))
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".building") {
					t.Errorf("the unfinished generation %s is still there after a restart", e.Name())
				}
			}
		})
	}
}

func TestCrawlKilledBeforeItsChangesReachTheIndexIsMadeGoodByTheNextRun(t *testing.T) {
	site, data := sampleSite(t), t.TempDir()
	cmd := exec.Command(os.Args[0], "crawl", "--site", site, "--data", data, "--rate", "0", "--log-level", "error")
	cmd.Env = append(os.Environ(), "MALLIHAKU_TEST_MAIN=1", "MALLIHAKU_TEST_FAILPOINT="+indexer.StepApply)
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("the crawl was not killed:\n%s", out)
	}
	// Every page is now recorded as fetched, but the index never got the models. The next
	// incremental crawl finds nothing changed on the site, and must still end with all of them.
	out, logs, err := runCmd(t, nil, "crawl", "--site", site, "--data", data, "--rate", "0")
	if err != nil || !strings.Contains(out, "done: 42 models in the index") {
		t.Errorf("the crawl after the crash: %v\n%s\n%s", err, out, logs)
	}
	if !strings.Contains(logs, "did not finish") {
		t.Errorf("the rebuild after the crash was not reported:\n%s", logs)
	}
}

func TestSearchesNeverFailWhileGenerationsSwap(t *testing.T) {
	site, data := sampleSite(t), t.TempDir()
	if _, logs, err := runCmd(t, nil, "crawl", "--site", site, "--data", data, "--rate", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := openApp(config{Data: data, Site: site, OpenTimeout: 5 * time.Second}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The models come from the page cache once; each switch then builds a whole new
	// generation from them, as a full reindex does. A dozen models keep twenty builds quick
	// under the race detector; the switch is the same whatever the size.
	var models []practice.Model
	src, err := crawler.New(crawler.Config{Site: site, Profile: extract.Innokyla(), Store: a.store})
	if err != nil {
		t.Fatal(err)
	}
	src.Models(context.Background(), func(m practice.Model) error {
		if len(models) < 12 {
			models = append(models, m)
		}
		return nil
	})
	fill := indexer.Models(models...)
	if _, err := a.index.Build(context.Background(), fill); err != nil {
		t.Fatal(err)
	}
	h, err := web.NewHandler(web.Config{Searcher: a.searcher, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	var searches, failures, shed atomic.Int64
	var firstFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			queries := []string{"q=päihdetyö&size=5", "region=Uusimaa&size=5", "q=kotihoito&phase=Valmis&size=5", "size=5"}
			for {
				select {
				case <-stop:
					return
				default:
				}
				q := queries[i%len(queries)]
				resp, err := http.Get(srv.URL + "/api/v1/search?" + q)
				if err != nil {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, err.Error())
					continue
				}
				var res struct{ Total int }
				json.NewDecoder(resp.Body).Decode(&res)
				resp.Body.Close()
				if resp.StatusCode == http.StatusTooManyRequests {
					// The service shed load and said when to come back, as it may under a
					// burst on two cores; the client asks again.
					shed.Add(1)
					continue
				}
				searches.Add(1)
				if resp.StatusCode != http.StatusOK || (q == "size=5" && res.Total != 12) {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("%s: status %d, %d models", q, resp.StatusCode, res.Total))
				}
			}
		}(i)
	}
	gens := map[string]bool{}
	for i := 0; i < 20; i++ {
		if _, err := a.index.Build(context.Background(), fill); err != nil {
			t.Fatalf("switch %d: %v", i, err)
		}
		gens[a.index.Generation()] = true
	}
	close(stop)
	wg.Wait()
	if failures.Load() > 0 || len(gens) != 20 || searches.Load() < 100 {
		t.Errorf("%d of %d searches failed during %d generation switches (first: %v)", failures.Load(), searches.Load(), len(gens), firstFailure.Load())
	}
	t.Logf("%d searches answered during 20 generation switches, %d asked to come back (429)", searches.Load(), shed.Load())
}

// startServe runs `mallihaku serve` with args until the test ends and returns its base URL.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWatcher{addr: make(chan string, 1)}
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...), nil, out, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve ended with %v", err)
		}
	})
	select {
	case base := <-out.addr:
		return base
	case err := <-done:
		done <- err
		t.Fatalf("serve stopped before serving: %v\n%s", err, stderr.String())
	}
	return ""
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitReady polls /readyz until it answers 200, for at most a minute.
func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		<-time.After(20 * time.Millisecond)
	}
	t.Fatal("/readyz never answered 200")
}

func TestCorruptIndexIsRebuiltFromThePageCacheAtStartUp(t *testing.T) {
	site, data := sampleSite(t), t.TempDir()
	if _, logs, err := runCmd(t, nil, "crawl", "--full", "--site", site, "--data", data, "--rate", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	cur, _ := os.ReadFile(filepath.Join(data, "index", "CURRENT"))
	if err := os.Truncate(filepath.Join(data, "index", strings.TrimSpace(string(cur)), "store", "root.bolt"), 0); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, "--data", data, "--site", site, "--schedule", "off", "--full-schedule", "off")
	waitReady(t, base)
	var res searchResponse
	getJSON(t, base+"/api/v1/search", &res)
	if res.Total != 42 {
		t.Errorf("after a corrupt generation the service serves %d models, want all 42 back", res.Total)
	}
}

// TestASecondInstanceOnTheSameDataFolderIsRefused is RELIABILITY test 37. The lock mallihaku
// chose is the data folder itself: one process at a time holds its store, so two servers, or
// a server and a crawl from cron, can never crawl into one folder on the same tick.
func TestASecondInstanceOnTheSameDataFolderIsRefused(t *testing.T) {
	site, data := sampleSite(t), t.TempDir()
	if _, logs, err := runCmd(t, nil, "crawl", "--site", site, "--data", data, "--rate", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	startServe(t, "--data", data, "--site", site, "--schedule", "0 3 * * *", "--full-schedule", "off")
	for _, args := range [][]string{
		{"serve", "--data", data, "--site", site, "--addr", "127.0.0.1:0"},
		{"crawl", "--data", data, "--site", site},
	} {
		_, logs, err := runCmd(t, nil, append(args, "--open-timeout", "200ms", "--log-level", "warn")...)
		if err == nil || !strings.Contains(err.Error(), "in use by another mallihaku process") {
			t.Errorf("%s beside a running server: %v, want the data folder refused as in use\n%s", args[0], err, logs)
		}
	}
}

// crashAt returns a failpoint that kills the process with SIGKILL at the named step of an
// index generation switch: nothing runs after it, as in a power cut.
func crashAt(step string) func(string) {
	return func(s string) {
		if s == step {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	}
}
