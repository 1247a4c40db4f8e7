package crawler

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/store"
)

// Config is everything a Crawler needs. Zero values get the defaults named below.
type Config struct {
	// Site is the base URL of the site, e.g. https://innokyla.fi. Its host is allowed besides
	// Profile.Hosts, and canonical URLs use its scheme and host.
	Site    string
	Profile *Profile
	Store   *store.Store
	// Client does the HTTP; nil means the crawler's own client with timeouts (dial 10 s,
	// response headers 15 s, whole request 30 s) and at most 5 redirects, all on allowed
	// hosts. A given client without CheckRedirect gets that redirect policy.
	Client *http.Client
	// UserAgent is sent with every request, e.g. "mallihaku/0.1 (+https://github.com/mallihaku/mallihaku)".
	UserAgent string
	// Rate is requests per second per host; 0 means no limit (for one's own loopback site).
	// A robots.txt Crawl-delay slows the crawler further.
	Rate float64
	// Concurrency is the number of requests in flight per host, default 2.
	Concurrency int
	// MaxPages is the page budget of one run (robots.txt not counted), default 20000.
	MaxPages int
	// MaxBody is the largest page accepted, default 10 MiB; larger pages fail as "too_large".
	MaxBody int64
	// Clock tells time and waits; nil means real time.
	Clock Clock
	// Logger gets the crawl's log; nil discards it.
	Logger *slog.Logger
	// Progress, when set, is called as pages complete with the run's counts so far. Calls do
	// not overlap.
	Progress func(Progress)
}

// Progress is a run's state, for a progress display.
type Progress struct {
	Discovered  int    // model URLs found by discovery
	Total       int    // model URLs to visit (discovered and remembered ones)
	Done        int    // visited so far
	Fetched     int    // bodies downloaded
	NotModified int    // answered 304
	Failed      int    // failed, old version kept
	Skipped     int    // not a model, noindex, disallowed
	URL         string // the page just done
}

// Sentinel errors of a run.
var (
	// ErrBudget means the run stopped at its page budget (Config.MaxPages).
	ErrBudget = errors.New("page budget reached")
	// ErrBusy means another run of the same Crawler is in progress.
	ErrBusy = errors.New("a crawl is already running")
)

// Crawler crawls one site. Its methods may be called from several goroutines, but only one
// Refresh runs at a time.
type Crawler struct {
	site     *url.URL // scheme and host only
	profile  *Profile
	store    *store.Store
	canon    *canonicalizer
	fetch    *fetcher
	maxPages int
	maxBody  int64
	clock    Clock
	log      *slog.Logger
	progress func(Progress)

	running sync.Mutex
}

// New checks cfg, fills in its defaults and returns a Crawler.
func New(cfg Config) (*Crawler, error) {
	site, err := url.Parse(cfg.Site)
	if err != nil {
		return nil, fmt.Errorf("new crawler: site: %w", err)
	}
	if site.Scheme != "http" && site.Scheme != "https" || site.Host == "" {
		return nil, fmt.Errorf("new crawler: site %q is not an http(s) URL", cfg.Site)
	}
	if cfg.Profile == nil || cfg.Profile.ModelPath == nil {
		return nil, errors.New("new crawler: no site profile")
	}
	if cfg.Store == nil {
		return nil, errors.New("new crawler: no store")
	}
	if cfg.Rate < 0 {
		return nil, fmt.Errorf("new crawler: negative rate %g", cfg.Rate)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = robotsToken + " (+https://github.com/mallihaku/mallihaku)"
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 2
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 20000
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 10 << 20
	}
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	site = &url.URL{Scheme: site.Scheme, Host: normalHost(site.Scheme, site.Host)}
	canon := newCanonicalizer(site, cfg.Profile)
	var client *http.Client
	if cfg.Client == nil {
		client = newClient(cfg.Concurrency, canon.allowed)
	} else {
		c := *cfg.Client
		if c.CheckRedirect == nil {
			c.CheckRedirect = checkRedirect(canon.allowed)
		}
		client = &c
	}
	var interval time.Duration
	if cfg.Rate > 0 {
		interval = time.Duration(float64(time.Second) / cfg.Rate)
	}
	return &Crawler{
		site:    site,
		profile: cfg.Profile,
		store:   cfg.Store,
		canon:   canon,
		fetch: &fetcher{
			client:      client,
			userAgent:   cfg.UserAgent,
			clock:       cfg.Clock,
			interval:    interval,
			concurrency: cfg.Concurrency,
			log:         cfg.Logger,
			hosts:       map[string]*hostGate{},
		},
		maxPages: cfg.MaxPages,
		maxBody:  cfg.MaxBody,
		clock:    cfg.Clock,
		log:      cfg.Logger,
		progress: cfg.Progress,
	}, nil
}

