package main

// The browser tests drive the real program (`mallihaku demo`) with headless Chromium over the
// DevTools protocol: what a person sees and does with the search page, with the mouse, with the
// keyboard only and without JavaScript, and checks of accessibility (axe-core), layout, page
// weight and screenshots. One demo and one browser serve every subtest; each subtest opens its
// own tab.
//
//	go test ./cmd/mallihaku -run TestBrowser -v
//	go test ./cmd/mallihaku -run TestBrowser/Screenshots -update-screenshots

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/mallihaku/mallihaku/sample"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "also write the browser tests' screenshots to docs/screenshots")

const (
	// stepWait is the longest a step waits for the page to get where it should.
	stepWait = 5 * time.Second
	// maxTabs caps the Tab presses that look for an element in each direction: from the search
	// box to the pager past the sidebar (each long list with its filter box and A–Ö button) and
	// 20 cards (a title and two to four topic links each) is about 200.
	maxTabs = 300
)

// chromePath returns the browser to drive: $CHROME_PATH, or /usr/bin/chromium. Without one the
// browser tests skip, except in CI, where a skip would hide that nothing was tested.
func chromePath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("CHROME_PATH")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("no browser for the browser tests: %v (install chromium or set CHROME_PATH)", err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

type browserSuite struct {
	base    string
	browser context.Context

	mu  sync.Mutex
	api map[string]searchResponse
}

func TestBrowser(t *testing.T) {
	exe := chromePath(t)
	s := &browserSuite{base: startDemo(t), api: map[string]searchResponse{}}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "fi-FI"), // a Finnish browser, as most users have
		chromedp.Flag("accept-lang", "fi-FI,fi"),
		chromedp.WindowSize(1280, 900), // wide enough for the facets beside the hits
		chromedp.UserDataDir(t.TempDir()),
	)
	var cancelBrowser context.CancelFunc
	s.browser, cancelBrowser = chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	if err := chromedp.Do(s.browser); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}

	t.Run("SearchFilterSortPaginateAndBackWithTheMouse", s.testMouse)
	t.Run("SameJourneyWithTheKeyboardOnly", s.testKeyboard)
	t.Run("SearchAndFilterWithoutJavaScript", s.testNoScript)
	t.Run("ModelTextShowsAQuotedScriptTagAsText", s.testScriptAsText)
	t.Run("ExportDownloadsTheSearchAsCSV", s.testExportDownload)
	t.Run("CopyLinkPutsThePermalinkOnTheClipboard", s.testCopyLink)
	t.Run("PrintedPagesShowTheSearchAndTheSource", s.testPrintView)
	t.Run("LongFacetListsFilterAndSortAToO", s.testFacetFilter)
	t.Run("PagesHaveNoAxeViolations", s.testAxe)
	t.Run("PagesFitA320pxWideScreen", s.testNarrow)
	t.Run("EmptyResultPageWeighsUnder100kB", s.testWeight)
	t.Run("ScreenshotsAt1280And375px", s.testScreenshots)
	t.Run("AnAreaListsNationalModelsUntilTheBoxIsUnticked", s.testNationalOption)
	t.Run("AnEmptyPageSaysWhatDroppingEachFilterGives", s.testEmptyPageCounts)
	t.Run("AQueryErrorInSwedishKeepsTheSearchBox", s.testErrorPageInSwedish)
	t.Run("OrFindsEitherWord", s.testOr)
}

// search asks the JSON API what the search page should show for the same query parameters.
func (s *browserSuite) search(t *testing.T, query string) searchResponse {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.api[query]; ok {
		return r
	}
	var r searchResponse
	if code := getJSON(t, s.base+"/api/v1/search?"+query, &r); code != 200 {
		t.Fatalf("/api/v1/search?%s: status %d", query, code)
	}
	s.api[query] = r
	return r
}

// tab is one browser tab of a subtest.
type tab struct {
	t   *testing.T
	ctx context.Context
	s   *browserSuite
}

// newTab opens a tab that closes when the subtest ends. Uncaught JavaScript exceptions on its
// pages fail the subtest.
func (s *browserSuite) newTab(t *testing.T, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser, opts...)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("opening a tab: %v", err)
	}
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	var thrown []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			thrown = append(thrown, fmt.Sprintf("%s:%d: %s", d.URL, d.LineNumber+1, msg))
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		for _, e := range thrown {
			t.Errorf("uncaught JavaScript exception: %s", e)
		}
	})
	return &tab{t: t, ctx: ctx, s: s}
}

