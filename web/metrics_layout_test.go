package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/reindex"
)

// TestMetricsCountPagesNotReadAsTheyWere: /metrics tells how many pages the last crawl could
// not read as the models they were, and counts the degraded job, so a layout change can alert.
func TestMetricsCountPagesNotReadAsTheyWere(t *testing.T) {
	m := NewMetrics(nil)
	start := time.Now().Add(-time.Minute)
	m.JobDone(reindex.Job{Mode: reindex.Incremental, State: reindex.Degraded, Started: start, Finished: time.Now(),
		Counts: reindex.Counts{"fetched": 42, "not_model_now": 40, "fields_missing": 2}})
	srv, _ := newAdminServer(t, Config{Metrics: m})
	get := func() string {
		resp, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	body := get()
	for _, want := range []string{
		`mallihaku_crawl_last_run_unread_pages{result="not_model_now"} 40`,
		`mallihaku_crawl_last_run_unread_pages{result="fields_missing"} 2`,
		`mallihaku_crawl_pages_total{result="not_model_now"} 40`,
		`mallihaku_reindex_duration_seconds_count{mode="incremental",state="degraded"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if !strings.Contains(body, "mallihaku_last_successful_reindex_timestamp_seconds 0") {
		t.Errorf("a degraded job counted as the last success")
	}

	// The next crawl reads every page again: the gauges go back to 0; a rebuild from the page
	// cache does not touch them.
	m.JobDone(reindex.Job{Mode: reindex.Incremental, State: reindex.Done, Started: start, Finished: time.Now(), Counts: reindex.Counts{"fetched": 42}})
	m.JobDone(reindex.Job{Mode: reindex.Reparse, State: reindex.Done, Started: start, Finished: time.Now(), Counts: reindex.Counts{"indexed": 42}})
	body = get()
	for _, want := range []string{
		`mallihaku_crawl_last_run_unread_pages{result="not_model_now"} 0`,
		`mallihaku_crawl_last_run_unread_pages{result="fields_missing"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("after a clean crawl /metrics lacks %s", want)
		}
	}
}
