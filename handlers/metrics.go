package handlers

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/waymark/waymark/stats"
)

// Metrics are aggregate counters for Prometheus. Several copies behind a
// load balancer are summed by Prometheus; nothing here is per person.
//
// Nothing on /metrics moves with a single visit to the public site, because
// a scrape every few seconds would then record the minute of each scan
// (docs/privacy.md): public requests and scans are published once their UTC
// day is over, scans under the small-count rule, and only Go and process
// metrics that describe the process rather than its traffic are kept.
type Metrics struct {
	reg      *prometheus.Registry
	requests sync.Map // requestKey -> *requestCount
	scans    scanMetrics

	// roll publishes the public requests counted so far at each UTC
	// midnight.
	roll *time.Timer
}

type requestKey struct {
	listener, route string
	status          int
}

// requestCount is one series of waymark_http_requests_total.
type requestCount struct {
	labels []string
	// live counts every request. For the staff listener it is what
	// /metrics shows; for the public listener, published is: live as it
	// was at the end of the last completed UTC day.
	live, published atomic.Uint64
}

var requestsDesc = prometheus.NewDesc("waymark_http_requests_total",
	"HTTP requests by listener, route pattern and status. Public requests are counted up to the end of the last completed UTC day.",
	[]string{"listener", "route", "status"}, nil)

// NewMetrics registers the request counters, the scan totals of st (nil
// for none) and the Go and process metrics that say nothing about traffic.
func NewMetrics(st *stats.Stats) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(requestCollector{m},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.scans.st = st
	m.roll = time.AfterFunc(untilNextDay(time.Now()), m.rollDay)
	return m
}

func unixDay(t time.Time) int64 { return t.Unix() / 86400 }

func untilNextDay(now time.Time) time.Duration {
	next := time.Unix((unixDay(now)+1)*86400, 0)
	return next.Sub(now) + time.Millisecond
}

// rollDay publishes the public requests of the day that has just ended.
// It runs on a timer at each UTC midnight, so the request path never
// reads the clock.
func (m *Metrics) rollDay() {
	m.publish()
	m.roll.Reset(untilNextDay(time.Now()))
}

func (m *Metrics) publish() {
	m.requests.Range(func(k, v any) bool {
		if k.(requestKey).listener == "public" {
			c := v.(*requestCount)
			c.published.Store(c.live.Load())
		}
		return true
	})
}

// Observe counts one request.
func (m *Metrics) Observe(listener, route string, status int) {
	if m == nil {
		return
	}
	k := requestKey{listener, route, status}
	if c, ok := m.requests.Load(k); ok {
		c.(*requestCount).live.Add(1)
		return
	}
	c, _ := m.requests.LoadOrStore(k, &requestCount{labels: []string{listener, route, strconv.Itoa(status)}})
	c.(*requestCount).live.Add(1)
}

// scanRoutes are the public routes whose answers count scans (Public.venue)
// or lessons' views (Public.lesson, and Public.venueLang for "/{lang}/{n}").
var scanRoutes = map[string]bool{"/:code": true, "/:code/": true, "/:code/:lang": true, "/:code/:lang/:n": true}

type requestCollector struct{ m *Metrics }

func (c requestCollector) Describe(ch chan<- *prometheus.Desc) { ch <- requestsDesc }

func (c requestCollector) Collect(ch chan<- prometheus.Metric) {
	c.m.requests.Range(func(k, v any) bool {
		rc := v.(*requestCount)
		n := rc.live.Load()
		if k := k.(requestKey); k.listener == "public" && k.status == http.StatusOK && scanRoutes[k.route] {
			// Each of these requests may be a scan or a lesson's view:
			// their count, minus the published totals, would give back
			// the days that the small-count rule hides.
			return true
		}
		if k.(requestKey).listener == "public" {
			// A series that first appears today is not shown at all
			// until tomorrow: its mere presence would say that a
			// request of that kind came today.
			if n = rc.published.Load(); n == 0 {
				return true
			}
		}
		ch <- prometheus.MustNewConstMetric(requestsDesc, prometheus.CounterValue, float64(n), rc.labels...)
		return true
	})
}

// Handler serves /metrics in the Prometheus text format: the registry's
// metrics, then the scan totals as text kept until they change.
//
// The scan totals are written here rather than by a collector because a
// national campaign has 100,000 venues: building 200,000 metric objects on
// every scrape took about 3 s, for numbers that change once a day.
func (m *Metrics) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mfs, err := quietGatherer{m.reg}.Gather()
		if err != nil {
			http.Error(w, "gathering metrics: "+err.Error(), http.StatusInternalServerError)
			return
		}
		format := expfmt.NewFormat(expfmt.TypeTextPlain)
		var b bytes.Buffer
		enc := expfmt.NewEncoder(&b, format)
		for _, mf := range mfs {
			if err := enc.Encode(mf); err != nil {
				http.Error(w, "encoding metrics: "+err.Error(), http.StatusInternalServerError)
				return
			}
		}
		scans, err := m.scans.text(time.Now())
		if err != nil {
			http.Error(w, "reading scan counts: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", string(format))
		w.Write(b.Bytes())
		w.Write(scans)
	})
}

