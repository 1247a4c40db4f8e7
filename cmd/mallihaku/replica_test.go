package main

import (
	"context"
	"errors"
	"fmt"
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

	"github.com/mallihaku/mallihaku/internal/s3test"
	"github.com/mallihaku/mallihaku/reindex/publish"
	"github.com/mallihaku/mallihaku/sample"
)

// server is one mallihaku serve process started in the test, stopped when the test ends.
type server struct {
	base   string
	stderr *syncBuffer
}

func startServeEnv(t testing.TB, env []string, args ...string) server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWatcher{addr: make(chan string, 1)}
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--search-rate", "0"}, args...), env, out, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve %v ended with %v\n%s", args, err, stderr.String())
		}
	})
	select {
	case base := <-out.addr:
		return server{base, stderr}
	case err := <-done:
		done <- err
		t.Fatalf("serve stopped before serving: %v\n%s", err, stderr.String())
	}
	return server{}
}

type replicationStatus struct {
	Generation  string `json:"generation"`
	Documents   uint64 `json:"documents"`
	Replication struct {
		Role     string  `json:"role"`
		Served   string  `json:"served_generation"`
		Manifest string  `json:"manifest_generation"`
		Since    float64 `json:"seconds_since_agreed"`
		Error    string  `json:"error"`
	} `json:"replication"`
}

func replStatus(t *testing.T, s server) replicationStatus {
	t.Helper()
	var st replicationStatus
	if code := getJSON(t, s.base+"/api/v1/status", &st); code != http.StatusOK {
		t.Fatalf("%s/api/v1/status: %d", s.base, code)
	}
	return st
}

// waitFor polls cond until it holds, failing the test after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		<-tick.C
	}
}