// do runs actions, each step within stepWait, and fails the test on an error.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	for _, a := range actions {
		ctx, cancel := context.WithTimeout(b.ctx, stepWait)
		err := chromedp.Do(ctx, a)
		cancel()
		if err != nil {
			b.t.Fatalf("%s: %v\npage: %+v", what, err, b.state())
		}
	}
}

// open loads a path of the demo and waits for its load event.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("opening "+path, chromedp.Navigate(b.s.base+path))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepWait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluating %.200s: %v", expr, err)
	}
	return v
}

func (b *tab) press(keys string, opts ...chromedp.KeyOption) {
	b.t.Helper()
	b.do(fmt.Sprintf("pressing %q", keys), chromedp.KeyEvent(keys, opts...))
}

// jsString quotes s as a JavaScript (and CSS) string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// pageState is what the tests read of a page: the search page's parts of the markup contract,
// and the model page's title.
type pageState struct {
	Path      string   `json:"path"`
	Search    string   `json:"search"`
	Busy      bool     `json:"busy"`
	Total     string   `json:"total"`     // data-total of #tulosmaara, "" when missing
	TotalText string   `json:"totalText"` // its text
	TotalLive string   `json:"totalLive"` // its aria-live
	Hits      []string `json:"hits"`      // paths of the hit title links
	Dates     []string `json:"dates"`     // datetime of each hit's time
	Chips     []string `json:"chips"`     // facet=value of each chip
	Checked   []string `json:"checked"`   // name=value of each ticked checkbox in #tulosalue
	Current   string   `json:"current"`   // text of the pager's current page
	H1        string   `json:"h1"`        // article.model h1
	Same      bool     `json:"same"`      // the marker of markDocument is still there
}

const stateJS = `(() => {
	const q = s => document.querySelector(s);
	const all = s => [...document.querySelectorAll(s)];
	const text = e => e ? e.textContent.replace(/\s+/g, ' ').trim() : '';
	const total = q('#tulosmaara');
	return {
		path: location.pathname,
		search: location.search,
		busy: document.documentElement.hasAttribute('data-busy'),
		total: total ? total.getAttribute('data-total') || '' : '',
		totalText: text(total),
		totalLive: total ? total.getAttribute('aria-live') || '' : '',
		hits: all('ol#tulokset > li.hit h2 a[href^="/malli/"]').map(a => a.pathname),
		dates: all('ol#tulokset > li.hit time[datetime]').map(e => e.getAttribute('datetime')),
		chips: all('ul.chips a.chip').map(a => a.dataset.facet + '=' + a.dataset.value),
		checked: all('#tulosalue input[type=checkbox]:checked').map(e => e.name + '=' + e.value),
		current: text(q('nav.pager [aria-current=page]')),
		h1: text(q('article.model h1')),
		same: window.__mallihakuSameDocument === true,
	};
})()`

func (b *tab) state() pageState {
	ctx, cancel := context.WithTimeout(b.ctx, stepWait)
	defer cancel()
	st, _ := chromedp.Run(ctx, chromedp.Evaluate[pageState](stateJS))
	return st
}

// until waits, up to stepWait, for the page's state to pass check, which returns why it does
// not yet ("" when it does). It reads the state again every 25 ms; reads that fail while a
// page is loading are retried.
func (b *tab) until(what string, check func(pageState) string) pageState {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepWait)
	defer cancel()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	var st pageState
	why := "the page was never read"
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](stateJS))
		if err == nil {
			st = got
			if why = check(st); why == "" {
				return st
			}
		} else if ctx.Err() == nil {
			why = err.Error()
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("%s: not so after %v: %s\npage: %+v", what, stepWait, why, st)
		case <-tick.C:
		}
	}
}

// markDocument marks the document, so that sameDocument can tell whether the next step
// swapped the results in place or loaded a new page.
func (b *tab) markDocument() {
	b.t.Helper()
	eval[chromedp.Void](b, `window.__mallihakuSameDocument = true`)
}

func (b *tab) sameDocument(st pageState, step string) {
	b.t.Helper()
	if !st.Same {
		b.t.Errorf("%s loaded a new page; with JavaScript it should swap #tulosalue in place", step)
	}
}

