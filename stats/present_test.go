package stats

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDisplay(t *testing.T) {
	tests := []struct {
		count     uint64
		threshold int
		want      string
	}{
		{0, 5, "0"}, // zero says nothing about anyone
		{1, 5, "fewer than 5"},
		{4, 5, "fewer than 5"},
		{5, 5, "5"},
		{1234, 5, "1234"},
		{2, 3, "fewer than 3"},
		{3, 3, "3"},
		{1, 1, "1"}, // threshold 1 (or less) turns suppression off
		{1, 0, "1"},
		{1, -5, "1"},
	}
	for _, tt := range tests {
		if got := Display(tt.count, tt.threshold); got != tt.want {
			t.Errorf("Display(%d, %d) = %q, want %q", tt.count, tt.threshold, got, tt.want)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	rows := []Row{
		{"2026-03-15", "A", 7},
		{"2026-03-14", "B", 1},
		{"2026-03-14", "A", 4},
		{"2026-03-14", "C, the \"quoted\" one", 5},
		{"2026-03-16", "A", 0},
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, rows, DefaultThreshold, nil); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v\n%s", err, b.String())
	}
	want := [][]string{
		{"day", "venue", "scans"},
		{"2026-03-14", "A", "<5"},
		{"2026-03-14", "B", "<5"},
		{"2026-03-14", "C, the \"quoted\" one", "5"},
		{"2026-03-15", "A", "7"},
		{"2026-03-16", "A", "0"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("WriteCSV:\n got %q\nwant %q", got, want)
	}
	if rows[0].Day != "2026-03-15" {
		t.Error("WriteCSV reordered the caller's slice")
	}
}

func TestWriteTable(t *testing.T) {
	tests := []struct {
		name      string
		rows      []Row
		threshold int
		want      string
	}{
		{
			name:      "empty",
			threshold: DefaultThreshold,
			want:      NoCompletedScans + "\n",
		},
		{
			name: "suppression and totals",
			rows: []Row{
				{"2026-03-15", "BUS01", 12},
				{"2026-03-14", "BUS01", 3},
				{"2026-03-14", "CAFE2", 9},
				{"2026-03-15", "CAFE2", 6},
				{"2026-03-14", "LIBRARY", 1},
				{"2026-03-15", "LIBRARY", 1},
			},
			threshold: DefaultThreshold,
			// BUS01's exact 15 would reveal the hidden 3 (15 - 12), and
			// LIBRARY's 2 would reveal two single scans.
			want: "" +
				"DAY         VENUE    SCANS\n" +
				"2026-03-14  BUS01    fewer than 5\n" +
				"2026-03-14  CAFE2    9\n" +
				"2026-03-14  LIBRARY  fewer than 5\n" +
				"2026-03-15  BUS01    12\n" +
				"2026-03-15  CAFE2    6\n" +
				"2026-03-15  LIBRARY  fewer than 5\n" +
				"\n" +
				"VENUE    TOTAL\n" +
				"BUS01    at least 13\n" +
				"CAFE2    15\n" +
				"LIBRARY  at least 2\n",
		},
		{
			name:      "suppression off",
			rows:      []Row{{"2026-03-14", "A", 1}, {"2026-03-15", "A", 2}},
			threshold: 0,
			want: "" +
				"DAY         VENUE  SCANS\n" +
				"2026-03-14  A      1\n" +
				"2026-03-15  A      2\n" +
				"\n" +
				"VENUE  TOTAL\n" +
				"A      3\n",
		},
		{
			name:      "control characters are neutralised",
			rows:      []Row{{"2026-03-14", "A\x1b[2J", 5}},
			threshold: DefaultThreshold,
			want: "" +
				"DAY         VENUE  SCANS\n" +
				"2026-03-14  A?[2J  5\n" +
				"\n" +
				"VENUE  TOTAL\n" +
				"A?[2J  5\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := WriteTable(&b, tt.rows, tt.threshold, nil); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("WriteTable:\n got:\n%s\nwant:\n%s", b.String(), tt.want)
			}
		})
	}
}

func TestDaySeries(t *testing.T) {
	rows := []Row{
		{"2026-03-10", "A", 9}, // before the window
		{"2026-03-12", "A", 2},
		{"2026-03-12", "B", 3},
		{"2026-03-14", "A", 7},
		{"2026-03-15", "A", 1}, // after the window
	}
	end := time.Date(2026, 3, 14, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		code string
		want []DayCount
	}{
		{"A", []DayCount{{"2026-03-12", 2}, {"2026-03-13", 0}, {"2026-03-14", 7}}},
		{"", []DayCount{{"2026-03-12", 5}, {"2026-03-13", 0}, {"2026-03-14", 7}}},
		{"Z", []DayCount{{"2026-03-12", 0}, {"2026-03-13", 0}, {"2026-03-14", 0}}},
	}
	for _, tt := range tests {
		if got := DaySeries(rows, tt.code, end, 3); !slices.Equal(got, tt.want) {
			t.Errorf("DaySeries(code %q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	if got := DaySeries(rows, "", end, 0); got != nil {
		t.Errorf("DaySeries(days 0) = %v, want nil", got)
	}
}
