// Command flushbench measures what flushing scan counts costs with many
// venues, in PostgreSQL (the URL given, an empty database) and, for
// comparison, in the bbolt file: the time of one flush of every venue's
// count (first as new rows, then as updates), of a quiet minute's flush,
// of three copies flushing the same venues at once, and how long Inc (what
// a visitor's request does) takes while a flush runs. bench/run flush
// starts a throwaway PostgreSQL and runs it; docs/benchmarks.md records
// the results. It prints Markdown.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/waymark/waymark/stats"
)

func main() {
	pgURL := flag.String("scans", "", "postgres://… of an empty database")
	venues := flag.Int("venues", 100_000, "venues, each with one scan per round")
	rounds := flag.Int("rounds", 3, "rounds of each measurement (the median is shown)")
	quiet := flag.Int("quiet", 1_000, "venues scanned in a quiet flush interval")
	flag.Parse()
	venueCount = *venues
	if !stats.IsPostgres(*pgURL) {
		log.Fatal("flushbench: --scans postgres://… is required")
	}
	codes := make([]string, *venues)
	for i := range codes {
		codes[i] = fmt.Sprintf("V%06d", i)
	}
	day := time.Now()

	fmt.Printf("## Flushing scan counts: %d venues\n\n", *venues)
	fmt.Printf("One scan of each venue, then one flush (the upsert of every (day, venue) delta in one transaction); %d rounds, median shown with every round in brackets.\n\n", *rounds)
	fmt.Println("| backend | what | flush (ms) | rounds (ms) | rows/s |")
	fmt.Println("|---|---|---:|---:|---:|")

	pg := open(*pgURL, "")
	defer pg.Disconnect()
	row("PostgreSQL", fmt.Sprintf("%d new rows (first flush of a day)", *venues), *venues,
		measure(1, func(int) time.Duration { return flushOnce(pg, codes, day) }))
	row("PostgreSQL", fmt.Sprintf("%d updated rows", *venues), *venues,
		measure(*rounds, func(int) time.Duration { return flushOnce(pg, codes, day) }))
	row("PostgreSQL", fmt.Sprintf("%d updated rows (a quiet interval)", *quiet), *quiet,
		measure(*rounds, func(int) time.Duration { return flushOnce(pg, codes[:*quiet], day) }))

	// Three copies flushing the same venues at once: row locks taken in
	// the same order, so they queue and never deadlock.
	copies := []*stats.Stats{open(*pgURL, ""), open(*pgURL, ""), open(*pgURL, "")}
	before := total(*pgURL)
	three := measure(*rounds, func(int) time.Duration {
		for _, c := range copies {
			for _, code := range codes {
				c.Inc(code, day)
			}
		}
		start := time.Now()
		var wg sync.WaitGroup
		for _, c := range copies {
			wg.Go(func() {
				if err := c.Flush(); err != nil {
					log.Fatal(err)
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	})
	row("PostgreSQL", fmt.Sprintf("3 copies × %d updated rows at once (wall time)", *venues), 3**venues, three)
	if got, want := total(*pgURL)-before, int64(3**venues**rounds); got != want {
		log.Fatalf("flushbench: three copies added %d scans, want %d", got, want)
	}

	dir, err := os.MkdirTemp("", "flushbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bb := open("", dir)
	row("bbolt", fmt.Sprintf("%d new rows", *venues), *venues,
		measure(1, func(int) time.Duration { return flushOnce(bb, codes, day) }))
	row("bbolt", fmt.Sprintf("%d updated rows", *venues), *venues,
		measure(*rounds, func(int) time.Duration { return flushOnce(bb, codes, day) }))

	// A visitor's request during a flush: Inc takes no lock the flush
	// holds, so its time should not move.
	idle := incTimes(pg, codes, nil)
	busy := incTimes(pg, codes, func() {
		for _, code := range codes {
			pg.Inc(code, day)
		}
		if err := pg.Flush(); err != nil {
			log.Fatal(err)
		}
	})
	fmt.Println()
	fmt.Println("Inc (the counting a scan does) with no flush running, and while PostgreSQL flushes every venue:")
	fmt.Println()
	fmt.Println("| | Inc calls | median (ns) | 99th percentile (ns) | max (µs) |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, r := range []struct {
		what string
		ds   []time.Duration
	}{{"no flush", idle}, {"during a PostgreSQL flush", busy}} {
		slices.Sort(r.ds)
		fmt.Printf("| %s | %d | %d | %d | %.0f |\n", r.what, len(r.ds), r.ds[len(r.ds)/2].Nanoseconds(),
			r.ds[len(r.ds)*99/100].Nanoseconds(), float64(r.ds[len(r.ds)-1].Microseconds()))
	}
	fmt.Println()
}

var venueCount int

func open(pgURL, dir string) *stats.Stats {
	var s *stats.Stats
	var err error
	if pgURL != "" {
		s, err = stats.OpenPostgres(pgURL, "")
	} else {
		s, err = stats.Open(dir)
	}
	if err != nil {
		log.Fatal(err)
	}
	s.ExpectVenues(venueCount) // as serve does for its site
	return s
}

// flushOnce counts one scan of each code and times the flush.
func flushOnce(s *stats.Stats, codes []string, day time.Time) time.Duration {
	for _, c := range codes {
		s.Inc(c, day)
	}
	start := time.Now()
	if err := s.Flush(); err != nil {
		log.Fatal(err)
	}
	return time.Since(start)
}

func measure(rounds int, f func(int) time.Duration) []time.Duration {
	var ds []time.Duration
	for r := range rounds {
		ds = append(ds, f(r))
	}
	return ds
}

func row(backend, what string, rows int, ds []time.Duration) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d.Microseconds())/1000) }
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	med := sorted[len(sorted)/2]
	var each []string
	for _, d := range ds {
		each = append(each, ms(d))
	}
	fmt.Printf("| %s | %s | %s | %v | %.0f |\n", backend, what, ms(med), each, float64(rows)/med.Seconds())
}

// total is the database's sum of every count.
func total(pgURL string) int64 {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, `SELECT coalesce(sum(scans), 0)::bigint FROM waymark_scans`).Scan(&n); err != nil {
		log.Fatal(err)
	}
	return n
}

// incTimes times Inc calls of one venue for as long as during runs (or
// for 200 ms when during is nil).
func incTimes(s *stats.Stats, codes []string, during func()) []time.Duration {
	var stop atomic.Bool
	done := make(chan []time.Duration)
	go func() {
		var ds []time.Duration
		for i := 0; !stop.Load(); i++ {
			start := time.Now()
			s.Inc(codes[i%len(codes)], time.Now())
			ds = append(ds, time.Since(start))
		}
		done <- ds
	}()
	if during == nil {
		time.Sleep(200 * time.Millisecond)
	} else {
		during()
	}
	stop.Store(true)
	return <-done
}
