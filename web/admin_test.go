package web

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/search"
)

const token = "admin-token-for-tests-0123456789"

// jobs records what the admin API asked for; a job "runs" until finish is called.
type jobs struct {
	mu      sync.Mutex
	running bool
	started []string
}

func (j *jobs) Start(mode reindex.Mode) (reindex.Job, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.running {
		return reindex.Job{}, reindex.ErrBusy
	}
	j.running = true
	j.started = append(j.started, string(mode))
	return reindex.Job{ID: uint64(len(j.started)), Mode: mode, Trigger: reindex.ByAdmin, State: reindex.Running, Started: time.Now()}, nil
}

func (j *jobs) Recent(int) ([]reindex.Job, error) {
	return []reindex.Job{{ID: 1, Mode: reindex.Full, State: reindex.Done}}, nil
}

func (j *jobs) Next() map[reindex.Mode]time.Time { return nil }

func newAdminServer(t *testing.T, cfg Config) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ix, err := indexer.Open(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	cfg.Searcher, cfg.Logger = search.NewSearcher(ix), log
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, &logs
}

func post(t *testing.T, url, auth, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestAdminReindexNeedsTheRightTokenInTheHeader(t *testing.T) {
	j := &jobs{}
	srv, logs := newAdminServer(t, Config{AdminToken: token, Reindex: j})
	url := srv.URL + "/api/v1/admin/reindex"
	body := `{"mode":"full"}`
	wrongSameLength := strings.Repeat("x", len(token))
	for name, resp := range map[string]*http.Response{
		"no token":                  post(t, url, "", body),
		"wrong token, same length":  post(t, url, "Bearer "+wrongSameLength, body),
		"wrong token, other length": post(t, url, "Bearer nope", body),
		"token in the query string": post(t, url+"?token="+token+"&access_token="+token, "", body),
		"token without Bearer":      post(t, url, token, body),
	} {
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: %d %v, want 401 with WWW-Authenticate: Bearer", name, resp.StatusCode, resp.Header)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", name, resp.Header.Get("Cache-Control"))
		}
	}
	if len(j.started) != 0 {
		t.Fatalf("jobs started without a valid token: %v", j.started)
	}
	resp := post(t, url, "Bearer "+token, body)
	if resp.StatusCode != http.StatusAccepted || len(j.started) != 1 || j.started[0] != "full" {
		t.Errorf("right token: %d, started %v", resp.StatusCode, j.started)
	}
	if resp := post(t, url, "Bearer "+token, `{"mode":"incremental"}`); resp.StatusCode != http.StatusConflict {
		t.Errorf("while a job runs: %d, want 409", resp.StatusCode)
	}
	if resp := post(t, url, "Bearer "+token, `{"mode":"everything"}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown mode: %d, want 400", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/admin/jobs", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	r2, err := http.DefaultClient.Do(req)
	if err != nil || r2.StatusCode != http.StatusOK || r2.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("jobs: %v %v", r2, err)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the admin token appears in the logs")
	}
}

func TestAdminRoutesDoNotExistWithoutAToken(t *testing.T) {
	srv, _ := newAdminServer(t, Config{})
	if resp := post(t, srv.URL+"/api/v1/admin/reindex", "Bearer "+token, `{"mode":"full"}`); resp.StatusCode != http.StatusNotFound {
		t.Errorf("admin route without a configured token: %d, want 404", resp.StatusCode)
	}
	if _, err := NewHandler(Config{AdminToken: "lyhyt", Reindex: &jobs{}}); err == nil {
		t.Errorf("a 5-character admin token was accepted")
	}
}

func TestSearchRateLimitKeysOnThePeerNotXForwardedFor(t *testing.T) {
	srv, _ := newAdminServer(t, Config{SearchRate: 5, SearchBurst: 10})
	limited := 0
	for i := 0; i < 100; i++ {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/search?q=nuoret", nil)
		req.Header.Set("X-Forwarded-For", "10.0.0."+string(rune('0'+i%10)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			limited++
			if resp.Header.Get("Retry-After") == "" {
				t.Fatalf("429 without Retry-After")
			}
		}
	}
	if limited < 50 {
		t.Errorf("%d of 100 rapid searches were limited; rotating X-Forwarded-For must not escape the limit", limited)
	}
	// Health checks are not searches.
	if resp, _ := http.Get(srv.URL + "/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz limited: %d", resp.StatusCode)
	}
}

func TestMetricsCountSearchesAndServeTheIndexSize(t *testing.T) {
	ixDir := t.TempDir()
	ix, err := indexer.Open(ixDir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	m := NewMetrics(ix)
	m.JobDone(reindex.Job{Mode: reindex.Full, State: reindex.Done, Started: time.Now().Add(-time.Minute), Finished: time.Now(),
		Counts: reindex.Counts{reindex.Fetched: 42}})
	srv, _ := newAdminServer(t, Config{Metrics: m})
	http.Get(srv.URL + "/api/v1/search?q=nuoret")
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"mallihaku_searches_total 1", "mallihaku_index_documents 0",
		`mallihaku_http_request_duration_seconds_count{route="/api/v1/search",status="200"} 1`,
		`mallihaku_reindex_duration_seconds_count{mode="full",state="done"} 1`,
		`mallihaku_crawl_pages_total{result="fetched"} 42`, "mallihaku_last_successful_reindex_timestamp_seconds"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestSlowHeadersAreCutOffByTheServer(t *testing.T) {
	srv, _ := newAdminServer(t, Config{})
	real := NewServer("127.0.0.1:0", srv.Config.Handler)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go real.Serve(ln)
	defer real.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	// A Slowloris client: one header byte at a time, never finishing the request.
	closed := make(chan time.Duration, 1)
	go func() {
		buf := make([]byte, 1)
		conn.Read(buf) // returns when the server closes the connection
		closed <- time.Since(start)
	}()
	msg := "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 100)
	for _, b := range []byte(msg) {
		select {
		case took := <-closed:
			if took > real.ReadHeaderTimeout+time.Second {
				t.Errorf("connection closed after %v, want within %v", took, real.ReadHeaderTimeout+time.Second)
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
		conn.Write([]byte{b})
	}
	t.Errorf("the server kept a trickling connection open for %v", time.Since(start))
}

func TestAdminSchemeIsCaseInsensitive(t *testing.T) {
	j := &jobs{}
	srv, _ := newAdminServer(t, Config{AdminToken: token, Reindex: j})
	if resp := post(t, srv.URL+"/api/v1/admin/reindex", "bearer "+token, `{"mode":"full"}`); resp.StatusCode != http.StatusAccepted {
		t.Errorf("scheme bearer in lower case: %d, want 202", resp.StatusCode)
	}
	if resp := post(t, srv.URL+"/api/v1/admin/reindex", "BEARER "+token, `{"mode":"full"}`); resp.StatusCode != http.StatusConflict {
		t.Errorf("scheme BEARER: %d, want 409 (accepted, one job already runs)", resp.StatusCode)
	}
}

func TestFailedAdminSignInsAreSlowedPerAddressAndLogged(t *testing.T) {
	j := &jobs{}
	srv, logs := newAdminServer(t, Config{AdminToken: token, Reindex: j})
	url := srv.URL + "/api/v1/admin/reindex"
	codes := map[int]int{}
	for range 100 {
		resp := post(t, url, "Bearer wrong-token-guess-0123456789", `{"mode":"full"}`)
		codes[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	// A few fast guesses are answered; then at most about one a second (the loop takes far less
	// than the 90 seconds the other guesses would need).
	if codes[http.StatusUnauthorized] > adminFailureBurst+5 || codes[http.StatusTooManyRequests] < 80 {
		t.Errorf("100 rapid wrong tokens: %v, want at most %d answered 401 and the rest 429", codes, adminFailureBurst+5)
	}
	// Even the right token waits while the address is slowed: a guess cannot be confirmed.
	if resp := post(t, url, "Bearer "+token, `{"mode":"full"}`); resp.StatusCode != http.StatusTooManyRequests || len(j.started) != 0 {
		t.Errorf("right token from a slowed address: %d, started %v; want 429 and nothing started", resp.StatusCode, j.started)
	}
	if n := strings.Count(logs.String(), "admin sign-in failed"); n != codes[http.StatusUnauthorized] {
		t.Errorf("%d failed sign-ins logged, want %d", n, codes[http.StatusUnauthorized])
	}
	if !strings.Contains(logs.String(), "too many failed attempts") {
		t.Errorf("the slowed address is not logged")
	}
}

func TestAdminTokensThatCannotBeSecretsAreRefusedAtStartUp(t *testing.T) {
	for _, bad := range []string{" ", strings.Repeat(" ", 16), "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t", strings.Repeat("a", 16),
		"abababababababab12", "admin-token with-space-123", "lyhyt"} {
		if _, err := NewHandler(Config{AdminToken: bad, Reindex: &jobs{}}); err == nil {
			t.Errorf("admin token %q was accepted", bad)
		} else if err := CheckAdminToken(bad); err == nil || !strings.Contains(err.Error(), "admin token") {
			t.Errorf("CheckAdminToken(%q) = %v, want a line saying what is wrong with the admin token", bad, err)
		}
	}
	if err := CheckAdminToken(token); err != nil {
		t.Errorf("a random-looking token was refused: %v", err)
	}
}

func TestAdminRequestBodiesAreCappedAt1KiB(t *testing.T) {
	j := &jobs{}
	srv, _ := newAdminServer(t, Config{AdminToken: token, Reindex: j})
	big := `{"mode":"full","padding":"` + strings.Repeat("x", 2<<10) + `"}`
	if resp := post(t, srv.URL+"/api/v1/admin/reindex", "Bearer "+token, big); resp.StatusCode != http.StatusBadRequest || len(j.started) != 0 {
		t.Errorf("a 2 KiB body: %d, started %v; want 400 and nothing started", resp.StatusCode, j.started)
	}
	if resp := post(t, srv.URL+"/api/v1/admin/reindex", "Bearer "+token, `{"mode":"full"}`); resp.StatusCode != http.StatusAccepted {
		t.Errorf("a small body after it: %d, want 202", resp.StatusCode)
	}
}
