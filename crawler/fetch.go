package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
)

// sleep waits for d or until ctx is done, returning ctx's error in that case. (Tests run
// the crawler in a testing/synctest bubble, where this waits on fake time.)
func sleep(ctx context.Context, d time.Duration) error {
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
	maxRetryAfter = time.Hour // a longer Retry-After ends the run for that host
	maxRedirects  = 5
)

var (
	// ErrTooLarge means a body was larger than the crawler accepts.
	ErrTooLarge = errors.New("body too large")
	// ErrTooManyFailures means the site failed (5xx, 408, 429, timeouts, network errors) so
	// many times in a row that the run was given up (Config.MaxFailures).
	ErrTooManyFailures = errors.New("too many failed requests in a row, run abandoned")
	// ErrPaused means the site asked, with Retry-After, for a longer pause than a run waits
	// (an hour), so the run ended there.
	ErrPaused = errors.New("the site asked for a pause longer than a run waits")
)

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

// fetcher does one run's HTTP: User-Agent, per-host pacing and concurrency, retries with
// backoff that honour Retry-After, and the circuit breaker.
type fetcher struct {
	cfg          *Config // UserAgent, Rate, Concurrency, Timeout, MaxFailures, Logger
	client       *http.Client
	robotsClient *http.Client // for robots.txt, whose redirects may leave the site; nil is client
	abort        func(error)  // ends the run; nil in unit tests

	mu       sync.Mutex
	hosts    map[string]*hostGate
	failures int // failed requests in a row
}

// newFetcher returns a fetcher with the settings of cfg, whose defaults are filled in.
func newFetcher(cfg *Config, client, robotsClient *http.Client, abort func(error)) *fetcher {
	return &fetcher{cfg: cfg, client: client, robotsClient: robotsClient, abort: abort, hosts: map[string]*hostGate{}}
}

// newClient is the crawler's own HTTP client (RELIABILITY §2): timeouts at every step and
// redirects only to allowed hosts.
func newClient(concurrency int, headerTimeout, timeout time.Duration, allowed func(*url.URL) bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: headerTimeout,
		MaxConnsPerHost:       concurrency,
		MaxIdleConnsPerHost:   concurrency,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: checkRedirect(allowed)}
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

// robotsRedirect is the redirect policy for robots.txt: RFC 9309 §2.3.1.2 asks crawlers to
// follow at least five redirects, also to other hosts. Only http(s) is followed, and never to
// a link-local address (cloud metadata services live there).
func robotsRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("more than %d redirects: %w", maxRedirects, errRedirect)
	}
	u := req.URL
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("redirect to %s: %w", u.Redacted(), errRedirect)
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && (ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast()) {
		return fmt.Errorf("redirect to %s: %w", u.Redacted(), errRedirect)
	}
	return nil
}

// get fetches rawURL with the extra header, reading at most limit bytes of the body. Network
// errors and 408/429/500/502/503/504 answers are retried up to maxRetries times; the last
// answer is returned whatever its status.
func (f *fetcher) get(ctx context.Context, rawURL string, header http.Header, limit int64) (*response, error) {
	return f.do(ctx, f.client, rawURL, header, limit)
}

// getRobots is get for robots.txt.
func (f *fetcher) getRobots(ctx context.Context, rawURL string, limit int64) (*response, error) {
	client := f.robotsClient
	if client == nil {
		client = f.client
	}
	return f.do(ctx, client, rawURL, nil, limit)
}

func (f *fetcher) do(ctx context.Context, client *http.Client, rawURL string, header http.Header, limit int64) (*response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	gate := f.gate(u.Host)
	for attempt := 0; ; attempt++ {
		resp, err := f.once(ctx, client, gate, u, header, limit)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, context.Cause(ctx))
		}
		if errors.Is(err, ErrPaused) {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
		}
		failed := retryable(resp, err)
		f.record(failed, rawURL, resp, err)
		wait := backoff(attempt)
		if resp != nil && (resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable) {
			if d, ok := retryAfter(resp.Header, time.Now()); ok {
				if d > maxRetryAfter {
					err := fmt.Errorf("%w: %s asked to wait %v", ErrPaused, u.Host, d)
					gate.close(err)
					f.cfg.Logger.Warn("site asks for a long pause; no more requests to it in this run", "url", rawURL, "retry_after", d)
					if f.abort != nil {
						f.abort(err)
					}
					return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
				}
				// Retry-After holds for the whole host: no request to it before then.
				gate.pauseUntil(time.Now().Add(d))
				wait = 0
			}
		}
		if ctx.Err() != nil { // the breaker ended the run
			return nil, fmt.Errorf("fetch %s: %w", rawURL, context.Cause(ctx))
		}
		if attempt == maxRetries || !failed {
			if err != nil {
				return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
			}
			return resp, nil
		}
		f.cfg.Logger.Info("retrying", "url", rawURL, "attempt", attempt+1, "reason", retryReason(resp, err), "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, context.Cause(ctx))
		}
	}
}

