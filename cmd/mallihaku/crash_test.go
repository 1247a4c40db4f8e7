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

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/web"
)

// TestMain lets the test binary stand in for the mallihaku binary in crash tests: with
// MALLIHAKU_TEST_MAIN=1 it runs the command line it was given and exits.
func TestMain(m *testing.M) {
	if os.Getenv("MALLIHAKU_TEST_MAIN") == "1" {
		if err := run(context.Background(), os.Args[1:], os.Environ(), os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "mallihaku:", err)
			os.Exit(exitCode(err))
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func searchIDs(t *testing.T, data string) (ids []string, generation string) {
	t.Helper()
	out, logs, err := runCmd(t, nil, "search", "--data", data, "--json", "--log-level", "error")
	if err != nil {
		t.Fatalf("search after restart: %v\n%s", err, logs)
	}
	var res struct {
		Total uint64
		Hits  []struct{ Model struct{ ID string } }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search output: %v\n%s", err, out)
	}
	for _, h := range res.Hits {
		ids = append(ids, h.Model.ID)
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

			cmd := exec.Command(os.Args[0], "crawl", "--full", "--site", site, "--data", data, "--rate", "0", "--failpoint", step, "--log-level", "error")
			cmd.Env = append(os.Environ(), "MALLIHAKU_TEST_MAIN=1")
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || !exit.Sys().(syscall.WaitStatus).Signaled() || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the reindex was not killed at %s: %v\n%s", step, err, out)
			}

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
	h, err := web.NewHandler(web.Config{Searcher: a.searcher, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	var searches, failures atomic.Int64
	var firstFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			queries := []string{"q=päihdetyö", "region=Uusimaa", "q=kotihoito&phase=Valmis", ""}
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
				searches.Add(1)
				if resp.StatusCode != http.StatusOK || (q == "" && res.Total != 42) {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("%s: status %d, %d models", q, resp.StatusCode, res.Total))
				}
			}
		}(i)
	}
	gens := map[string]bool{}
	for i := 0; i < 20; i++ {
		if _, err := a.reindexer.Reindex(context.Background(), indexer.Reparse, "test"); err != nil {
			t.Fatalf("reindex %d: %v", i, err)
		}
		gens[a.index.Generation()] = true
	}
	close(stop)
	wg.Wait()
	if failures.Load() > 0 || len(gens) != 20 {
		t.Errorf("%d of %d searches failed during %d generation switches (first: %v)", failures.Load(), searches.Load(), len(gens), firstFailure.Load())
	}
	t.Logf("%d searches during 20 generation switches", searches.Load())
}
