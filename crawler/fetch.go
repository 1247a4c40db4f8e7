package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// Clock tells the time and waits. The crawler paces and backs off through it, so tests
// inject a fake one and never sleep for real.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, returning ctx's error in that case.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

const (
	maxRetries    = 2 // after the first attempt, so at most 3 requests per URL
	backoffBase   = time.Second
	backoffCap    = 60 * time.Second
	maxRetryAfter = time.Hour // a longer Retry-After is not waited for
	maxRedirects  = 5
)

// ErrTooLarge means a body was larger than the crawler accepts.
var ErrTooLarge = errors.New("body too large")

// errRedirect marks a redirect the client refused to follow.
var errRedirect = errors.New("redirect refused")

// statusError is an HTTP answer the crawler could not use.
type statusError struct{ code int }

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.code, http.StatusText(e.code))
}

// response is one HTTP answer with its body read, at most limit bytes of it.
type response struct {
	URL       *url.URL // after redirects
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool // the body was longer than the limit and was cut there
}

// fetcher does the site's HTTP: User-Agent, per-host pacing and concurrency, and retries
// with backoff that honour Retry-After.
type fetcher struct {
	client      *http.Client
	userAgent   string
	clock       Clock
	interval    time.Duration // least time between request starts on one host
	concurrency int           // requests in flight per host
	log         *slog.Logger

	mu    sync.Mutex
	hosts map[string]*hostGate
}

// newClient is the crawler's own HTTP client (RELIABILITY §2): timeouts at every step and
// redirects only to allowed hosts.
func newClient(concurrency int, allowed func(*url.URL) bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxConnsPerHost:       concurrency,
		MaxIdleConnsPerHost:   concurrency,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second, CheckRedirect: checkRedirect(allowed)}
}

func checkRedirect(allowed func(*url.URL) bool) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects: %w", maxRedirects, errRedirect)
		}
		if !allowed(req.URL) {
			return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), errRedirect)
		}
		return nil
	}
}

// get fetches rawURL with the extra header, reading at most limit bytes of the body. Network
// errors and 429/502/503/504 answers are retried up to maxRetries times; the last answer is
// returned whatever its status.
func (f *fetcher) get(ctx context.Context, rawURL string, header http.Header, limit int64) (*response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	gate := f.gate(u.Host)
	for attempt := 0; ; attempt++ {
		resp, err := f.once(ctx, gate, u, header, limit)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, ctx.Err())
		}
		if attempt == maxRetries || !retryable(resp, err) {
			if err != nil {
				return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
			}
			return resp, nil
		}
		wait := backoff(attempt)
		if resp != nil {
			if d, ok := retryAfter(resp.Header, f.clock.Now()); ok {
				if d > maxRetryAfter {
					return resp, nil
				}
				// Retry-After holds for the whole host: no request to it before then.
				gate.pauseUntil(f.clock.Now().Add(d))
				wait = 0
			}
		}
		f.log.Info("retrying", "url", rawURL, "attempt", attempt+1, "reason", retryReason(resp, err), "wait", wait)
		if err := f.clock.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
		}
	}
}

// once makes one request, holding one of the host's slots until its body is read.
func (f *fetcher) once(ctx context.Context, gate *hostGate, u *url.URL, header http.Header, limit int64) (*response, error) {
	if err := gate.acquire(ctx, f.clock); err != nil {
		return nil, err
	}
	defer gate.release()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", f.userAgent)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	r := &response{URL: resp.Request.URL, Status: resp.StatusCode, Header: resp.Header, Body: body}
	if int64(len(body)) > limit {
		r.Body, r.Truncated = body[:limit], true
	}
	return r, nil
}

