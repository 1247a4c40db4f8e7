package main

import (
	"bytes"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mallihaku/mallihaku/crawler"
	"github.com/mallihaku/mallihaku/reindex"
)

// It runs in a synctest bubble, whose clock moves only by the test's sleeps.
func TestProgressIsABarOnATerminalAndPlainLinesOtherwise(t *testing.T) {
	synctest.Test(t, progressBarAndLines)
}

func progressBarAndLines(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, tty: true}
	p.update(crawler.Progress{Done: 0, Total: 10})
	time.Sleep(2 * time.Second)
	p.update(crawler.Progress{Done: 5, Total: 10, Counts: reindex.Counts{reindex.Fetched: 5}})
	time.Sleep(2 * time.Second)
	p.update(crawler.Progress{Done: 10, Total: 10, Counts: reindex.Counts{reindex.Fetched: 8, reindex.NotModified: 2}})
	out := buf.String()
	if !strings.Contains(out, "\r[████████████░░░░░░░░░░░░] 5/10 pages") || !strings.Contains(out, "2.5 pages/s") ||
		!strings.HasSuffix(out, "\x1b[K\n") {
		t.Errorf("terminal output %q", out)
	}

	buf.Reset()
	p = &progress{w: &buf}
	for i := 1; i <= 10; i++ {
		time.Sleep(time.Second)
		p.update(crawler.Progress{Done: i, Total: 10, Counts: reindex.Counts{reindex.Fetched: i}})
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || strings.Contains(buf.String(), "\r") || !strings.HasPrefix(lines[2], "crawl: 10/10 pages · 10 fetched") {
		t.Errorf("plain output, a line every 5 s and one at the end: %q", lines)
	}
}