// record feeds the circuit breaker: maxFailures failed requests in a row end the run.
func (f *fetcher) record(failed bool, rawURL string, resp *response, err error) {
	if f.cfg.MaxFailures <= 0 {
		return
	}
	f.mu.Lock()
	if !failed {
		f.failures = 0
		f.mu.Unlock()
		return
	}
	f.failures++
	n := f.failures
	f.mu.Unlock()
	if n == f.cfg.MaxFailures && f.abort != nil {
		f.cfg.Logger.Error("site failing, run abandoned", "failures_in_a_row", n, "last_url", rawURL, "last", retryReason(resp, err))
		f.abort(fmt.Errorf("%w (%d, the last %s: %s)", ErrTooManyFailures, n, rawURL, retryReason(resp, err)))
	}
}

// once makes one request, holding one of the host's slots until its body is read.
func (f *fetcher) once(ctx context.Context, client *http.Client, gate *hostGate, u *url.URL, header http.Header, limit int64) (*response, error) {
	if err := gate.acquire(ctx); err != nil {
		return nil, err
	}
	defer gate.release()
	if f.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.cfg.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	r := &response{URL: resp.Request.URL, Status: resp.StatusCode, Header: resp.Header, Body: body}
	if int64(len(body)) > limit {
		r.Body, r.Truncated = body[:limit], true
	}
	return r, nil
}

// retryable reports whether an attempt failed in a way worth another try (RELIABILITY §2:
// network errors, 408, 429, 500, 502, 503, 504); these are also what the breaker counts.
func retryable(resp *response, err error) bool {
	if err != nil {
		return !errors.Is(err, errRedirect) && !errors.Is(err, context.Canceled)
	}
	switch resp.Status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
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
		g = &hostGate{slots: make(chan struct{}, max(1, f.cfg.Concurrency)), interval: interval(f.cfg.Rate)}
		f.hosts[host] = g
	}
	return g
}

// interval is the least time between request starts on a host at rate requests per second;
// 0 is no limit.
func interval(rate float64) time.Duration {
	if rate <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / rate)
}

// hostGate limits one host: at most cap(slots) requests in flight, and request starts at
// least interval apart (and none before a Retry-After pause ends, none at all once closed).
type hostGate struct {
	slots chan struct{}

	mu       sync.Mutex
	interval time.Duration
	last     time.Time // start of the latest request
	next     time.Time // earliest start of the next request
	closed   error     // why the host gets no more requests in this run
}

func (g *hostGate) acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	if g.closed != nil {
		g.mu.Unlock()
		<-g.slots
		return g.closed
	}
	now := time.Now()
	start := g.next
	if start.Before(now) {
		start = now
	}
	g.last, g.next = start, start.Add(g.interval)
	g.mu.Unlock()
	if err := sleep(ctx, start.Sub(now)); err != nil {
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

func (g *hostGate) close(why error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = why
}

// slowDown makes the interval at least d (robots.txt Crawl-delay), from the latest request
// on; it never speeds up.
func (g *hostGate) slowDown(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.interval = max(g.interval, d)
	if !g.last.IsZero() && g.next.Before(g.last.Add(g.interval)) {
		g.next = g.last.Add(g.interval)
	}
}

// pace is the least time between request starts on the host.
func (g *hostGate) pace() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.interval
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

// decodeHTML converts an HTML body to UTF-8; the result is always valid UTF-8. The encoding
// comes from a BOM, the Content-Type or a <meta> declaration, with two corrections for what
// servers get wrong: a body that is valid UTF-8 is UTF-8 whatever it claims (charset alone
// looks at the first KiB only and calls an ASCII-headed UTF-8 page windows-1252; and a legacy
// page is practically never valid UTF-8 once it has a non-ASCII byte), and a body labelled
// UTF-8 that holds no UTF-8 sequence at all but other high bytes is windows-1252 (a server's
// default charset on an old Latin-1 file). Only UTF-16, which must be declared, is taken as
// declared.
func decodeHTML(body []byte, contentType string) ([]byte, error) {
	if len(body) == 0 {
		return body, nil
	}
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	switch {
	case strings.HasPrefix(name, "utf-16"):
	case utf8.Valid(body):
		return bytes.TrimPrefix(body, []byte(utf8BOM)), nil
	case name == "utf-8" && hasUTF8Sequence(body):
		return bytes.ToValidUTF8(bytes.TrimPrefix(body, []byte(utf8BOM)), []byte("\uFFFD")), nil
	case name == "utf-8":
		enc, name = charmap.Windows1252, "windows-1252"
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	out = bytes.TrimPrefix(out, []byte(utf8BOM))
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return out, nil
}

// hasUTF8Sequence reports whether b holds at least one valid multi-byte UTF-8 sequence.
func hasUTF8Sequence(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if n > 1 && r != utf8.RuneError {
			return true
		}
		b = b[n:]
	}
	return false
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
