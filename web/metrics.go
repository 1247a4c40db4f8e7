package web

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mallihaku/mallihaku/reindex"
)

// Metrics are the Prometheus metrics of one process: HTTP latency by route, searches, the
// index and reindex jobs. Their registry is the process's own, not the global one.
type Metrics struct {
	reg         *prometheus.Registry
	latency     *prometheus.HistogramVec
	searches    prometheus.Counter
	jobs        *prometheus.HistogramVec
	pages       *prometheus.CounterVec
	unread      *prometheus.GaugeVec
	lastSuccess prometheus.Gauge
	lastCounts  *prometheus.GaugeVec
}

// IndexStats tells the metrics what the index holds.
type IndexStats interface {
	Count() (uint64, error)
	Generation() string
}

// NewMetrics registers the metrics; index may be nil.
func NewMetrics(index IndexStats) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mallihaku_http_request_duration_seconds", Help: "HTTP request latency by route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "status"}),
		searches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mallihaku_searches_total", Help: "Searches answered (API, pages and feeds)."}),
		jobs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mallihaku_reindex_duration_seconds", Help: "Reindex job duration by mode and outcome.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 14),
		}, []string{"mode", "state"}),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mallihaku_crawl_pages_total", Help: "Pages handled by crawls, by result (fetched, not_modified, failed_…, skipped_…)."},
			[]string{"result"}),
		unread: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mallihaku_crawl_last_run_unread_pages",
			Help: "Pages that held a model and were not read as they were in the last crawl, by what happened: not_model_now (not read as a model) or fields_missing (read without fields it had)."},
			[]string{"result"}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mallihaku_last_successful_reindex_timestamp_seconds", Help: "When the last reindex job that succeeded ended (also one from before the process started)."}),
		lastCounts: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mallihaku_last_successful_reindex_count", Help: "The counts of the last reindex job that succeeded (fetched, failed, indexed, …)."},
			[]string{"count"}),
	}
	m.reg.MustRegister(m.latency, m.searches, m.jobs, m.pages, m.unread, m.lastSuccess, m.lastCounts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if index != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mallihaku_index_documents", Help: "Models in the live index generation."},
			func() float64 { n, _ := index.Count(); return float64(n) }))
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mallihaku_index_generation_timestamp_seconds", Help: "When the live index generation was built."},
			func() float64 {
				t, err := time.Parse("20060102T150405.000000000", index.Generation())
				if err != nil {
					return 0
				}
				return float64(t.Unix())
			}))
	}
	return m
}

// JobDone records a job that ended in this process.
func (m *Metrics) JobDone(j reindex.Job) {
	if j.Finished.IsZero() {
		return
	}
	m.jobs.WithLabelValues(string(j.Mode), string(j.State)).Observe(j.Finished.Sub(j.Started).Seconds())
	for _, k := range []reindex.Count{reindex.Fetched, reindex.NotModified, reindex.PagesSkipped, reindex.PagesFailed,
		reindex.NotModelNow, reindex.FieldsMissing} {
		if n := j.Counts[k]; n > 0 {
			m.pages.WithLabelValues(string(k)).Add(float64(n))
		}
	}
	if _, crawled := j.Counts[reindex.Fetched]; crawled { // a crawl, not a rebuild from the page cache
		for _, k := range []reindex.Count{reindex.NotModelNow, reindex.FieldsMissing} {
			m.unread.WithLabelValues(string(k)).Set(float64(j.Counts[k]))
		}
	}
	if j.State == reindex.Done {
		m.LastSuccess(j)
	}
}

// LastSuccess sets the last successful job: at start-up, the one the history holds.
func (m *Metrics) LastSuccess(j reindex.Job) {
	m.lastSuccess.Set(float64(j.Finished.Unix()))
	m.lastCounts.Reset()
	for k, n := range j.Counts {
		m.lastCounts.WithLabelValues(string(k)).Set(float64(n))
	}
}

func (m *Metrics) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	m.latency.WithLabelValues(route, strconv.Itoa(c.Writer.Status())).Observe(time.Since(start).Seconds())
}

func (m *Metrics) handler() gin.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) { h.ServeHTTP(c.Writer, c.Request) }
}

// countSearch counts a search route's requests.
func (m *Metrics) countSearch(c *gin.Context) {
	m.searches.Inc()
	c.Next()
}
