package web

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Replication is what /api/v1/status and /metrics tell of a server that publishes its index
// generations (the writer) or serves those another publishes (a replica).
type Replication struct {
	Role    string `json:"role"`    // "writer" or "replica"
	Storage string `json:"storage"` // s3://BUCKET/PREFIX
	// Served is the generation this server serves; Manifest the one the manifest names.
	Served   string `json:"served_generation"`
	Manifest string `json:"manifest_generation"`
	// Agreed is when the two were last found the same (nil: not yet); SecondsSinceAgreed
	// is the time since then, the replica lag to alert on.
	Agreed             *time.Time `json:"agreed"`
	SecondsSinceAgreed *float64   `json:"seconds_since_agreed"`
	// Checked is when storage last answered.
	Checked *time.Time `json:"checked"`
	// Error is why the last check, switch or publication failed.
	Error string `json:"error,omitempty"`
}

// NewReplication fills in the times of a Replication; zero times stay nil.
func NewReplication(role, storage, served, manifest string, agreed, checked time.Time, err string) *Replication {
	r := &Replication{Role: role, Storage: storage, Served: served, Manifest: manifest, Error: err}
	if !agreed.IsZero() {
		r.Agreed = &agreed
		since := time.Since(agreed).Seconds()
		r.SecondsSinceAgreed = &since
	}
	if !checked.IsZero() {
		r.Checked = &checked
	}
	return r
}

// replicationCollector turns a Replication into metrics at each scrape.
type replicationCollector struct {
	fn                              func() *Replication
	info, agreed, since, checked, e *prometheus.Desc
}

// WatchReplication adds the replication metrics, read from fn at each scrape.
func (m *Metrics) WatchReplication(fn func() *Replication) {
	m.reg.MustRegister(&replicationCollector{
		fn: fn,
		info: prometheus.NewDesc("mallihaku_replication_info", "The generation served and the one the manifest names (value 1).",
			[]string{"role", "served_generation", "manifest_generation"}, nil),
		agreed: prometheus.NewDesc("mallihaku_replication_in_sync", "1 when the generation served is the one the manifest names.", nil, nil),
		since: prometheus.NewDesc("mallihaku_replication_seconds_since_agreed",
			"Seconds since the generation served was last found to be the manifest's (replica lag); absent before the first time.", nil, nil),
		checked: prometheus.NewDesc("mallihaku_replication_last_check_timestamp_seconds", "When object storage last answered.", nil, nil),
		e:       prometheus.NewDesc("mallihaku_replication_failing", "1 when the last check, switch or publication failed.", nil, nil),
	})
}

func (c *replicationCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.info, c.agreed, c.since, c.checked, c.e} {
		ch <- d
	}
}

func (c *replicationCollector) Collect(ch chan<- prometheus.Metric) {
	r := c.fn()
	if r == nil {
		return
	}
	one := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	ch <- prometheus.MustNewConstMetric(c.info, prometheus.GaugeValue, 1, r.Role, r.Served, r.Manifest)
	ch <- prometheus.MustNewConstMetric(c.agreed, prometheus.GaugeValue, one(r.Served != "" && r.Served == r.Manifest))
	if r.SecondsSinceAgreed != nil {
		ch <- prometheus.MustNewConstMetric(c.since, prometheus.GaugeValue, *r.SecondsSinceAgreed)
	}
	if r.Checked != nil {
		ch <- prometheus.MustNewConstMetric(c.checked, prometheus.GaugeValue, float64(r.Checked.Unix()))
	}
	ch <- prometheus.MustNewConstMetric(c.e, prometheus.GaugeValue, one(r.Error != ""))
}