func readyz(t *testing.T, s server) int {
	t.Helper()
	resp, err := http.Get(s.base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// changingSite is the sample site, from which one model page can be taken away.
func changingSite(t *testing.T) (url, removedPath string, remove func()) {
	t.Helper()
	site, err := sample.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	pages, err := sample.Pages()
	if err != nil {
		t.Fatal(err)
	}
	gone := "/fi/toimintamalli/" + pages[0].Slug
	var removed atomic.Bool
	h := site.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if removed.Load() && strings.TrimSuffix(r.URL.Path, "/") == strings.TrimSuffix(gone, "/") {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, gone, func() { removed.Store(true) }
}

func TestTwoReplicasServeTheWritersModelsAndFollowItsReindexWithoutAFailedSearch(t *testing.T) {
	storage := s3test.Start(t, "mallihaku")
	env := storage.Env()
	bucket := "s3://mallihaku/prod"
	site, _, remove := changingSite(t)
	interval := "1s"

	// Replicas started before anything is published wait, not ready.
	var replicas []server
	for range 2 {
		replicas = append(replicas, startServeEnv(t, env, "--replica-of", bucket, "--replica-interval", interval, "--data", t.TempDir()))
	}
	for _, r := range replicas {
		if code := readyz(t, r); code != http.StatusServiceUnavailable {
			t.Errorf("a replica with nothing published answers /readyz %d, want 503", code)
		}
	}

	writerData := t.TempDir()
	if _, logs, err := runCmd(t, nil, "crawl", "--full", "--site", site, "--data", writerData, "--rate", "0"); err != nil {
		t.Fatalf("first crawl: %v\n%s", err, logs)
	}
	token := "replica-test-admin-token"
	writer := startServeEnv(t, env, "--site", site, "--publish", bucket, "--data", writerData, "--rate", "0",
		"--schedule", "off", "--full-schedule", "off", "--admin-token", token, "--replica-interval", interval)
	first := replStatus(t, writer)
	waitFor(t, "the writer to publish its generation", func() bool {
		st := replStatus(t, writer)
		return st.Replication.Manifest != "" && st.Replication.Manifest == st.Replication.Served
	})
	published := replStatus(t, writer).Replication.Manifest
	for i, r := range replicas {
		waitFor(t, fmt.Sprintf("replica %d to serve the writer's generation", i), func() bool { return replStatus(t, r).Replication.Served == published })
		st := replStatus(t, r)
		if st.Documents != first.Documents || readyz(t, r) != http.StatusOK || st.Replication.Role != "replica" {
			t.Errorf("replica %d: %+v, /readyz %d; want the writer's %d models and ready", i, st, readyz(t, r), first.Documents)
		}
		var res searchResponse
		getJSON(t, r.base+"/api/v1/search?q=kotihoito", &res)
		var want searchResponse
		getJSON(t, writer.base+"/api/v1/search?q=kotihoito", &want)
		if res.Total != want.Total || res.Total == 0 {
			t.Errorf("replica %d finds %d models for kotihoito, the writer %d", i, res.Total, want.Total)
		}
	}

	// Searches against both replicas, all the time the site changes and they switch.
	stop := make(chan struct{})
	var searches, failures atomic.Int64
	var firstFailure atomic.Value
	var wg sync.WaitGroup
	for _, r := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Get(r.base + "/api/v1/search?q=perhe")
				searches.Add(1)
				if err != nil || resp.StatusCode != http.StatusOK {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprint(err, resp))
				}
				if resp != nil {
					resp.Body.Close()
				}
			}
		}()
	}

	remove()
	req, _ := http.NewRequest(http.MethodPost, writer.base+"/api/v1/admin/reindex", strings.NewReader(`{"mode":"full"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("start a full reindex: %v %v", err, resp)
	}
	resp.Body.Close()
	waitFor(t, "the writer to publish the new generation", func() bool {
		st := replStatus(t, writer)
		return st.Replication.Manifest != published && st.Replication.Manifest == st.Replication.Served
	})
	moved := time.Now()
	next := replStatus(t, writer).Replication.Manifest
	for i, r := range replicas {
		waitFor(t, fmt.Sprintf("replica %d to switch", i), func() bool { return replStatus(t, r).Replication.Served == next })
		t.Logf("replica %d serves the new generation %s after the manifest moved", i, time.Since(moved).Round(time.Millisecond))
	}
	close(stop)
	wg.Wait()
	if failures.Load() > 0 || searches.Load() == 0 {
		t.Errorf("%d of %d searches during the switch failed (first: %v)", failures.Load(), searches.Load(), firstFailure.Load())
	}
	for i, r := range replicas {
		if st := replStatus(t, r); st.Documents != first.Documents-1 {
			t.Errorf("replica %d holds %d models after the reindex, want %d (one page is gone)", i, st.Documents, first.Documents-1)
		}
	}
}

func TestAServerIsTheWriterOrAReplicaNeverBoth(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--publish", "s3://b/p", "--replica-of", "s3://b/p"}, "exclude each other"},
		{[]string{"--replica-of", "s3://b/p", "--site", "http://127.0.0.1:1"}, "takes no --site"},
		{[]string{"--publish", "s3://b/p"}, "needs --site"},
		{[]string{"--replica-of", "https://b/p"}, "want s3://BUCKET/PREFIX"},
		{[]string{"--replica-of", "s3://b/p", "--replica-interval", "0s"}, "replica-interval"},
	} {
		_, _, err := runCmd(t, nil, append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, tc.args...)...)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("serve %v: %v, want a usage error saying %q", tc.args, err, tc.want)
		}
	}
}

func TestAReplicaKilledMidDownloadRestartsCleanAndServesOnlyAWholeGeneration(t *testing.T) {
	storage := s3test.Start(t, "mallihaku")
	env := storage.Env()
	bucket := "s3://mallihaku/prod"
	writerData := t.TempDir()
	if _, logs, err := runCmd(t, nil, "crawl", "--full", "--site", sampleSite(t), "--data", writerData, "--rate", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	writer := startServeEnv(t, env, "--site", "http://127.0.0.1:1", "--publish", bucket, "--data", writerData,
		"--schedule", "off", "--full-schedule", "off")
	waitFor(t, "the writer to publish", func() bool { return replStatus(t, writer).Replication.Manifest != "" })
	want := replStatus(t, writer)

	data := t.TempDir()
	cmd := exec.Command(os.Args[0], "serve", "--replica-of", bucket, "--data", data, "--addr", "127.0.0.1:0", "--log-level", "error")
	cmd.Env = append(append(os.Environ(), env...), "MALLIHAKU_TEST_MAIN=1", "MALLIHAKU_TEST_FAILPOINT="+publish.StepDownload)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !exit.Sys().(syscall.WaitStatus).Signaled() || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the replica was not killed half-way through its download: %v\n%s", err, out)
	}
	part, _ := filepath.Glob(filepath.Join(data, "replica", "*.tar"))
	if len(part) != 1 {
		t.Fatalf("the killed replica left %v, want one partial download", part)
	}

	replica := startServeEnv(t, env, "--replica-of", bucket, "--data", data, "--replica-interval", "1s")
	waitFor(t, "the restarted replica to serve the generation", func() bool { return readyz(t, replica) == http.StatusOK })
	st := replStatus(t, replica)
	if st.Documents != want.Documents || st.Replication.Served != want.Replication.Manifest {
		t.Errorf("restarted replica: %+v, want the %d models of %s", st, want.Documents, want.Replication.Manifest)
	}
	if left, _ := filepath.Glob(filepath.Join(data, "replica", "*.tar")); len(left) != 0 {
		t.Errorf("downloads left after the switch: %v", left)
	}
}
