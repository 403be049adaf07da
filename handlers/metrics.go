package handlers

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/waymark/waymark/stats"
)

// Metrics are aggregate counters for Prometheus. Several copies behind a
// load balancer are summed by Prometheus; nothing here is per person.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	counters sync.Map // requestKey -> prometheus.Counter, so the hot path does no hashing of labels
}

type requestKey struct {
	listener, route string
	status          int
}

// NewMetrics registers the request counters, the scan totals of st (nil
// for none) and the usual Go and process metrics.
func NewMetrics(st *stats.Stats) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "waymark_http_requests_total",
		Help: "HTTP requests by listener, route pattern and status.",
	}, []string{"listener", "route", "status"})
	m.reg.MustRegister(m.requests, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if st != nil {
		m.reg.MustRegister(&scanCollector{st: st})
	}
	return m
}

// Observe counts one request.
func (m *Metrics) Observe(listener, route string, status int) {
	if m == nil {
		return
	}
	k := requestKey{listener, route, status}
	if c, ok := m.counters.Load(k); ok {
		c.(prometheus.Counter).Inc()
		return
	}
	c := m.requests.WithLabelValues(listener, route, strconv.Itoa(status))
	m.counters.Store(k, c)
	c.Inc()
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

var scansDesc = prometheus.NewDesc("waymark_scans_total",
	"Poster scans per venue, counting completed UTC days only.", []string{"venue"}, nil)

// scanCollector reports scans of completed days only. A total that moved
// with every scan would let a frequent scrape learn the minute of each
// scan; the stored counts deliberately keep no time of day.
type scanCollector struct{ st *stats.Stats }

func (c *scanCollector) Describe(ch chan<- *prometheus.Desc) { ch <- scansDesc }

func (c *scanCollector) Collect(ch chan<- prometheus.Metric) {
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(stats.DayLayout)
	rows, err := c.st.Daily("", yesterday)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(scansDesc, err)
		return
	}
	totals := map[string]uint64{}
	for _, r := range rows {
		totals[r.Code] += r.Count
	}
	for code, n := range totals {
		ch <- prometheus.MustNewConstMetric(scansDesc, prometheus.CounterValue, float64(n), code)
	}
}