// quietGatherer drops the Go and process metrics that move with traffic:
// CPU time, bytes allocated, garbage collections, goroutines (one per
// connection), open files (one per connection), network bytes, and memory
// in use (a kiosk page drawn for the first time, or a connection, grows
// it). Sampled every few seconds, each of them shows when someone opened
// a page. What is left describes the process: start time and limits.
type quietGatherer struct{ g prometheus.Gatherer }

// quietAllowed are the Go and process metrics kept; every waymark_ metric
// is kept.
var quietAllowed = map[string]bool{
	"go_info":                          true,
	"go_gomaxprocs_threads":            true,
	"go_gogc_percent":                  true,
	"go_gomemlimit_bytes":              true,
	"process_start_time_seconds":       true,
	"process_max_fds":                  true,
	"process_virtual_memory_max_bytes": true,
}

func (q quietGatherer) Gather() ([]*dto.MetricFamily, error) {
	mfs, err := q.g.Gather()
	out := mfs[:0]
	for _, mf := range mfs {
		if name := mf.GetName(); strings.HasPrefix(name, "waymark_") || quietAllowed[name] {
			out = append(out, mf)
		}
	}
	return out, err
}

const (
	scansHelp = "# HELP waymark_scans_total Poster scans per venue on completed UTC days, adding only days with at least 5 scans (days with fewer: waymark_scan_days_few_total).\n" +
		"# TYPE waymark_scans_total counter\n"
	fewDaysHelp = "# HELP waymark_scan_days_few_total Completed UTC days on which a venue had from 1 to 4 scans (the exact number is hidden; see docs/privacy.md).\n" +
		"# TYPE waymark_scan_days_few_total counter\n"
	viewsHelp = "# HELP waymark_lesson_views_total Views of each lesson of the course on completed UTC days, adding only days with at least 5 views (days with fewer: waymark_lesson_view_days_few_total). Never per venue or language.\n" +
		"# TYPE waymark_lesson_views_total counter\n"
	fewViewDaysHelp = "# HELP waymark_lesson_view_days_few_total Completed UTC days on which a lesson had from 1 to 4 views (the exact number is hidden; see docs/privacy.md).\n" +
		"# TYPE waymark_lesson_view_days_few_total counter\n"
)

// scanMetrics writes scans of completed days only, under the same
// small-count rule as the staff pages: a total that moved with every scan
// would let a frequent scrape learn the minute of each scan, and an exact
// total would give back the days the pages hide.
type scanMetrics struct {
	st *stats.Stats // nil: no scan metrics

	mu      sync.Mutex
	version string
	cached  []byte
}

func (c *scanMetrics) text(now time.Time) ([]byte, error) {
	if c.st == nil {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	version, ok := c.st.PublishedVersion(now)
	if ok && c.cached != nil && version == c.version {
		return c.cached, nil
	}
	totals, err := c.st.PublishedTotals(now, stats.DefaultThreshold)
	if err != nil {
		return nil, err
	}
	// Lessons' views share the counts' store (stats.LessonCode): they
	// are not scans, and get series of their own.
	var codes, lessons []string
	for _, code := range slices.Sorted(maps.Keys(totals)) {
		if _, ok := stats.LessonOf(code); ok {
			lessons = append(lessons, code)
		} else {
			codes = append(codes, code)
		}
	}
	var b bytes.Buffer
	b.WriteString(scansHelp)
	for _, code := range codes {
		fmt.Fprintf(&b, "waymark_scans_total{venue=\"%s\"} %d\n", labelEscaper.Replace(code), totals[code].Exact)
	}
	b.WriteString(fewDaysHelp)
	for _, code := range codes {
		fmt.Fprintf(&b, "waymark_scan_days_few_total{venue=\"%s\"} %d\n", labelEscaper.Replace(code), totals[code].Hidden)
	}
	if len(lessons) > 0 {
		b.WriteString(viewsHelp)
		for _, code := range lessons {
			id, _ := stats.LessonOf(code)
			fmt.Fprintf(&b, "waymark_lesson_views_total{lesson=\"%s\"} %d\n", labelEscaper.Replace(id), totals[code].Exact)
		}
		b.WriteString(fewViewDaysHelp)
		for _, code := range lessons {
			id, _ := stats.LessonOf(code)
			fmt.Fprintf(&b, "waymark_lesson_view_days_few_total{lesson=\"%s\"} %d\n", labelEscaper.Replace(id), totals[code].Hidden)
		}
	}
	if ok {
		c.version, c.cached = version, b.Bytes()
	}
	return b.Bytes(), nil
}

// labelEscaper escapes a label value as the text format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