func (c *Crawler) siteURL(path string) string {
	return (&url.URL{Scheme: c.site.Scheme, Host: c.site.Host, Path: path}).String()
}

// Refresh runs one crawl: robots.txt, discovery, then every model URL found (and every one
// remembered from earlier runs) once.
//
// Incremental runs (full=false) send conditional GETs with the stored ETag and Last-Modified
// and pass to put only models that are new or whose content changed; full runs fetch every
// page unconditionally and pass every model they read to put. remove gets the ID of a model
// whose page is gone (404/410) or now says noindex. put and remove may be nil; their calls
// never overlap, and an error from them ends the run.
//
// The counts are: discovered, fetched, not_modified, unchanged, failed and failed_<reason>,
// skipped and skipped_<reason> (not a model, noindex, disallowed, ...), added, updated,
// deleted. A page that fails keeps its old version. The error is non-nil when the run did
// not complete: robots.txt unavailable (ErrRobotsUnavailable), the page budget reached
// (ErrBudget), ctx done, or a store, put or remove failure.
func (c *Crawler) Refresh(ctx context.Context, full bool, put func(practice.Model) error, remove func(id string) error) (map[string]int, error) {
	if !c.running.TryLock() {
		return nil, ErrBusy
	}
	defer c.running.Unlock()
	r := &run{
		c:       c,
		full:    full,
		put:     put,
		remove:  remove,
		counts:  map[string]int{},
		claimed: map[string]bool{},
	}
	err := r.do(ctx)
	return r.snapshot(), err
}

// run is the state of one Refresh.
type run struct {
	c      *Crawler
	full   bool
	put    func(practice.Model) error
	remove func(string) error
	robots *robotsPolicy

	mu       sync.Mutex // guards the fields below
	counts   map[string]int
	claimed  map[string]bool // canonical URLs visited in this run
	spent    int             // requests against the budget
	overrun  bool            // the budget stopped some request
	progress Progress

	callMu sync.Mutex // serialises put and remove
}

type target struct {
	url     string
	lastmod time.Time
}