// normalized is the query of a search URL without what does not change the search: empty
// values, the language, the default sort and page 1.
func normalized(search string) url.Values {
	v, _ := url.ParseQuery(strings.TrimPrefix(search, "?"))
	for k, vs := range v {
		vs = slices.DeleteFunc(vs, func(s string) bool { return s == "" })
		switch {
		case len(vs) == 0, k == "lang", k == "sort" && vs[0] == "relevance", k == "page" && vs[0] == "1",
			k == "national" && slices.Contains(vs, "include"): // the page's default
			delete(v, k)
		default:
			v[k] = vs
		}
	}
	return v
}

// listing checks that the page is the search page for want, settled, and shows what the API
// finds for the same query: the count (in data-total and in the text) and the hits in order.
func (s *browserSuite) listing(t *testing.T, want url.Values, more ...func(pageState) string) func(pageState) string {
	return func(st pageState) string {
		if st.Path != "/" {
			return "on " + st.Path
		}
		if st.Busy {
			return "<html> has data-busy"
		}
		if got := normalized(st.Search).Encode(); got != want.Encode() {
			return fmt.Sprintf("URL query %q, want %q", got, want.Encode())
		}
		r := s.search(t, apiQuery(want))
		if st.Total != fmt.Sprint(r.Total) {
			return fmt.Sprintf("#tulosmaara data-total=%q, want %d", st.Total, r.Total)
		}
		if !strings.Contains(st.TotalText, fmt.Sprint(r.Total)) || st.TotalLive != "polite" {
			return fmt.Sprintf("#tulosmaara says %q with aria-live=%q; want the count %d, polite", st.TotalText, st.TotalLive, r.Total)
		}
		var hits []string
		for _, h := range r.Hits {
			hits = append(hits, "/malli/"+h.ID)
		}
		if !slices.Equal(st.Hits, hits) {
			return fmt.Sprintf("hits %q, want %q", st.Hits, hits)
		}
		for _, m := range more {
			if why := m(st); why != "" {
				return why
			}
		}
		return ""
	}
}

func hasChip(facet, value string, want bool) func(pageState) string {
	return func(st pageState) string {
		if slices.Contains(st.Chips, facet+"="+value) != want {
			return fmt.Sprintf("chips %q; want the chip %s=%s %v", st.Chips, facet, value, map[bool]string{true: "shown", false: "gone"}[want])
		}
		return ""
	}
}

func isChecked(name, value string, want bool) func(pageState) string {
	return func(st pageState) string {
		if slices.Contains(st.Checked, name+"="+value) != want {
			return fmt.Sprintf("ticked checkboxes %q; want %s=%s ticked: %v", st.Checked, name, value, want)
		}
		return ""
	}
}

var pageTwo = regexp.MustCompile(`(^|\D)2(\D|$)`)

func onPageTwo(st pageState) string {
	if !pageTwo.MatchString(st.Current) {
		return fmt.Sprintf("the pager's aria-current=page says %q, want 2", st.Current)
	}
	return ""
}

func newestFirst(st pageState) string {
	if len(st.Dates) == 0 || len(st.Dates) != len(st.Hits) {
		return fmt.Sprintf("%d hits with %d time[datetime]", len(st.Hits), len(st.Dates))
	}
	if !slices.IsSortedFunc(st.Dates, func(a, b string) int { return strings.Compare(b, a) }) {
		return fmt.Sprintf("modified dates %q are not newest first", st.Dates)
	}
	return ""
}

// pickRegion returns a visible, unticked region checkbox of the page that narrows the search q
// (to some hits, not all).
func (s *browserSuite) pickRegion(t *testing.T, b *tab, q url.Values) string {
	t.Helper()
	total := s.search(t, q.Encode()).Total
	values := eval[[]string](b, `[...document.querySelectorAll('fieldset.facet[data-facet="region"] input[type=checkbox][name="region"]')]
		.filter(e => !e.checked && e.checkVisibility()).map(e => e.value)`)
	for _, v := range values {
		n := s.search(t, apiQuery(withParam(q, "region", v))).Total
		if n > 0 && n < total {
			return v
		}
	}
	t.Fatalf("no visible region checkbox narrows the %d hits of %q; visible region checkboxes: %q", total, q.Encode(), values)
	return ""
}

// withParam returns a copy of v with key set to value.
func withParam(v url.Values, key, value string) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = slices.Clone(vs)
	}
	c.Set(key, value)
	return c
}