func retryable(resp *response, err error) bool {
	if err != nil {
		return !errors.Is(err, errRedirect) && !errors.Is(err, context.Canceled)
	}
	switch resp.Status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func retryReason(resp *response, err error) string {
	if err != nil {
		return err.Error()
	}
	return (&statusError{resp.Status}).Error()
}

// backoff is full-jitter exponential backoff: a random wait up to base·2^attempt, capped.
func backoff(attempt int) time.Duration {
	d := min(backoffCap, backoffBase<<attempt)
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// retryAfter reads a Retry-After header, delta-seconds or an HTTP-date; negative or
// unreadable values are ignored.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		n = min(n, int64(100*maxRetryAfter/time.Second)) // no overflow
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// gate returns the pacing state of one host.
func (f *fetcher) gate(host string) *hostGate {
	host = strings.ToLower(host)
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.hosts[host]
	if !ok {
		g = &hostGate{slots: make(chan struct{}, f.concurrency), interval: f.interval}
		f.hosts[host] = g
	}
	return g
}

// hostGate limits one host: at most cap(slots) requests in flight, and request starts at
// least interval apart (and none before a Retry-After pause ends).
type hostGate struct {
	slots chan struct{}

	mu       sync.Mutex
	interval time.Duration
	next     time.Time // earliest start of the next request
}

func (g *hostGate) acquire(ctx context.Context, clock Clock) error {
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	now := clock.Now()
	start := g.next
	if start.Before(now) {
		start = now
	}
	g.next = start.Add(g.interval)
	g.mu.Unlock()
	if err := clock.Sleep(ctx, start.Sub(now)); err != nil {
		<-g.slots
		return err
	}
	return nil
}

func (g *hostGate) release() { <-g.slots }

func (g *hostGate) pauseUntil(t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.next.Before(t) {
		g.next = t
	}
}

// slowDown makes the interval at least d (robots.txt Crawl-delay); it never speeds up.
func (g *hostGate) slowDown(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.interval = max(g.interval, d)
}

// isHTML reports whether a body of the given Content-Type (sniffed when absent) is HTML.
func isHTML(contentType string, body []byte) bool {
	if contentType == "" {
		contentType = http.DetectContentType(body)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "text/html" || mt == "application/xhtml+xml")
}

const utf8BOM = "\xef\xbb\xbf"

// decodeHTML converts an HTML body to UTF-8. The encoding comes from a BOM, the Content-Type
// or a <meta> declaration; without a declaration a body that is valid UTF-8 throughout is
// UTF-8 (charset alone looks at the first KiB only and would call an ASCII-headed UTF-8 page
// windows-1252).
func decodeHTML(body []byte, contentType string) ([]byte, error) {
	if len(body) == 0 {
		return body, nil
	}
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" || (!certain && utf8.Valid(body)) {
		body = bytes.TrimPrefix(body, []byte(utf8BOM))
		if !utf8.Valid(body) {
			body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		}
		return body, nil
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return bytes.TrimPrefix(out, []byte(utf8BOM)), nil
}

// headerNoindex reports whether X-Robots-Tag headers forbid indexing for us: directives for
// all agents or for our product token.
func headerNoindex(h http.Header) bool {
	for _, v := range h.Values("X-Robots-Tag") {
		v = strings.ToLower(v)
		if i := strings.IndexByte(v, ':'); i >= 0 {
			agent := strings.TrimSpace(v[:i])
			if agent != "unavailable_after" && !strings.ContainsAny(agent, ", ") {
				if agent != robotsToken {
					continue
				}
				v = v[i+1:]
			}
		}
		if noindex, _ := robotsDirectives(v); noindex {
			return true
		}
	}
	return false
}

// robotsDirectives reads a robots meta or X-Robots-Tag directive list.
func robotsDirectives(v string) (noindex, nofollow bool) {
	for _, d := range strings.Split(strings.ToLower(v), ",") {
		switch strings.TrimSpace(d) {
		case "noindex":
			noindex = true
		case "nofollow":
			nofollow = true
		case "none":
			noindex, nofollow = true, true
		}
	}
	return noindex, nofollow
}