func (r *run) do(ctx context.Context) error {
	c := r.c
	started := c.clock.Now()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	robots, err := c.fetchRobots(ctx)
	if err != nil {
		c.log.Error("crawl not started", "site", c.siteURL(""), "err", err)
		return fmt.Errorf("crawl %s: %w", c.siteURL(""), err)
	}
	if robots.crawlDelay > 0 {
		c.log.Info("robots.txt crawl-delay", "delay", robots.crawlDelay)
		c.fetch.gate(c.site.Host).slowDown(robots.crawlDelay)
	}
	r.robots = robots

	found, complete := r.discover(ctx)
	targets, err := r.targets(found)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.counts["discovered"] = len(found)
	r.progress.Discovered, r.progress.Total = len(found), len(targets)
	r.mu.Unlock()
	c.log.Info("discovery done", "discovered", len(found), "to_visit", len(targets), "complete", complete)

	jobs := make(chan target)
	var wg sync.WaitGroup
	for range c.fetch.concurrency {
		wg.Go(func() {
			for t := range jobs {
				if err := r.process(ctx, t); err != nil {
					cancel(err)
				}
				r.done(t.url)
			}
		})
	}
feed:
	for _, t := range targets {
		select {
		case jobs <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()

	if ctx.Err() != nil {
		return fmt.Errorf("crawl %s: %w", c.siteURL(""), context.Cause(ctx))
	}
	if complete {
		if err := r.markMissed(found); err != nil {
			return err
		}
	}
	counts := r.snapshot()
	c.log.Info("crawl done", "took", c.clock.Now().Sub(started), "counts", counts)
	if r.overrun {
		return fmt.Errorf("crawl %s: %w (%d requests)", c.siteURL(""), ErrBudget, c.maxPages)
	}
	return nil
}

// targets are the URLs to visit: those discovered and the model-path URLs remembered from
// earlier runs (so that pages gone from the site are noticed). Sitemap lastmod newest first,
// so a run cut short by its budget has the freshest changes; then by URL.
func (r *run) targets(found map[string]time.Time) ([]target, error) {
	var ts []target
	for u, lm := range found {
		ts = append(ts, target{url: u, lastmod: lm})
	}
	err := r.c.store.Pages(func(p store.Page) error {
		if _, ok := found[p.URL]; !ok && r.c.canon.isModel(p.URL) {
			ts = append(ts, target{url: p.URL})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read crawl state: %w", err)
	}
	slices.SortFunc(ts, func(a, b target) int {
		return cmp.Or(b.lastmod.Compare(a.lastmod), cmp.Compare(a.url, b.url))
	})
	return ts, nil
}

// process visits one model URL. Outcomes for the page are counted; the error is for
// failures that end the run (store, put, remove).
func (r *run) process(ctx context.Context, t target) error {
	if ctx.Err() != nil || !r.claim(t.url) {
		return nil
	}
	log := r.c.log.With("url", t.url)
	if !r.robots.allowed(t.url) {
		r.skip(log, "disallowed", errDisallowed.Error())
		return nil
	}
	prev, known, err := r.c.store.Page(t.url)
	if err != nil {
		return fmt.Errorf("read state of %s: %w", t.url, err)
	}
	if !r.spend() {
		return nil
	}
	var header http.Header
	if known && !r.full {
		header = conditional(prev)
	}
	resp, err := r.c.fetch.get(ctx, t.url, header, r.c.maxBody)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return r.fail(log, t.url, prev, known, err)
	}
	switch {
	case resp.Status == http.StatusNotModified && known:
		r.count("not_modified")
		prev.LastSeen, prev.Error = r.c.clock.Now(), ""
		return r.save(prev, nil)
	case resp.Status == http.StatusNotFound || resp.Status == http.StatusGone:
		return r.gone(log, t.url, prev, known, resp.Status)
	case resp.Status < 200 || resp.Status > 299:
		return r.fail(log, t.url, prev, known, &statusError{resp.Status})
	case resp.Truncated:
		return r.fail(log, t.url, prev, known, fmt.Errorf("%w (over %d bytes)", ErrTooLarge, r.c.maxBody))
	}
	r.count("fetched")
	return r.page(log, t.url, prev, known, resp)
}

// page handles a page the site answered with 2xx.
func (r *run) page(log *slog.Logger, u string, prev store.Page, known bool, resp *response) (err error) {
	now := r.c.clock.Now()
	ct := resp.Header.Get("Content-Type")
	state := store.Page{
		URL:          u,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  ct,
		Status:       resp.Status,
		FetchedAt:    now,
		LastSeen:     now,
		MissedRuns:   prev.MissedRuns,
	}
	if len(resp.Body) == 0 {
		r.skip(log, "empty", "empty body")
		return r.keep(prev, known, state)
	}
	if !isHTML(ct, resp.Body) {
		r.skip(log, "not_html", "not HTML: "+ct)
		return r.keep(prev, known, state)
	}
	body, err := decodeHTML(resp.Body, ct)
	if err != nil {
		return r.fail(log, u, prev, known, err)
	}
	meta := scanHTML(body)
	if headerNoindex(resp.Header) || meta.noindex {
		r.skip(log, "noindex", "noindex")
		if err := r.drop(log, prev.ModelID); err != nil {
			return err
		}
		return r.save(state, nil)
	}

	// The page's identity: its rel=canonical, or where a redirect led, when that is a model URL.
	identity := u
	if cu, ok := r.c.canon.canon(resp.URL.String()); ok && r.c.canon.isModel(cu) {
		identity = cu
	}
	if meta.canonical != "" {
		if cu, ok := r.c.canon.resolve(resp.URL.String(), meta.canonical); ok && r.c.canon.isModel(cu) {
			identity = cu
		}
	}
	cur, curKnown := prev, known
	if identity != u {
		log = log.With("canonical", identity)
		// The alias keeps its validators but no model; a model it had is now the canonical one's.
		alias := state
		aliasDone := func(id string) error {
			if err := r.save(alias, nil); err != nil {
				return err
			}
			if known && prev.ModelID != id {
				return r.drop(log, prev.ModelID)
			}
			return nil
		}
		if !r.claim(identity) {
			r.skip(log, "duplicate", "duplicate of its canonical URL")
			return aliasDone("")
		}
		defer func() {
			if err == nil && state.ModelID != "" {
				err = aliasDone(state.ModelID)
			}
		}()
		if cur, curKnown, err = r.c.store.Page(identity); err != nil {
			return fmt.Errorf("read state of %s: %w", identity, err)
		}
		state.URL, state.MissedRuns = identity, cur.MissedRuns
	}

	sum := sha256.Sum256(body)
	state.ContentHash = hex.EncodeToString(sum[:])
	old := ""
	if curKnown {
		old = cur.ModelID
	}
	if old != "" && cur.ContentHash == state.ContentHash && !r.full {
		r.count("unchanged")
		state.ModelID, state.FetchedAt = old, cur.FetchedAt
		return r.save(state, nil)
	}

	m, rep, err := Extract(identity, body, r.c.profile)
	if errors.Is(err, ErrNotAModel) {
		r.skip(log, "not_model", err.Error())
		if old != "" { // keep the last good version and its body
			cur.LastSeen, cur.Error = now, "not a practice model now"
			return r.save(cur, nil)
		}
		return r.save(state, body)
	}
	if err == nil && m.ID == "" {
		err = errors.New("extract: no model ID")
	}
	if err != nil {
		return r.fail(log, identity, cur, curKnown, err)
	}
	for _, v := range rep.UnknownRegions {
		log.Warn("unknown region", "value", v)
	}
	m.FetchedAt = now
	state.ModelID = m.ID
	switch {
	case old == "":
		r.count("added")
	case cur.ContentHash != state.ContentHash:
		r.count("updated")
	default:
		r.count("unchanged")
	}
	if r.put != nil {
		if err := r.call(func() error { return r.put(m) }); err != nil {
			return fmt.Errorf("put %s: %w", m.ID, err)
		}
	}
	if err := r.save(state, body); err != nil {
		return err
	}
	// An ID the index knows under this URL, or under the alias, that is not this model any more.
	if old != m.ID {
		if err := r.drop(log, old); err != nil {
			return err
		}
	}
	return nil
}

// keep records a page that is not (now) a model without touching a model kept there.
func (r *run) keep(prev store.Page, known bool, state store.Page) error {
	if known && prev.ModelID != "" {
		prev.LastSeen = state.LastSeen
		return r.save(prev, nil)
	}
	return r.save(state, nil)
}

// gone handles 404 and 410: the model there is removed and the page forgotten. A URL that
// never held a model counts as failed (a dead link in a sitemap or listing).
func (r *run) gone(log *slog.Logger, u string, prev store.Page, known bool, status int) error {
	if !known || prev.ModelID == "" {
		if err := r.fail(log, u, prev, false, &statusError{status}); err != nil {
			return err
		}
	} else {
		log.Info("page gone, model removed", "status", status, "id", prev.ModelID)
		if err := r.drop(log, prev.ModelID); err != nil {
			return err
		}
	}
	if !known {
		return nil
	}
	if err := r.c.store.DeletePage(u); err != nil {
		return fmt.Errorf("forget %s: %w", u, err)
	}
	return nil
}

// drop removes the model id from the index, if there is one.
func (r *run) drop(log *slog.Logger, id string) error {
	if id == "" {
		return nil
	}
	if r.remove != nil {
		if err := r.call(func() error { return r.remove(id) }); err != nil {
			return fmt.Errorf("remove %s: %w", id, err)
		}
	}
	log.Info("model removed", "id", id)
	r.count("deleted")
	return nil
}

// fail counts a failed page; its old version stays.
func (r *run) fail(log *slog.Logger, u string, prev store.Page, known bool, err error) error {
	reason := failReason(err)
	log.Warn("page failed, old version kept", "reason", reason, "err", err)
	r.mu.Lock()
	r.counts["failed"]++
	r.counts["failed_"+reason]++
	r.progress.Failed++
	r.mu.Unlock()
	if !known {
		return nil
	}
	prev.Error = err.Error()
	return r.save(prev, nil)
}

func failReason(err error) string {
	var se *statusError
	var ne net.Error
	switch {
	case errors.As(err, &se):
		return "http_" + strconv.Itoa(se.code)
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, errRedirect):
		return "redirect"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &ne):
		return "network"
	}
	return "other"
}

func (r *run) skip(log *slog.Logger, key, reason string) {
	log.Info("page skipped", "reason", reason)
	r.mu.Lock()
	r.counts["skipped"]++
	r.counts["skipped_"+key]++
	r.progress.Skipped++
	r.mu.Unlock()
}

func (r *run) save(p store.Page, body []byte) error {
	if err := r.c.store.PutPage(p, body); err != nil {
		return fmt.Errorf("save %s: %w", p.URL, err)
	}
	return nil
}

// markMissed counts, for every remembered model page, the complete discoveries in a row that
// did not find it.
func (r *run) markMissed(found map[string]time.Time) error {
	var changed []store.Page
	err := r.c.store.Pages(func(p store.Page) error {
		if p.ModelID == "" {
			return nil
		}
		_, ok := found[p.URL]
		switch {
		case ok && p.MissedRuns != 0:
			p.MissedRuns = 0
		case !ok:
			p.MissedRuns++
		default:
			return nil
		}
		changed = append(changed, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read crawl state: %w", err)
	}
	for _, p := range changed {
		if err := r.save(p, nil); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) call(fn func() error) error {
	r.callMu.Lock()
	defer r.callMu.Unlock()
	return fn()
}

// claim marks u visited in this run; false when it was already.
func (r *run) claim(u string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.claimed[u] {
		return false
	}
	r.claimed[u] = true
	return true
}

// spend takes one request from the budget; false (and the run marked over budget) when
// none is left.
func (r *run) spend() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.spent >= r.c.maxPages {
		r.overrun = true
		return false
	}
	r.spent++
	return true
}

func (r *run) count(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[key]++
	switch key {
	case "fetched":
		r.progress.Fetched++
	case "not_modified":
		r.progress.NotModified++
	}
}

// done reports a visited URL to the progress callback.
func (r *run) done(u string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress.Done++
	r.progress.URL = u
	if r.c.progress != nil {
		r.c.progress(r.progress)
	}
}

func (r *run) snapshot() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.counts))
	for k, v := range r.counts {
		out[k] = v
	}
	return out
}

// Models reads every current model again from the page cache, without the network, and
// passes each to put in URL order. Pages that no longer read as models are logged and left
// out. FetchedAt is when the page was fetched.
func (c *Crawler) Models(ctx context.Context, put func(practice.Model) error) error {
	var pages []store.Page
	err := c.store.Pages(func(p store.Page) error {
		if p.ModelID != "" {
			pages = append(pages, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read crawl state: %w", err)
	}
	for _, p := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		log := c.log.With("url", p.URL)
		body, err := c.store.Body(p.URL)
		if err != nil {
			return fmt.Errorf("read cached page %s: %w", p.URL, err)
		}
		if body == nil {
			log.Warn("model without a cached page left out", "reason", "no cached body")
			continue
		}
		m, rep, err := Extract(p.URL, body, c.profile)
		if err != nil {
			log.Warn("cached page left out", "reason", err.Error())
			continue
		}
		for _, v := range rep.UnknownRegions {
			log.Warn("unknown region", "value", v)
		}
		m.FetchedAt = p.FetchedAt
		if err := put(m); err != nil {
			return fmt.Errorf("put %s: %w", m.ID, err)
		}
	}
	return nil
}