func chipSelector(facet, value string) string {
	return fmt.Sprintf(`ul.chips a.chip[data-facet=%s][data-value=%s]`, jsString(facet), jsString(value))
}

func checkboxSelector(name, value string) string {
	return fmt.Sprintf(`input[type=checkbox][name=%s][value=%s]`, jsString(name), jsString(value))
}

// driver is how a person works the search page: with the mouse or with the keyboard only.
type driver interface {
	typeQuery(q string)
	tickRegion(value string)
	removeChip(facet, value string)
	sortBy(value string)
	clearQuery()
	nextPage()
	// openHit follows the link of a hit and returns its text and href.
	openHit() (title, href string)
}

// journey is the path through the search page that the mouse and the keyboard tests share:
// type a query, tick a region, go back and forward, remove the region's chip, sort by date,
// clear the query, go to page 2, open a model and come back.
func (s *browserSuite) journey(t *testing.T, b *tab, d driver) {
	const query = "päihde"
	all := s.search(t, "")
	if all.Total <= 20 {
		t.Fatalf("the demo has %d models; the journey needs more than one page", all.Total)
	}
	b.until("the search page lists every model", s.listing(t, url.Values{}))

	q := url.Values{"q": {query}}
	b.markDocument()
	d.typeQuery(query)
	typed := b.until(fmt.Sprintf("typing %q shows its hits", query), s.listing(t, q))
	b.sameDocument(typed, "typing in #q")
	if n := s.search(t, q.Encode()).Total; n == 0 || n >= all.Total {
		t.Fatalf("the query %q finds %d of %d models; it should narrow the search", query, n, all.Total)
	}

	region := s.pickRegion(t, b, q)
	withRegion := withParam(q, "region", region)
	b.markDocument()
	d.tickRegion(region)
	st := b.until("ticking the region "+region+" narrows the hits and shows its chip",
		s.listing(t, withRegion, hasChip("region", region, true), isChecked("region", region, true)))
	b.sameDocument(st, "ticking a region")
	if st.Total == typed.Total {
		t.Errorf("ticking %s left the count at %s", region, st.Total)
	}

	eval[chromedp.Void](b, `history.back()`)
	b.until("Back shows the hits of the query without the region",
		s.listing(t, q, hasChip("region", region, false), isChecked("region", region, false)))
	eval[chromedp.Void](b, `history.forward()`)
	b.until("Forward ticks the region again",
		s.listing(t, withRegion, hasChip("region", region, true), isChecked("region", region, true)))

	d.removeChip("region", region)
	b.until("removing the chip of "+region+" brings back the hits of the query",
		s.listing(t, q, hasChip("region", region, false), isChecked("region", region, false)))

	sorted := withParam(q, "sort", "modified")
	b.markDocument()
	d.sortBy("modified")
	st = b.until("sorting by modification date shows the newest first", s.listing(t, sorted, newestFirst))
	b.sameDocument(st, "changing the sort")

	b.markDocument()
	d.clearQuery()
	first := b.until("clearing the query lists every model again", s.listing(t, url.Values{"sort": {"modified"}}))
	b.sameDocument(first, "clearing #q")

	d.nextPage()
	second := b.until("the pager goes to page 2", s.listing(t, url.Values{"sort": {"modified"}, "page": {"2"}}, onPageTwo))
	for _, h := range second.Hits {
		if slices.Contains(first.Hits, h) {
			t.Errorf("page 2 repeats %s of page 1", h)
		}
	}

	title, href := d.openHit()
	b.until("the hit "+href+" opens its model", func(st pageState) string {
		if st.Path != href || st.H1 != title {
			return fmt.Sprintf("on %s with h1 %q, want %s with h1 %q", st.Path, st.H1, href, title)
		}
		return ""
	})

	eval[chromedp.Void](b, `history.back()`)
	b.until("Back returns to page 2", func(st pageState) string {
		switch {
		case st.Path != "/" || st.Search != second.Search:
			return fmt.Sprintf("on %s%s, want /%s", st.Path, st.Search, second.Search)
		case st.Busy:
			return "<html> has data-busy"
		case !slices.Equal(st.Hits, second.Hits):
			return fmt.Sprintf("hits %q, want page 2's %q", st.Hits, second.Hits)
		}
		return onPageTwo(st)
	})
}

