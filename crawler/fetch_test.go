package crawler

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/mallihaku/mallihaku/extract"
)

func TestDecodeHTML(t *testing.T) {
	const want = "Innokylä"
	latin1, _ := charmap.Windows1252.NewEncoder().String("<p>" + want + "</p>")
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("<p>" + want + "</p>")
	late := "<html><!-- " + strings.Repeat("x", 1100) + " --><p>" + want + "</p></html>"
	tests := []struct {
		name, contentType, body string
	}{
		{"utf-8 without declaration, ä after the first KiB", "text/html", late},
		{"utf-8 without any content type", "", late},
		{"windows-1252 declared in meta", "text/html", `<meta charset="windows-1252">` + latin1},
		{"windows-1252 declared by http-equiv", "text/html", `<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">` + latin1},
		{"iso-8859-1 in the Content-Type", "text/html; charset=ISO-8859-1", latin1},
		{"windows-1252 without declaration", "text/html", latin1},
		{"utf-8 declared", "text/html; charset=utf-8", "<p>" + want + "</p>"},
		{"utf-8 with BOM", "text/html", "\xef\xbb\xbf<p>" + want + "</p>"},
		{"utf-16 with BOM", "text/html", utf16},
	}
	for _, tt := range tests {
		got, err := decodeHTML([]byte(tt.body), tt.contentType)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !strings.Contains(string(got), want) || strings.Contains(string(got), "Ã") || strings.HasPrefix(string(got), "\ufeff") {
			t.Errorf("%s: got %.60q…, want %q", tt.name, got, want)
		}
	}
	if got, err := decodeHTML(nil, "text/html"); err != nil || len(got) != 0 {
		t.Errorf("empty body: %q, %v; want empty, no error", got, err)
	}
	// Declared UTF-8 but not: Latin-1 throughout, or UTF-8 with a stray byte.
	if got, _ := decodeHTML(latin1b(t, "<p>"+want+"</p>"), "text/html; charset=utf-8"); string(got) != "<p>"+want+"</p>" {
		t.Errorf("Latin-1 declared as UTF-8 gave %q", got)
	}
	if got, _ := decodeHTML([]byte("<p>"+want+"\xff</p>"), "text/html; charset=utf-8"); string(got) != "<p>"+want+"\ufffd</p>" {
		t.Errorf("UTF-8 with a stray byte gave %q", got)
	}
	// Declared Latin-1 but UTF-8.
	if got, _ := decodeHTML([]byte("<p>"+want+"</p>"), "text/html; charset=iso-8859-1"); string(got) != "<p>"+want+"</p>" {
		t.Errorf("UTF-8 declared as ISO-8859-1 gave %q", got)
	}
}

func latin1b(t *testing.T, s string) []byte {
	t.Helper()
	b, err := latin1Bytes(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func latin1Bytes(s string) ([]byte, error) {
	return charmap.Windows1252.NewEncoder().Bytes([]byte(s))
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"7", 7 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := retryAfter(http.Header{"Retry-After": {tt.value}}, now)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("Retry-After %q = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.ok)
		}
	}
	if d, ok := retryAfter(http.Header{"Retry-After": {"9223372036"}}, now); !ok || d <= maxRetryAfter {
		t.Errorf("a huge Retry-After = %v, %v; want more than the cap, no overflow", d, ok)
	}
}

func TestHeaderNoindex(t *testing.T) {
	tests := []struct {
		values []string
		want   bool
	}{
		{[]string{"noindex"}, true},
		{[]string{"NoIndex, nofollow"}, true},
		{[]string{"none"}, true},
		{[]string{"mallihaku: noindex"}, true},
		{[]string{"googlebot: noindex"}, false},
		{[]string{"googlebot: noindex", "nofollow"}, false},
		{[]string{"noarchive", "mallihaku: none"}, true},
		{[]string{"unavailable_after: 25 Jun 2030 15:00:00 PST"}, false},
		{[]string{"noindex, unavailable_after: 25 Jun 2030 15:00:00 PST"}, true},
		{nil, false},
	}
	for _, tt := range tests {
		if got := headerNoindex(http.Header{"X-Robots-Tag": tt.values}); got != tt.want {
			t.Errorf("X-Robots-Tag %q: noindex = %v, want %v", tt.values, got, tt.want)
		}
	}
}

func TestHostGatePacesRequestStarts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &hostGate{slots: make(chan struct{}, 1), interval: time.Second}
		ctx := context.Background()
		var starts []time.Time
		for range 4 {
			if err := g.acquire(ctx); err != nil {
				t.Fatal(err)
			}
			starts = append(starts, time.Now())
			g.release()
		}
		for i := 1; i < len(starts); i++ {
			if gap := starts[i].Sub(starts[i-1]); gap < time.Second {
				t.Errorf("request %d started %v after the one before, want ≥ 1s", i, gap)
			}
		}
		// A Retry-After pause holds back the next start; the interval does not shorten it.
		pause := time.Now().Add(10 * time.Second)
		g.pauseUntil(pause)
		g.acquire(ctx)
		if time.Now().Before(pause) {
			t.Errorf("request started at %v, before the pause ended at %v", time.Now(), pause)
		}
		g.release()
		// A cancelled wait gives its slot back.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := g.acquire(cctx); !errors.Is(err, context.Canceled) {
			t.Errorf("acquire with a cancelled context = %v", err)
		}
		if len(g.slots) != 0 {
			t.Error("a cancelled acquire kept its slot")
		}
	})
}

func TestSleepStopsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		start := time.Now()
		if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
			t.Errorf("sleep = %v, want context.Canceled", err)
		}
		if time.Since(start) != 0 {
			t.Error("sleep did not return at once on a cancelled context")
		}
		// A context cancelled during the wait ends it then.
		ctx, cancel = context.WithCancel(context.Background())
		time.AfterFunc(time.Second, cancel)
		start = time.Now()
		if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) != time.Second {
			t.Errorf("sleep = %v after %v, want context.Canceled after the 1 s it took to cancel", err, time.Since(start))
		}
		if err := sleep(context.Background(), time.Minute); err != nil || time.Since(start) != time.Second+time.Minute {
			t.Errorf("sleep = %v, ended %v after start; want nil, a minute after the cancel", err, time.Since(start))
		}
	})
}

func TestClientRedirectPolicy(t *testing.T) {
	var offsite *httptest.Server
	mux := http.NewServeMux()
	var (
		mu  sync.Mutex
		uas []string
	)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uas = append(uas, r.UserAgent())
		mu.Unlock()
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/away":
			http.Redirect(w, r, offsite.URL+"/", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, "/here", http.StatusMovedPermanently)
		default:
			io.WriteString(w, "ok")
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	offsite = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the client followed a redirect off the site")
	}))
	defer offsite.Close()

	site, _ := url.Parse(srv.URL)
	canon := newCanonicalizer(site, extract.Innokyla())
	cfg := &Config{UserAgent: testUserAgent, Concurrency: 2, Logger: slog.New(slog.DiscardHandler)}
	f := newFetcher(cfg, newClient(2, 15*time.Second, 30*time.Second, canon.allowed), nil, nil)
	ctx := context.Background()
	resp, err := f.get(ctx, srv.URL+"/moved", nil, 1<<20)
	if err != nil || resp.Status != 200 || resp.URL.Path != "/here" {
		t.Errorf("redirect on the site: %v, %+v", err, resp)
	}
	if _, err := f.get(ctx, srv.URL+"/away", nil, 1<<20); !errors.Is(err, errRedirect) {
		t.Errorf("redirect off the site: %v, want errRedirect", err)
	}
	mu.Lock()
	uas = nil
	mu.Unlock()
	if _, err := f.get(ctx, srv.URL+"/loop", nil, 1<<20); !errors.Is(err, errRedirect) {
		t.Errorf("redirect loop: %v, want errRedirect", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(uas) != maxRedirects+1 {
		t.Errorf("redirect loop made %d requests, want %d (refused ones are not retried)", len(uas), maxRedirects+1)
	}
	for _, ua := range uas {
		if ua != testUserAgent {
			t.Errorf("a redirected request had User-Agent %q", ua)
		}
	}
}

func TestBodyIsCappedAtTheLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("a"), 5000))
	}))
	defer srv.Close()
	cfg := &Config{UserAgent: testUserAgent, Concurrency: 1, Logger: slog.New(slog.DiscardHandler)}
	f := newFetcher(cfg, srv.Client(), nil, nil)
	resp, err := f.get(context.Background(), srv.URL, nil, 1000)
	if err != nil || !resp.Truncated || len(resp.Body) != 1000 {
		t.Errorf("5000-byte body with a 1000-byte limit: err %v, truncated %v, %d bytes", err, resp != nil && resp.Truncated, len(resp.Body))
	}
}
