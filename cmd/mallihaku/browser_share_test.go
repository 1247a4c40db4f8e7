package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// testExportDownload clicks the results page's CSV link and reads the file the browser saved:
// every model of the search, under Finnish headings, in what Excel reads in Finland.
func (s *browserSuite) testExportDownload(t *testing.T) {
	const query = "q=p%C3%A4ihde"
	want := s.search(t, query).Total
	b := s.newTab(t)
	b.open("/?" + query)
	b.until("the hits of päihde", func(st pageState) string {
		if len(st.Hits) == 0 {
			return "no hits"
		}
		return ""
	})
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(b.ctx, stepWait)
	defer cancel()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	enabled := true
	b.do("allowing downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &enabled})
		return err
	}))
	b.do("clicking the CSV export", chromedp.Click(chromedp.CSS("a#vie-csv")))
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the browser cancelled the download")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	if file == "" {
		t.Fatalf("no download completed within %v", stepWait)
	}
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text, ok := strings.CutPrefix(string(body), "\ufeff")
	if !ok {
		t.Fatal("the downloaded CSV has no UTF-8 byte order mark: Excel would misread ä and ö")
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the downloaded CSV does not read as ;-separated: %v", err)
	}
	if len(rows) != int(want)+1 || rows[0][0] != "Nimi" || rows[0][9] != "Toteutuspaikka" {
		t.Errorf("the download has %d rows under %q, want headings (Nimi … Toteutuspaikka …) and the search's %d models", len(rows), rows[0], want)
	}
}

// testCopyLink copies a model page's permanent link with its button, and reads the clipboard.
func (s *browserSuite) testCopyLink(t *testing.T) {
	slug, _, _ := scriptModel(t)
	b := s.newTab(t)
	for _, perm := range []string{"clipboard-read", "clipboard-write"} {
		b.do("letting the page use the clipboard", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: perm}, Setting: browser.PermissionSettingGranted, Origin: s.base})
			return err
		}))
	}
	b.open("/malli/" + slug)
	permalink := s.base + "/malli/" + slug
	if got := eval[string](b, `document.querySelector('a#pysyva-linkki').href`); got != permalink {
		t.Fatalf("the permanent link is %q, want %q", got, permalink)
	}
	b.do("clicking Kopioi linkki", chromedp.Click(chromedp.CSS("p.permalink button.copybutton")))
	b.until("the page says the link was copied", func(pageState) string {
		if got := eval[string](b, `document.querySelector('#kopioitu[role=status]').textContent`); got != "Linkki kopioitu leikepöydälle." {
			return "the status line says " + jsString(got)
		}
		return ""
	})
	ctx, cancel := context.WithTimeout(b.ctx, stepWait)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil || got != permalink {
		t.Errorf("the clipboard holds %q (%v), want %q", got, err, permalink)
	}
}

// testPrintView prints (as print media) a filtered search and a model page: the search's words,
// filters and address, and the model's source, must be on the paper; buttons must not.
func (s *browserSuite) testPrintView(t *testing.T) {
	pages := s.samplePages(t)
	b := s.newTab(t)
	b.do("print media", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	for _, p := range []struct {
		samplePage
		shows, hides string
	}{
		{pages[1], ".printsummary", "#haku .searchrow"},
		{pages[3], ".source .print-only", ".copybutton"},
	} {
		b.open(p.path)
		if !eval[bool](b, fmt.Sprintf(`(e => !!e && e.offsetParent !== null)(document.querySelector(%s))`, jsString(p.shows))) {
			t.Errorf("printed, %s does not show %s", p.path, p.shows)
		}
		if eval[bool](b, fmt.Sprintf(`[...document.querySelectorAll(%s)].some(e => e.offsetParent !== null)`, jsString(p.hides))) {
			t.Errorf("printed, %s shows %s", p.path, p.hides)
		}
		ctx, cancel := context.WithTimeout(b.ctx, 4*stepWait)
		img, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			t.Fatalf("screenshot of %s printed: %v", p.path, err)
		}
		if *updateScreenshots {
			if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", "print-"+p.name+".png"), img, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// testFacetFilter types into the topic list's filter box, and orders the list A–Ö.
func (s *browserSuite) testFacetFilter(t *testing.T) {
	b := s.newTab(t)
	b.open("/")
	const fs = `document.querySelector('fieldset.facet[data-facet="topic"]')`
	visible := func() []string {
		return eval[[]string](b, `[...`+fs+`.querySelectorAll('li')].filter(li => li.offsetParent !== null).map(li => li.querySelector('.v').textContent)`)
	}
	b.do("typing palvel in the topic filter", chromedp.SendKeys(chromedp.CSS(`fieldset.facet[data-facet="topic"] input.facetfilter`), "palvel"))
	shown := visible()
	if len(shown) == 0 {
		t.Fatal("typing palvel in the topic filter shows no topic")
	}
	for _, v := range shown {
		if !strings.Contains(strings.ToLower(v), "palvel") {
			t.Errorf("the topic filter palvel shows %q", v)
		}
	}
	all := eval[int](b, fs+`.querySelectorAll('li').length`)
	if len(shown) == all {
		t.Errorf("the filter palvel hides none of the %d topics", all)
	}
	b.do("emptying the filter and pressing A–Ö",
		chromedp.Evaluate[chromedp.Void](`(e => { e.value = ''; e.dispatchEvent(new Event('input')); })(`+fs+`.querySelector('input.facetfilter'))`),
		chromedp.Click(chromedp.CSS(`fieldset.facet[data-facet="topic"] button.facetorder`)))
	ordered := visible()
	if len(ordered) != all {
		t.Fatalf("A–Ö shows %d of the %d topics, want all in one list", len(ordered), all)
	}
	if !eval[bool](b, `(a => a.every((v, i) => i === 0 || a[i-1].localeCompare(v, 'fi') <= 0))([...`+fs+`.querySelectorAll('li .v')].map(e => e.textContent))`) {
		t.Errorf("A–Ö lists the topics as %q", ordered)
	}
	if eval[string](b, fs+`.querySelector('button.facetorder').getAttribute('aria-pressed')`) != "true" {
		t.Error("the A–Ö button does not say it is pressed")
	}
}