// mouse works the page by clicking. A native select cannot be worked with the mouse in a
// headless browser, so sortBy picks the option as the browser does and fires its events.
type mouse struct{ b *tab }

func (m mouse) typeQuery(q string) {
	m.b.do("typing into #q", chromedp.Click(chromedp.CSS("input#q[name=q][type=search]")), chromedp.KeyEvent(q))
}

func (m mouse) tickRegion(value string) {
	m.b.t.Helper()
	id := eval[string](m.b, fmt.Sprintf(`(document.querySelector(%s) || {}).id || ''`, jsString(checkboxSelector("region", value))))
	if id == "" {
		m.b.t.Fatalf("the region checkbox %s has no id for its label", value)
	}
	m.b.do("clicking the label of "+value, chromedp.Click(chromedp.CSS(fmt.Sprintf(`label[for=%s]`, jsString(id)))))
}

func (m mouse) removeChip(facet, value string) {
	m.b.do("clicking the chip", chromedp.Click(chromedp.CSS(chipSelector(facet, value))))
}

func (m mouse) sortBy(value string) {
	m.b.t.Helper()
	options := eval[[]string](m.b, `[...document.querySelectorAll('select#sort[name=sort] option')].map(o => o.value)`)
	if want := []string{"relevance", "modified", "created", "title"}; !slices.Equal(options, want) {
		m.b.t.Fatalf("select#sort has the options %q, want %q", options, want)
	}
	m.b.do("choosing a sort", chromedp.Click(chromedp.CSS("select#sort")), chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const s = document.querySelector('select#sort');
		s.value = %s;
		s.dispatchEvent(new Event('input', {bubbles: true}));
		s.dispatchEvent(new Event('change', {bubbles: true}));
	})()`, jsString(value))))
}

func (m mouse) clearQuery() {
	n := utf8.RuneCountInString(eval[string](m.b, `document.querySelector('#q').value`))
	m.b.do("emptying #q", chromedp.Click(chromedp.CSS("#q")), chromedp.KeyEvent(kb.End+strings.Repeat(kb.Backspace, n)))
}

func (m mouse) nextPage() {
	m.b.do("clicking the next page", chromedp.Click(chromedp.CSS("nav.pager a[rel=next]")))
}

func (m mouse) openHit() (string, string) {
	const sel = `ol#tulokset > li.hit:nth-child(2) h2 a`
	hit := eval[[]string](m.b, fmt.Sprintf(`(a => a ? [a.textContent.replace(/\s+/g, ' ').trim(), a.pathname] : [])(document.querySelector(%s))`, jsString(sel)))
	if len(hit) != 2 {
		m.b.t.Fatalf("no second hit %s", sel)
	}
	m.b.do("clicking a hit", chromedp.Click(chromedp.CSS(sel)))
	return hit[0], hit[1]
}

func (s *browserSuite) testMouse(t *testing.T) {
	b := s.newTab(t)
	b.open("/")
	for _, c := range []struct{ what, js string }{
		{`<html lang="fi">`, `document.documentElement.lang === 'fi'`},
		{`div#tulosalue inside form#haku[role=search] (GET /)`, `document.querySelectorAll('form#haku[role=search][method=get i] div#tulosalue').length === 1`},
		{`the Atom feed in the head and as a visible a.feed`, `document.querySelector('head link[rel=alternate][type="application/atom+xml"][href]') !== null &&
			!!document.querySelector('a.feed[href]')?.checkVisibility()`},
	} {
		if !eval[bool](b, c.js) {
			t.Errorf("the search page lacks %s", c.what)
		}
	}
	s.journey(t, b, mouse{b})
}

// keyboard works the page with key events only.
type keyboard struct{ b *tab }

// focusVisibleJS tells whether the focused element shows where the focus is.
const focusVisibleJS = `(() => {
	const c = getComputedStyle(document.activeElement);
	return (c.outlineStyle !== 'none' && parseFloat(c.outlineWidth) > 0) || c.boxShadow !== 'none';
})()`

