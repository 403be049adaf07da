// Package stats counts poster scans for Waymark, and the views of the
// course's lessons (one count per lesson per day, lessons.go), and nothing
// else.
//
// Waymark serves safety resources to people who may be victims of human
// trafficking. NGOs want to know which posters are being scanned so they can
// place them well, but the service must never learn anything about the person
// holding the phone. The design follows from that:
//
//   - The only thing recorded is "one more scan of venue code X on UTC day D".
//     There is no time of day, no IP address, no user agent, no language, no
//     referrer and no request identifier. The API cannot accept them: Inc takes
//     a venue code and a clock reading, and the clock reading is immediately
//     reduced to a day number.
//   - Days are UTC so that the recorded day does not depend on, and cannot
//     hint at, the server's or the visitor's location.
//   - Small counts are shown as "fewer than 5" (see Display), because at a
//     quiet venue a single scan on a given day could be tied to the one person
//     who was seen near the poster.
//
// Counting happens in memory (Counter), which keeps the per-request cost to a
// map lookup and an atomic add. Stats periodically adds the pending counts to
// a bbolt file, <data-dir>/scans.db, or to a PostgreSQL table that several
// copies of the server share (postgres.go), or keeps them in memory only when
// no data directory is configured (demo mode).
//
// Everything that shows counts outside the process reads them through one
// of two calls, which return the sums over every copy: CompletedDays (exact
// counts per venue per completed day; the caller applies Display, Total or
// TotalOf) and PublishedTotals (per-venue totals with the small-count rule
// already applied per day). DailyFor and WriteCompletedCSV serve the staff
// page and its CSV the same way.
package stats
