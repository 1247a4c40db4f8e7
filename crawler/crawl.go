package crawler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mallihaku/mallihaku/busy"
	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/store"
)

// Config is everything a Crawler needs. Zero values get the defaults named below.
type Config struct {
	// Site is the base URL of the site, e.g. https://innokyla.fi. Its host is allowed besides
	// Profile.Hosts, and canonical URLs use its scheme and host.
	Site    string
	Profile *extract.Profile
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
	// MaxPages is the page budget of one run (robots.txt not counted), default
	// DefaultMaxPages: a run that reaches it ends with ErrBudget, so a site that generates
	// endless URLs (a crawler trap) cannot keep it going.
	MaxPages int
	// MaxBody is the largest page accepted, default 10 MiB; larger pages fail as "too_large".
	MaxBody int64
	// Timeout bounds one request, body included, default 30 s. HeaderTimeout bounds the wait
	// for response headers, default 15 s; it applies to the crawler's own client only.
	Timeout       time.Duration
	HeaderTimeout time.Duration
	// MaxFailures is how many failed requests in a row (5xx, 408, 429, timeouts, network
	// errors) abandon the run (ErrTooManyFailures), default 20; the index stays as it was.
	MaxFailures int
	// MaxMissedRuns is how many complete discovery passes in a row may miss a model before it
	// is deleted, default 3. (A 404 or 410 deletes it at once.)
	MaxMissedRuns int
	// Budget is how long a run may take, e.g. the time between scheduled runs, default 24 h.
	// When the pace (Rate, or a slower robots.txt Crawl-delay) makes the run longer, a warning
	// with the estimate is logged; the pace is kept.
	Budget time.Duration
	// Logger gets the crawl's log; nil discards it.
	Logger *slog.Logger
	// Progress, when set, is called as pages complete with the run's counts so far. Calls do
	// not overlap.
	Progress func(Progress)
}

// Progress is a run's state, for a progress display.
type Progress struct {
	Counts reindex.Counts // the run's counts so far, as Refresh returns them (a copy)
	Total  int            // model URLs to visit (discovered and remembered ones)
	Done   int            // visited so far
	URL    string         // the page just done
}

// DefaultMaxPages is the page budget of a run when Config.MaxPages is 0.
const DefaultMaxPages = 20000

// ErrBudget means the run stopped at its page budget (Config.MaxPages).
var ErrBudget = errors.New("page budget reached")

// errRunning is Refresh's answer while another Refresh of the same Crawler runs; it is
// busy.ErrBusy.
var errRunning = busy.New("a crawl is already running")

// DegradedError means a run found that many pages which held models are no longer read as
// they were (a changed layout): not as models at all, or without fields they had. The run kept
// the old version of every such page and removed nothing.
type DegradedError struct {
	Checked     int    // pages that held a model and were read again
	NotModels   int    // of them, no longer read as a model
	LostFields  int    // of them, read without a stable field they had (extract.StableFields)
	ExampleURL  string // one of the pages
	ExampleLost string // what it lost
}

func (e *DegradedError) Error() string {
	return fmt.Sprintf("layout changed? %d of %d pages that were models are not read as they were (%d not a model now, %d without fields they had, e.g. %s: %s); old versions kept",
		e.NotModels+e.LostFields, e.Checked, e.NotModels, e.LostFields, e.ExampleURL, e.ExampleLost)
}

// Degraded reports that the run ended degraded; the reindex job records it so without
// importing the crawler.
func (e *DegradedError) Degraded() bool { return true }

// A run is degraded when at least degradedMin pages and degradedShare of the pages that held
// a model and were read again are not read as they were. A night's edits change a few pages
// and take no stable field away; a new layout changes them all.
const (
	degradedMin   = 3
	degradedShare = 0.1
)

// Crawler crawls one site. Its methods may be called from several goroutines, but only one
// Refresh runs at a time.
type Crawler struct {
	cfg          Config   // with its defaults filled in: the one source of settings
	site         *url.URL // scheme and host only
	canon        *canonicalizer
	client       *http.Client
	robotsClient *http.Client

	running sync.Mutex
}