// tabTo presses Tab until the focused element matches sel, and Shift+Tab if it was not found
// going forward, up to maxTabs presses each way. The focused element must show its focus.
func (k keyboard) tabTo(sel string) {
	b := k.b
	b.t.Helper()
	matches := fmt.Sprintf(`document.activeElement.matches(%s)`, jsString(sel))
	for i := 0; i < 2*maxTabs; i++ {
		if eval[bool](b, matches) {
			if !eval[bool](b, focusVisibleJS) {
				b.t.Errorf("the focused %s shows no outline or box-shadow", sel)
			}
			return
		}
		if i < maxTabs {
			b.press(kb.Tab)
		} else {
			b.press(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
		}
	}
	b.t.Fatalf("%d presses of Tab and of Shift+Tab never focused %s\npage: %+v", maxTabs, sel, b.state())
}

func (k keyboard) typeQuery(q string) {
	k.tabTo("input#q[name=q][type=search]")
	k.b.press(q)
}

func (k keyboard) tickRegion(value string) {
	k.tabTo(checkboxSelector("region", value))
	k.b.press(" ")
}

func (k keyboard) removeChip(facet, value string) {
	k.tabTo(chipSelector(facet, value))
	k.b.press(kb.Enter)
}

func (k keyboard) sortBy(value string) {
	k.tabTo("select#sort")
	for range 5 {
		at := eval[[]int](k.b, fmt.Sprintf(`(s => [s.selectedIndex, [...s.options].findIndex(o => o.value === %s)])(document.querySelector('select#sort'))`, jsString(value)))
		switch {
		case at[1] < 0:
			k.b.t.Fatalf("select#sort has no option %s", value)
		case at[0] < at[1]:
			k.b.press(kb.ArrowDown)
		case at[0] > at[1]:
			k.b.press(kb.ArrowUp)
		default:
			return
		}
	}
	k.b.t.Fatalf("the arrow keys did not choose the sort %s", value)
}

func (k keyboard) clearQuery() {
	k.tabTo("#q")
	n := utf8.RuneCountInString(eval[string](k.b, `document.querySelector('#q').value`))
	k.b.press(kb.End + strings.Repeat(kb.Backspace, n))
}

func (k keyboard) nextPage() {
	k.tabTo("nav.pager a[rel=next]")
	k.b.press(kb.Enter)
}

func (k keyboard) openHit() (string, string) {
	k.tabTo("ol#tulokset > li.hit h2 a")
	hit := eval[[]string](k.b, `[document.activeElement.textContent.replace(/\s+/g, ' ').trim(), document.activeElement.pathname]`)
	k.b.press(kb.Enter)
	return hit[0], hit[1]
}

func (s *browserSuite) testKeyboard(t *testing.T) {
	b := s.newTab(t)
	k := keyboard{b}
	b.open("/")
	b.press(kb.Tab)
	if !eval[bool](b, `document.activeElement.matches('a.skip[href="#sisalto"]')`) {
		t.Errorf("the first Tab focuses %s, want the skip link a.skip[href=\"#sisalto\"]", eval[string](b, `document.activeElement.outerHTML.slice(0, 120)`))
	} else {
		if !eval[bool](b, focusVisibleJS) {
			t.Error("the focused skip link shows no outline or box-shadow")
		}
		if !eval[bool](b, `(r => r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.right <= innerWidth)(document.activeElement.getBoundingClientRect())`) {
			t.Error("the focused skip link is not on the screen")
		}
		b.press(kb.Enter)
		b.press(kb.Tab)
		if !eval[bool](b, `location.hash === '#sisalto' && document.activeElement.closest('main#sisalto') !== null`) {
			t.Errorf("after the skip link, Tab focuses %s, want an element in main#sisalto", eval[string](b, `document.activeElement.outerHTML.slice(0, 120)`))
		}
	}
	s.journey(t, b, k)
}

func (s *browserSuite) testNoScript(t *testing.T) {
	b := s.newTab(t)
	b.do("turning JavaScript off", chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	b.open("/")
	const query = "päihde"
	q := url.Values{"q": {query}}
	b.do("typing a query and pressing Hae", chromedp.SendKeys(chromedp.CSS("input#q"), query), chromedp.Click(chromedp.CSS("button#hae")))
	b.until("the form shows the hits of the query", s.listing(t, q))

	region := s.pickRegion(t, b, q)
	withRegion := withParam(q, "region", region)
	mouse{b}.tickRegion(region)
	b.do("pressing the apply button", chromedp.Click(chromedp.CSS("form#haku button.apply")))
	b.until("the apply button filters the hits by "+region,
		s.listing(t, withRegion, hasChip("region", region, true), isChecked("region", region, true)))
}

var scriptTag = regexp.MustCompile(`<script\b[^>]*\bsrc="([^"]+)"[^>]*>\s*</script>`)

// scriptModel returns the sample model whose text quotes a script tag, the tag, and its src.
func scriptModel(t *testing.T) (slug, tag, src string) {
	t.Helper()
	pages, err := sample.Pages()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		for _, sec := range p.Sections {
			if m := scriptTag.FindStringSubmatch(sec.Text); m != nil {
				return p.Slug, m[0], m[1]
			}
		}
	}
	t.Fatal("no sample model quotes a <script src=...></script> in its text")
	return "", "", ""
}

func (s *browserSuite) testScriptAsText(t *testing.T) {
	slug, tag, src := scriptModel(t)
	b := s.newTab(t)
	b.open("/malli/" + slug)
	b.until("the model page of "+slug, func(st pageState) string {
		if st.H1 == "" {
			return "no article.model h1"
		}
		return ""
	})
	if !eval[bool](b, fmt.Sprintf(`[...document.querySelectorAll('article.model section.text')].some(s => s.innerText.includes(%s))`, jsString(tag))) {
		t.Errorf("no section.text of /malli/%s shows the text %s", slug, tag)
	}
	if n := eval[int](b, fmt.Sprintf(`[...document.querySelectorAll('[src]')].filter(e => e.getAttribute('src').includes(%s)).length`, jsString(src))); n != 0 {
		t.Errorf("/malli/%s has %d elements with src %s: the quoted markup became markup", slug, n, src)
	}
}

// samplePage is one of the pages that the accessibility, layout and screenshot tests look at.
type samplePage struct{ name, path string }

func (s *browserSuite) samplePages(t *testing.T) []samplePage {
	t.Helper()
	manifest, err := sample.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	region := ""
	for _, e := range manifest {
		for _, r := range e.Region {
			if count[r]++; count[r] > count[region] {
				region = r
			}
		}
	}
	slug, _, _ := scriptModel(t)
	return []samplePage{
		{"search", "/"},
		{"filtered", "/?region=" + url.QueryEscape(region)},
		{"empty", "/?q=xyzzyqwerty"},
		{"model", "/malli/" + slug},
		// A model opened from the results of päihde: its words marked.
		{"model-searched", "/malli/" + s.search(t, "q=p%C3%A4ihde").Hits[0].ID + "?q=p%C3%A4ihde"},
		// The national box, the empty page's counts and a query error.
		{"national", "/?region=Pirkanmaa"},
		{"empty-filters", "/?region=Lappi&phase=Valmis&national=exclude"},
		{"error-sv", "/?q=p%C3%A4*&region=Pirkanmaa&lang=sv"},
	}
}

// axeSource returns axe-core from testdata/axe/node_modules, installing it with npm ci first
// when it is missing.
func axeSource(t *testing.T) string {
	t.Helper()
	path := filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(path); err != nil {
		out, err := exec.Command("npm", "ci", "--prefix", filepath.Join("testdata", "axe")).CombinedOutput()
		t.Logf("npm ci --prefix testdata/axe: %v\n%s", err, out)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core: %v (run npm ci --prefix cmd/mallihaku/testdata/axe)", err)
	}
	return string(src)
}

type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

type axeResult struct {
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

const axeRunJS = `axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}).then(r => ({
	passes: r.passes.length,
	violations: r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, targets: v.nodes.map(n => n.target.join(' '))})),
}))`

func (s *browserSuite) testAxe(t *testing.T) {
	src := axeSource(t)
	b := s.newTab(t)
	b.do("bypassing the CSP for axe-core", chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
		return err
	}))
	pages := s.samplePages(t)
	// The Swedish and English pages too: their strings and lang attributes are their own.
	pages = append(pages, samplePage{"filtered in Swedish", pages[1].path + "&lang=sv"}, samplePage{"model in English", pages[3].path + "?lang=en"})
	// A year range's chip and fields, and a programme's page.
	pages = append(pages, samplePage{"updated 2020–2024", "/?year_from=2020&year_to=2024"})
	var programmes struct {
		Programmes []struct {
			ID string `json:"id"`
		} `json:"programmes"`
	}
	if getJSON(t, s.base+"/api/v1/programmes", &programmes); len(programmes.Programmes) == 0 {
		t.Fatal("/api/v1/programmes lists no programme of the sample site")
	}
	pages = append(pages, samplePage{"programme", "/kokonaisuus/" + programmes.Programmes[0].ID})
	for _, p := range pages {
		b.open(p.path)
		eval[chromedp.Void](b, src)
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		r, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeRunJS, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil {
			t.Fatalf("axe on %s: %v", p.path, err)
		}
		if r.Passes == 0 {
			t.Errorf("axe on %s passed no rule: it did not look at the page", p.path)
		}
		for _, v := range r.Violations { // none of any impact
			t.Errorf("%s page (%s): %s %s: %s\n\t%s", p.name, p.path, v.Impact, v.ID, v.Help, strings.Join(v.Targets, "\n\t"))
		}
	}
}

