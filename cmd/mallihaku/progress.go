package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mallihaku/mallihaku/crawler"
	"github.com/mallihaku/mallihaku/reindex"
)

// progress shows a crawl's progress: a bar redrawn in place on a terminal, a plain line every
// few seconds otherwise (logs, CI, systemd).
type progress struct {
	w       io.Writer
	tty     bool
	started time.Time
	last    time.Time
}

func newProgress(w io.Writer) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, tty: tty}
}

func (p *progress) update(s crawler.Progress) {
	now := time.Now()
	if p.started.IsZero() {
		p.started = now
	}
	every := 5 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	finished := s.Total > 0 && s.Done >= s.Total
	if now.Sub(p.last) < every && !finished {
		return
	}
	p.last = now
	rate := 0.0
	if secs := now.Sub(p.started).Seconds(); secs > 0 {
		rate = float64(s.Done) / secs
	}
	counts := fmt.Sprintf("%d/%d pages · %d fetched · %d not modified · %d failed · %d skipped · %.1f pages/s",
		s.Done, s.Total, s.Counts[reindex.Fetched], s.Counts[reindex.NotModified], s.Counts[reindex.PagesFailed], s.Counts[reindex.PagesSkipped], rate)
	if !p.tty {
		fmt.Fprintf(p.w, "crawl: %s\n", counts)
		return
	}
	const width = 24
	filled := 0
	if s.Total > 0 {
		filled = width * s.Done / s.Total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %s\x1b[K", strings.Repeat("█", filled), strings.Repeat("░", width-filled), counts)
	if finished {
		fmt.Fprintln(p.w)
	}
}

func withProgress(w io.Writer) func(*crawler.Config) {
	return func(c *crawler.Config) { c.Progress = newProgress(w).update }
}