// New checks cfg, fills in its defaults and returns a Crawler.
func New(cfg Config) (*Crawler, error) {
	site, err := cfg.fill()
	if err != nil {
		return nil, fmt.Errorf("new crawler: %w", err)
	}
	canon := newCanonicalizer(site, cfg.Profile)
	var client *http.Client
	if cfg.Client == nil {
		client = newClient(cfg.Concurrency, cfg.HeaderTimeout, cfg.Timeout, canon.allowed)
	} else {
		c := *cfg.Client
		if c.CheckRedirect == nil {
			c.CheckRedirect = checkRedirect(canon.allowed)
		}
		client = &c
	}
	robotsClient := client
	if cfg.Client == nil || cfg.Client.CheckRedirect == nil {
		rc := *client
		rc.CheckRedirect = robotsRedirect
		robotsClient = &rc
	}
	return &Crawler{cfg: cfg, site: site, canon: canon, client: client, robotsClient: robotsClient}, nil
}

// fill checks the configuration and fills in its defaults; it returns the site's scheme and
// host.
func (cfg *Config) fill() (*url.URL, error) {
	site, err := url.Parse(cfg.Site)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	if site.Scheme != "http" && site.Scheme != "https" || site.Host == "" {
		return nil, fmt.Errorf("site %q is not an http(s) URL", cfg.Site)
	}
	switch {
	case cfg.Profile == nil || cfg.Profile.ModelPath == nil:
		return nil, errors.New("no site profile")
	case cfg.Store == nil:
		return nil, errors.New("no store")
	case cfg.Rate < 0:
		return nil, fmt.Errorf("negative rate %g", cfg.Rate)
	case cfg.MaxPages < 0:
		return nil, fmt.Errorf("negative page budget %d", cfg.MaxPages)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = robotsToken + " (+https://github.com/mallihaku/mallihaku)"
	}
	if !strings.Contains(strings.ToLower(cfg.UserAgent), robotsToken) {
		return nil, fmt.Errorf("user agent %q does not name the product token %s", cfg.UserAgent, robotsToken)
	}
	orDefault(&cfg.Concurrency, 2)
	orDefault(&cfg.MaxPages, DefaultMaxPages)
	orDefault(&cfg.MaxBody, 10<<20)
	orDefault(&cfg.Timeout, 30*time.Second)
	orDefault(&cfg.HeaderTimeout, 15*time.Second)
	orDefault(&cfg.MaxFailures, 20)
	orDefault(&cfg.MaxMissedRuns, 3)
	orDefault(&cfg.Budget, 24*time.Hour)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &url.URL{Scheme: site.Scheme, Host: normalHost(site.Scheme, site.Host)}, nil
}

// orDefault sets a zero or negative setting to its default.
func orDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// newFetcher is the HTTP side of one run; abort ends the run (circuit breaker, long pauses).
func (c *Crawler) newFetcher(abort func(error)) *fetcher {
	return newFetcher(&c.cfg, c.client, c.robotsClient, abort)
}

func (c *Crawler) siteURL(path string) string {
	return (&url.URL{Scheme: c.site.Scheme, Host: c.site.Host, Path: path}).String()
}