type widthCheck struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Wide        []string `json:"wide"` // elements that reach past the window's right edge
}

func (s *browserSuite) testNarrow(t *testing.T) {
	b := s.newTab(t)
	b.do("a 320 px wide screen", chromedp.EmulateViewport(320, 640))
	for _, p := range s.samplePages(t) {
		b.open(p.path)
		fit := eval[widthCheck](b, `({
			scrollWidth: document.documentElement.scrollWidth,
			innerWidth: innerWidth,
			wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
				.slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '')),
		})`)
		if fit.InnerWidth != 320 {
			t.Fatalf("the window is %d px wide, want 320", fit.InnerWidth)
		}
		if fit.ScrollWidth > fit.InnerWidth {
			t.Errorf("%s page (%s) scrolls sideways at 320 px: %d px wide; wider elements: %q", p.name, p.path, fit.ScrollWidth, fit.Wide)
		}
	}
}

func (s *browserSuite) testWeight(t *testing.T) {
	// A fresh browser context has an empty cache, so every asset is fetched and measured.
	b := s.newTab(t, chromedp.WithNewBrowserContext())
	b.open("/?q=xyzzyqwerty")
	if !eval[bool](b, `document.querySelector('#ei-tuloksia') !== null`) {
		t.Error("the page of /?q=xyzzyqwerty has no #ei-tuloksia")
	}
	type entry struct {
		Name     string `json:"name"`
		Encoded  int    `json:"encoded"`
		Transfer int    `json:"transfer"`
	}
	entries := eval[[]entry](b, `[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
		.map(e => ({name: e.name, encoded: e.encodedBodySize, transfer: e.transferSize}))`)
	total := 0
	var lines []string
	for _, e := range entries {
		n := max(e.Encoded, e.Transfer)
		total += n
		lines = append(lines, fmt.Sprintf("%7d %s", n, e.Name))
	}
	t.Logf("the empty-result page weighs %d bytes:\n%s", total, strings.Join(lines, "\n"))
	if len(entries) < 2 || entries[0].Encoded == 0 {
		t.Fatalf("the page's timing entries %+v do not measure the page and its style sheet", entries)
	}
	if total >= 100_000 {
		t.Errorf("the empty-result page and its assets weigh %d bytes, want under 100 kB", total)
	}
}

func (s *browserSuite) testScreenshots(t *testing.T) {
	dir, err := os.MkdirTemp("", "mallihaku-screenshots-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	docs := filepath.Join("..", "..", "docs", "screenshots")
	if *updateScreenshots {
		if err := os.MkdirAll(docs, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	b := s.newTab(t)
	for _, width := range []int64{1280, 375} {
		b.do(fmt.Sprintf("a %d px wide window", width), chromedp.EmulateViewport(width, 800))
		for _, p := range s.samplePages(t) {
			// A full page of results is thousands of pixels tall: laying it out at a new width
			// and capturing it may take longer than a step on a busy machine.
			ctx, cancel := context.WithTimeout(b.ctx, 4*stepWait)
			if err := chromedp.Do(ctx, chromedp.Navigate(s.base+p.path)); err != nil {
				cancel()
				t.Fatalf("opening %s at %d px: %v", p.path, width, err)
			}
			img, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			cancel()
			if err != nil {
				t.Fatalf("screenshot of %s: %v", p.path, err)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(img))
			if err != nil || int64(cfg.Width) != width {
				t.Errorf("screenshot of %s at %d px: %d px wide PNG, %v", p.path, width, cfg.Width, err)
			}
			name := fmt.Sprintf("%s-%d.png", p.name, width)
			if err := os.WriteFile(filepath.Join(dir, name), img, 0o644); err != nil {
				t.Fatal(err)
			}
			if *updateScreenshots {
				if err := os.WriteFile(filepath.Join(docs, name), img, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