// Refresh runs one crawl: robots.txt, discovery, then every model URL found (and every one
// remembered from earlier runs) once.
//
// Incremental runs (full=false) skip pages whose sitemap lastmod is older than their last
// fetch, send conditional GETs with the stored ETag and Last-Modified, and pass to put only
// models that are new or whose content changed; full runs fetch every page unconditionally
// and pass every model they read to put. remove gets the ID of a model whose page is gone
// (404/410), now says noindex, or was missing from MaxMissedRuns complete discovery passes in
// a row. put and remove may be nil; their calls never overlap, none is made once the run is
// ending on an error, and an error from them ends the run.
//
// The counts always have discovered, fetched, not_modified, skipped_lastmod, failed, added,
// updated and deleted, and as they happen unchanged, failed_<reason> and skipped and
// skipped_<reason> (not a model, noindex, disallowed, lastmod, ...). A page that fails keeps
// its old version. The error is non-nil when the run did not complete: robots.txt
// unavailable (ErrRobotsUnavailable), the site failing (ErrTooManyFailures), a Retry-After
// beyond an hour (ErrPaused), the page budget reached (ErrBudget), ctx done, or a store, put
// or remove failure; busy.ErrBusy, at once, while another Refresh runs.
func (c *Crawler) Refresh(ctx context.Context, full bool, put func(practice.Model) error, remove func(id string) error) (reindex.Counts, error) {
	if !c.running.TryLock() {
		return nil, errRunning
	}
	defer c.running.Unlock()
	r := &run{
		c:       c,
		full:    full,
		put:     put,
		remove:  remove,
		counts:  reindex.Counts{},
		claimed: map[string]bool{},

		programmeURLs: map[string]bool{},
		progs:         newProgrammes(),
		paths:         map[string]pathRead{},
	}
	for _, k := range []reindex.Count{reindex.Discovered, reindex.Fetched, reindex.NotModified, reindex.SkippedLastmod, reindex.PagesFailed, reindex.Added, reindex.Updated, reindex.Deleted} {
		r.counts[k] = 0
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
	fetch  *fetcher

	mu      sync.Mutex // guards the fields below
	counts  reindex.Counts
	claimed map[string]bool // canonical URLs visited in this run
	spent   int             // requests against the budget
	overrun bool            // the budget stopped some request
	checked int             // pages that held a model and were read again
	unread  []unreadPage    // of them, those not read as they were
	total   int             // model URLs to visit
	visited int             // of them, done

	callMu sync.Mutex // serialises put and remove

	// programmeURLs are the programme pages discovery found; progs what the run knows of
	// programmes (written before and after the models are visited, read while they are);
	// paths the development paths read (guarded by mu).
	programmeURLs map[string]bool
	progs         *programmes
	paths         map[string]pathRead
}

// unreadPage is a page that held a model and is not read as it was: it is no longer a model
// (m is zero), or its model lost stable fields. Its old version stays; a model that only lost
// fields is applied when the run turns out not to be degraded.
type unreadPage struct {
	url   string
	lost  string // what it lost, for the log
	m     practice.Model
	rep   extract.Report
	state store.Page
	body  []byte
	old   string // the model ID the page held
}

type target struct {
	url     string
	lastmod time.Time
}

func (r *run) do(ctx context.Context) error {
	c := r.c
	started := time.Now()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r.fetch = c.newFetcher(cancel)

	robots, err := c.robots(ctx, r.fetch)
	if err != nil {
		err = fmt.Errorf("crawl %s: %w", c.siteURL(""), err)
		c.cfg.Logger.Error("crawl not started", "err", err)
		return err
	}
	gate := r.fetch.gate(c.site.Host)
	if robots.crawlDelay > 0 {
		c.cfg.Logger.Info("robots.txt crawl-delay", "delay", robots.crawlDelay)
		gate.slowDown(robots.crawlDelay)
	}
	r.robots = robots

	found, complete := r.discover(ctx)
	if err := r.crawlProgrammes(ctx, r.programmeURLs, found); err != nil {
		return err
	}
	states, err := r.states()
	if err != nil {
		return err
	}
	complete = r.plausible(found, states, complete)
	targets, missing := r.plan(found, states, complete)
	r.mu.Lock()
	r.counts[reindex.Discovered] = len(found)
	r.total = len(targets)
	r.mu.Unlock()
	c.cfg.Logger.Info("discovery done", "discovered", len(found), "to_visit", len(targets), "complete", complete)
	r.estimate(started, targets, states, gate.pace())

	jobs := make(chan target)
	var wg sync.WaitGroup
	for range c.cfg.Concurrency {
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
	if ctx.Err() == nil {
		if err := r.settleProgrammes(ctx); err != nil {
			return err
		}
	}

	if ctx.Err() != nil {
		err := fmt.Errorf("crawl %s: %w", c.siteURL(""), context.Cause(ctx))
		c.cfg.Logger.Error("crawl ended early; models kept as they were", "err", err, "counts", r.snapshot())
		return err
	}
	if err := r.settleUnread(ctx); err != nil {
		var degraded *DegradedError
		if !errors.As(err, &degraded) {
			return err
		}
		c.cfg.Logger.Warn("crawl ended degraded; pages that were models are not read as they were, their old versions kept",
			"checked", r.checked, "not_models", r.counts[reindex.NotModelNow], "fields_missing", r.counts[reindex.FieldsMissing],
			"example_url", r.unread[0].url, "example", r.unread[0].lost)
		return fmt.Errorf("crawl %s: %w", c.siteURL(""), err)
	}
	if r.overrun {
		return fmt.Errorf("crawl %s: %w (%d requests)", c.siteURL(""), ErrBudget, c.cfg.MaxPages)
	}
	if complete {
		if err := r.settleMissed(ctx, found, states, missing); err != nil {
			return err
		}
	}
	c.cfg.Logger.Info("crawl done", "took", time.Since(started), "counts", r.snapshot())
	return nil
}

// states is every page remembered from earlier runs, by URL.
func (r *run) states() (map[string]store.Page, error) {
	states := map[string]store.Page{}
	err := r.c.cfg.Store.Pages(func(p store.Page) error {
		states[p.URL] = p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read crawl state: %w", err)
	}
	return states, nil
}

// foundModels is the set of model URLs a discovery pass vouches for: those found, and the
// canonical URLs of those found that are aliases of another.
func foundModels(found map[string]time.Time, states map[string]store.Page) map[string]bool {
	set := make(map[string]bool, len(found))
	for u := range found {
		set[u] = true
		if p, ok := states[u]; ok && p.Canonical != "" {
			set[p.Canonical] = true
		}
	}
	return set
}

// plausible is complete, unless the discovery found fewer than half of the models we hold: a
// site release that breaks its sitemap and listings must not count as every model missing.
func (r *run) plausible(found map[string]time.Time, states map[string]store.Page, complete bool) bool {
	if !complete {
		return false
	}
	vouched := foundModels(found, states)
	held, seen := 0, 0
	for u, p := range states {
		if p.ModelID == "" {
			continue
		}
		held++
		if vouched[u] {
			seen++
		}
	}
	if held > 0 && seen*2 < held {
		r.c.cfg.Logger.Warn("discovery found fewer than half of the models held; their absence is not counted", "found", seen, "held", held)
		return false
	}
	return true
}

// plan returns the URLs to visit: those discovered and the model-path URLs remembered from
// earlier runs (so that pages gone from the site are noticed), sitemap lastmod newest first,
// so a run cut short by its budget has the freshest changes, then by URL. A remembered URL
// that this (complete) discovery misses for the MaxMissedRuns-th time in a row is not visited
// but returned in missing, to be forgotten when the run completes.
func (r *run) plan(found map[string]time.Time, states map[string]store.Page, complete bool) (ts []target, missing []store.Page) {
	for u, lm := range found {
		ts = append(ts, target{url: u, lastmod: lm})
	}
	vouched := foundModels(found, states)
	for u, p := range states {
		if _, ok := found[u]; ok || !r.c.canon.isModel(u) {
			continue
		}
		if complete && !vouched[u] && p.MissedRuns+1 >= r.c.cfg.MaxMissedRuns {
			missing = append(missing, p)
			continue
		}
		ts = append(ts, target{url: u})
	}
	slices.SortFunc(ts, func(a, b target) int {
		return cmp.Or(b.lastmod.Compare(a.lastmod), cmp.Compare(a.url, b.url))
	})
	return ts, missing
}

// estimate logs how long the run will take at its pace, and warns when that is longer than
// the budget (a slow Crawl-delay on a big site).
func (r *run) estimate(started time.Time, ts []target, states map[string]store.Page, pace time.Duration) {
	if pace <= 0 {
		return
	}
	requests := 0
	for _, t := range ts {
		p, known := states[t.url]
		if !r.unchangedByLastmod(t, p, known) {
			requests++
		}
	}
	est := time.Since(started) + time.Duration(requests)*pace
	if est > r.c.cfg.Budget {
		r.c.cfg.Logger.Warn("at this pace the run will outlast its budget", "estimate", est.Round(time.Second), "budget", r.c.cfg.Budget,
			"requests", requests, "pace", pace, "crawl_delay", r.robots.crawlDelay)
		return
	}
	r.c.cfg.Logger.Info("estimated run time", "estimate", est.Round(time.Second), "requests", requests, "pace", pace)
}

// unchangedByLastmod reports whether an incremental run can skip the page: its sitemap lastmod
// is older than our last fetch of it.
func (r *run) unchangedByLastmod(t target, prev store.Page, known bool) bool {
	return !r.full && known && !t.lastmod.IsZero() && !prev.FetchedAt.IsZero() && t.lastmod.Before(prev.FetchedAt)
}

// process visits one model URL. Outcomes for the page are counted; the error is for
// failures that end the run (store, put, remove).
func (r *run) process(ctx context.Context, t target) error {
	if ctx.Err() != nil || !r.claim(t.url) {
		return nil
	}
	log := r.c.cfg.Logger.With("url", t.url)
	if !r.robots.allowed(t.url) {
		r.skip(log, "disallowed", errDisallowed.Error())
		return nil
	}
	prev, known, err := r.c.cfg.Store.Page(t.url)
	if err != nil {
		return fmt.Errorf("read state of %s: %w", t.url, err)
	}
	if r.unchangedByLastmod(t, prev, known) { // its state stays as it is: no write per page
		r.count(reindex.SkippedLastmod)
		r.count(reindex.PagesSkipped)
		log.Debug("page skipped", "reason", "sitemap lastmod older than our last fetch", "lastmod", t.lastmod)
		return nil
	}
	if !r.spend() {
		return nil
	}
	var header http.Header
	if known && !r.full {
		header = conditional(prev)
	}
	resp, err := r.fetch.get(ctx, t.url, header, r.c.cfg.MaxBody)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return r.fail(log, t.url, prev, known, err)
	}
	switch {
	case resp.Status == http.StatusNotModified && known:
		r.count(reindex.NotModified)
		prev.LastSeen, prev.Error = time.Now(), ""
		if prev.ModelID != "" {
			// The page is as it was; its development path or programme may not be.
			return r.unchangedPage(ctx, log, prev)
		}
		return r.save(prev, nil)
	case resp.Status == http.StatusNotFound || resp.Status == http.StatusGone:
		return r.gone(ctx, log, t.url, prev, known, resp.Status)
	case resp.Status < 200 || resp.Status > 299:
		return r.fail(log, t.url, prev, known, &statusError{resp.Status})
	case resp.Truncated:
		return r.fail(log, t.url, prev, known, fmt.Errorf("%w (over %d bytes)", ErrTooLarge, r.c.cfg.MaxBody))
	}
	r.count(reindex.Fetched)
	return r.page(ctx, log, t.url, prev, known, resp)
}

// page handles a page the site answered with 2xx, in steps: read it as HTML (html), settle
// whose page it is (identity, alias), then read and pass on the model it holds (model).
func (r *run) page(ctx context.Context, log *slog.Logger, u string, prev store.Page, known bool, resp *response) error {
	now := time.Now()
	state := store.Page{
		URL:          u,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  resp.Header.Get("Content-Type"),
		Status:       resp.Status,
		FetchedAt:    now,
		LastSeen:     now,
		MissedRuns:   prev.MissedRuns,
	}
	body, meta, ok, err := r.html(ctx, log, prev, known, state, resp)
	if !ok {
		return err
	}
	if identity := r.identity(u, resp.URL, meta); identity != u {
		return r.alias(ctx, log.With("canonical", identity), identity, body, prev, known, state)
	}
	_, err = r.model(ctx, log, body, prev, known, state)
	return err
}

// html returns the page's body as UTF-8 HTML and what its markup says. ok is false when there
// is no page to read (empty, not HTML, undecodable, noindex); that outcome is recorded here
// and err is for the run.
func (r *run) html(ctx context.Context, log *slog.Logger, prev store.Page, known bool, state store.Page, resp *response) (body []byte, meta pageMeta, ok bool, err error) {
	if len(resp.Body) == 0 {
		r.skip(log, "empty", "empty body")
		return nil, meta, false, r.keep(prev, known, state)
	}
	if !isHTML(state.ContentType, resp.Body) {
		r.skip(log, "not_html", "not HTML: "+state.ContentType)
		return nil, meta, false, r.keep(prev, known, state)
	}
	body, err = decodeHTML(resp.Body, state.ContentType)
	if err != nil {
		return nil, meta, false, r.fail(log, state.URL, prev, known, err)
	}
	meta = scanHTML(body)
	if headerNoindex(resp.Header) || meta.noindex {
		r.skip(log, "noindex", "noindex")
		if err := r.drop(ctx, log, prev.ModelID); err != nil {
			return nil, meta, false, err
		}
		return nil, meta, false, r.save(state, nil)
	}
	return body, meta, true, nil
}

// identity is the URL whose model the page is: its rel=canonical, or where a redirect led,
// when that is a model URL; else the URL asked for.
func (r *run) identity(u string, final *url.URL, meta pageMeta) string {
	identity := u
	if cu, ok := r.c.canon.canon(final.String()); ok && r.c.canon.isModel(cu) {
		identity = cu
	}
	if meta.canonical != "" {
		if cu, ok := r.c.canon.resolve(final.String(), meta.canonical); ok && r.c.canon.isModel(cu) {
			identity = cu
		}
	}
	return identity
}

// alias handles a page whose identity is another URL: the model is read as the canonical
// page's, and the alias keeps its validators but no model; a model it had is now the
// canonical one's.
func (r *run) alias(ctx context.Context, log *slog.Logger, identity string, body []byte, prev store.Page, known bool, state store.Page) error {
	alias := state
	alias.Canonical = identity
	aliasDone := func(id string) error {
		if err := r.save(alias, nil); err != nil {
			return err
		}
		if known && prev.ModelID != id {
			return r.drop(ctx, log, prev.ModelID)
		}
		return nil
	}
	if !r.claim(identity) {
		r.skip(log, "duplicate", "duplicate of its canonical URL")
		return aliasDone("")
	}
	cur, curKnown, err := r.c.cfg.Store.Page(identity)
	if err != nil {
		return fmt.Errorf("read state of %s: %w", identity, err)
	}
	state.URL, state.MissedRuns = identity, cur.MissedRuns
	id, err := r.model(ctx, log, body, cur, curKnown, state)
	if err != nil || id == "" {
		return err
	}
	return aliasDone(id)
}

// model reads the model on the page at state.URL, whose earlier state is cur, and passes it
// to put when it is new or changed (or the run is full). It returns the ID of the model the
// page now holds, "" when it holds none.
func (r *run) model(ctx context.Context, log *slog.Logger, body []byte, cur store.Page, known bool, state store.Page) (string, error) {
	old := ""
	if known {
		old = cur.ModelID
	}
	// A model's development path counts in whether it changed; a page not yet known to be a
	// model has its path fetched once it reads as one.
	var path []practice.Section
	var pathSum string
	if old != "" {
		var err error
		if path, pathSum, err = r.developmentPath(ctx, log, state.URL); err != nil {
			return "", err
		}
	}
	state.ContentHash = contentHash(body, pathSum, r.member(state.URL))
	if old != "" && cur.ContentHash == state.ContentHash && !r.full {
		r.count(reindex.Unchanged)
		state.ModelID, state.FetchedAt, state.Fields = old, cur.FetchedAt, cur.Fields
		return old, r.save(state, nil)
	}

	m, rep, err := extract.HTML(state.URL, body, r.c.cfg.Profile)
	if old != "" && (err == nil || errors.Is(err, extract.ErrNotAModel)) {
		r.mu.Lock()
		r.checked++
		r.mu.Unlock()
	}
	if errors.Is(err, extract.ErrNotAModel) {
		if old != "" { // keep the last good version and its body
			r.skipAt(log, slog.LevelDebug, "not_model", err.Error())
			r.unreadPage(log, unreadPage{url: state.URL, lost: "not a model: " + err.Error()})
			cur.LastSeen, cur.Error = state.LastSeen, "not a practice model now"
			return "", r.save(cur, nil)
		}
		r.skip(log, "not_model", err.Error())
		return "", r.save(state, body)
	}
	if err == nil && m.ID == "" {
		err = errors.New("extract: no model ID")
	}
	if err != nil {
		return "", r.fail(log, state.URL, cur, known, err)
	}
	if old == "" {
		if path, pathSum, err = r.developmentPath(ctx, log, state.URL); err != nil {
			return "", err
		}
		state.ContentHash = contentHash(body, pathSum, r.member(state.URL))
	}
	m.FetchedAt = state.FetchedAt
	if path != nil {
		m.DevelopmentPath = path
	}
	r.linkModel(&m)
	state.ModelID = m.ID
	for _, f := range extract.StableFields(m) {
		state.Fields = append(state.Fields, string(f))
	}
	if lost := lostFields(cur.Fields, state.Fields); old != "" && len(lost) > 0 {
		r.unreadPage(log, unreadPage{url: state.URL, lost: "fields not read: " + strings.Join(lost, ", "),
			m: m, rep: rep, state: state, body: body, old: old})
		cur.LastSeen = state.LastSeen
		return "", r.save(cur, nil)
	}
	return m.ID, r.accept(ctx, log, m, rep, state, body, cur, old)
}

// accept passes a model read from a page on (when put is set), records the page and removes
// an ID the page held before that is not this model's.
func (r *run) accept(ctx context.Context, log *slog.Logger, m practice.Model, rep extract.Report, state store.Page, body []byte, cur store.Page, old string) error {
	if r.put != nil { // the field report is logged where the model is handed on (Models does it otherwise)
		for _, v := range rep.UnknownRegions {
			log.Warn("unknown region", "value", v)
		}
	}
	switch {
	case old == "":
		r.count(reindex.Added)
	case cur.ContentHash != state.ContentHash:
		r.count(reindex.Updated)
	default:
		r.count(reindex.Unchanged)
	}
	if r.put != nil {
		if err := r.call(ctx, func() error { return r.put(m) }); err != nil {
			return fmt.Errorf("put %s: %w", m.ID, err)
		}
	}
	if err := r.save(state, body); err != nil {
		return err
	}
	// An ID the index knows under this URL, or under the alias, that is not this model any more.
	if old != m.ID {
		return r.drop(ctx, log, old)
	}
	return nil
}

// lostFields returns the fields of before that now lacks.
func lostFields(before, now []string) []string {
	var lost []string
	for _, f := range before {
		if !slices.Contains(now, f) {
			lost = append(lost, f)
		}
	}
	return lost
}

// unreadPage records a page that held a model and is not read as it was. It is logged at
// debug level only: the run logs one line for all of them.
func (r *run) unreadPage(log *slog.Logger, p unreadPage) {
	log.Debug("page that was a model is not read as it was; old version kept", "reason", p.lost)
	key := reindex.FieldsMissing
	if p.m.ID == "" {
		key = reindex.NotModelNow
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[key]++
	r.unread = append(r.unread, p)
}

// settleUnread decides, once every page is done, on the pages that held a model and were not
// read as they were: when they are many (degradedMin, degradedShare) the run is degraded and
// they all keep their old version; otherwise the models that only lost fields are taken as
// they are now (their authors may have emptied them).
func (r *run) settleUnread(ctx context.Context) error {
	if len(r.unread) == 0 {
		return nil
	}
	slices.SortFunc(r.unread, func(a, b unreadPage) int { return strings.Compare(a.url, b.url) })
	n := len(r.unread)
	if n >= degradedMin && float64(n) >= degradedShare*float64(r.checked) {
		return &DegradedError{Checked: r.checked, NotModels: r.counts[reindex.NotModelNow], LostFields: r.counts[reindex.FieldsMissing],
			ExampleURL: r.unread[0].url, ExampleLost: r.unread[0].lost}
	}
	r.c.cfg.Logger.Info("pages that were models are not read as they were; too few for a changed layout",
		"checked", r.checked, "not_models", r.counts[reindex.NotModelNow], "fields_missing", r.counts[reindex.FieldsMissing],
		"example_url", r.unread[0].url, "example", r.unread[0].lost)
	for _, p := range r.unread {
		if p.m.ID == "" {
			continue
		}
		log := r.c.cfg.Logger.With("url", p.url)
		if err := r.accept(ctx, log, p.m, p.rep, p.state, p.body, store.Page{}, p.old); err != nil {
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
func (r *run) gone(ctx context.Context, log *slog.Logger, u string, prev store.Page, known bool, status int) error {
	if !known || prev.ModelID == "" {
		if err := r.fail(log, u, prev, false, &statusError{status}); err != nil {
			return err
		}
	} else {
		log.Info("page gone, model removed", "status", status, "id", prev.ModelID)
		if err := r.drop(ctx, log, prev.ModelID); err != nil {
			return err
		}
	}
	if !known {
		return nil
	}
	if err := r.c.cfg.Store.DeletePage(u); err != nil {
		return fmt.Errorf("forget %s: %w", u, err)
	}
	return nil
}

// drop removes the model id from the index, if there is one.
func (r *run) drop(ctx context.Context, log *slog.Logger, id string) error {
	if id == "" {
		return nil
	}
	if r.remove != nil {
		if err := r.call(ctx, func() error { return r.remove(id) }); err != nil {
			return fmt.Errorf("remove %s: %w", id, err)
		}
	}
	log.Info("model removed", "id", id)
	r.count(reindex.Deleted)
	return nil
}

// fail counts a failed page; its old version stays.
func (r *run) fail(log *slog.Logger, u string, prev store.Page, known bool, err error) error {
	reason := failReason(err)
	log.Warn("page failed, old version kept", "reason", reason, "err", err)
	r.mu.Lock()
	r.counts[reindex.PagesFailed]++
	r.counts[reindex.FailedBecause(reason)]++
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

func (r *run) skip(log *slog.Logger, key, reason string) { r.skipAt(log, slog.LevelInfo, key, reason) }

// skipAt is skip logging at level.
func (r *run) skipAt(log *slog.Logger, level slog.Level, key, reason string) {
	log.Log(context.Background(), level, "page skipped", "reason", reason)
	r.mu.Lock()
	r.counts[reindex.PagesSkipped]++
	r.counts[reindex.SkippedBecause(key)]++
	r.mu.Unlock()
}

func (r *run) save(p store.Page, body []byte) error {
	if err := r.c.cfg.Store.PutPage(p, body); err != nil {
		return fmt.Errorf("save %s: %w", p.URL, err)
	}
	return nil
}

// settleMissed records a complete discovery pass: remembered model-path pages it found start
// counting afresh, the others count one more miss, and those missed MaxMissedRuns times in a
// row (missing) are forgotten, their models removed.
func (r *run) settleMissed(ctx context.Context, found map[string]time.Time, states map[string]store.Page, missing []store.Page) error {
	vouched := foundModels(found, states)
	gone := map[string]bool{}
	for _, p := range missing {
		gone[p.URL] = true
		log := r.c.cfg.Logger.With("url", p.URL)
		log.Info("page missing from discovery too many runs in a row, forgotten", "runs", p.MissedRuns+1)
		if err := r.drop(ctx, log, p.ModelID); err != nil {
			return err
		}
		if err := r.c.cfg.Store.DeletePage(p.URL); err != nil {
			return fmt.Errorf("forget %s: %w", p.URL, err)
		}
	}
	for u := range states {
		if gone[u] || !r.c.canon.isModel(u) {
			continue
		}
		// The state as this run left it, not as it began.
		p, ok, err := r.c.cfg.Store.Page(u)
		if err != nil {
			return fmt.Errorf("read state of %s: %w", u, err)
		}
		if !ok {
			continue
		}
		switch {
		case vouched[u] && p.MissedRuns != 0:
			p.MissedRuns = 0
		case !vouched[u]:
			p.MissedRuns++
		default:
			continue
		}
		if err := r.save(p, nil); err != nil {
			return err
		}
	}
	return nil
}

// call runs put or remove: one at a time, and none once the run is ending.
func (r *run) call(ctx context.Context, fn func() error) error {
	r.callMu.Lock()
	defer r.callMu.Unlock()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
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
	if r.spent >= r.c.cfg.MaxPages {
		r.overrun = true
		return false
	}
	r.spent++
	return true
}

func (r *run) count(key reindex.Count) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[key]++
}

// done reports a visited URL to the progress callback.
func (r *run) done(u string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.visited++
	if r.c.cfg.Progress != nil {
		r.c.cfg.Progress(Progress{Counts: maps.Clone(r.counts), Total: r.total, Done: r.visited, URL: u})
	}
}

func (r *run) snapshot() reindex.Counts {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.counts)
}

// Models reads every current model again from the page cache, without the network, and
// passes each to put in URL order. Pages that no longer read as models are logged and left
// out. FetchedAt is when the page was fetched.
func (c *Crawler) Models(ctx context.Context, put func(practice.Model) error) error {
	var pages []store.Page
	err := c.cfg.Store.Pages(func(p store.Page) error {
		if p.ModelID != "" {
			pages = append(pages, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read crawl state: %w", err)
	}
	progs, err := storedProgrammes(c.cfg.Store)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		log := c.cfg.Logger.With("url", p.URL)
		body, err := c.cfg.Store.Body(p.URL)
		if err != nil {
			return fmt.Errorf("read cached page %s: %w", p.URL, err)
		}
		if body == nil {
			log.Warn("model without a cached page left out", "reason", "no cached body")
			continue
		}
		m, rep, err := extract.HTML(p.URL, body, c.cfg.Profile)
		if err != nil {
			log.Warn("cached page left out", "reason", err.Error())
			continue
		}
		if m.DevelopmentPath, err = c.cachedPath(p.URL); err != nil {
			return err
		}
		progs.link(&m)
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
