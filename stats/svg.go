package stats

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
)

// Chart geometry, in viewBox units. The SVG has no width or height of its
// own, so it scales to the width of whatever contains it.
const (
	chartW      = 800.0
	chartH      = 260.0
	plotLeft    = 44.0
	plotRight   = 8.0
	plotTop     = 10.0
	plotBottom  = 40.0 // room for the day labels and the legend
	barColor    = "#2a6f97"
	hiddenAlpha = "0.35"

	dashedStroke = ` stroke="` + barColor + `" stroke-width="0.75" stroke-dasharray="2 1.5"`
)

// BarChartSVG draws series as an inline SVG bar chart with one slot per
// day for days days (the last days entries of series; a shorter series is
// drawn against the right edge, so that today is always at the same place).
// It suits both 30 and 365 days.
//
// Days below DefaultThreshold are drawn at the threshold's height, lighter
// (and, where bars are wide enough, with a dashed outline), and a legend says
// what that means: a bar at its true height would give away the count the
// rest of the page hides.
//
// The output is self-contained and inert: no scripts, no styles, no
// external references and no id attributes (so two charts on one page cannot
// clash). All text, including title, is escaped. For screen readers it has
// role="img", a <title> and a <desc>, and each bar has its own <title>.
func BarChartSVG(series []DayCount, days int, title string) []byte {
	const threshold = DefaultThreshold
	if days <= 0 {
		days = len(series)
	}
	if len(series) > days {
		series = series[len(series)-days:]
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" font-family="sans-serif" font-size="11">`,
		num(chartW), num(chartH))
	b.WriteString("<title>")
	escape(&b, title)
	b.WriteString("</title><desc>")
	if len(series) == 0 {
		b.WriteString("No scans in this period.")
	} else {
		escape(&b, fmt.Sprintf("Scans per day from %s to %s. Days with fewer than %d scans are drawn at the height of %d as lighter bars; their exact number is hidden.",
			series[0].Day, series[len(series)-1].Day, threshold, threshold))
	}
	b.WriteString("</desc>")

	// Scale: never below the threshold, so hidden days have a fixed height
	// to be drawn at.
	top := uint64(threshold)
	anyHidden := false
	for _, d := range series {
		top = max(top, d.Count)
		anyHidden = anyHidden || suppressed(d.Count, threshold)
	}
	top = niceCeil(top)

	plotW := chartW - plotLeft - plotRight
	plotH := chartH - plotTop - plotBottom
	baseY := plotTop + plotH
	y := func(v uint64) float64 { return baseY - plotH*float64(v)/float64(top) }

	// Axis: grid lines at 0, half and top, labelled on the left.
	for _, v := range []uint64{0, top / 2, top} {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#999" stroke-width="0.5"/>`,
			num(plotLeft), num(y(v)), num(chartW-plotRight), num(y(v)))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="currentColor">%d</text>`,
			num(plotLeft-4), num(y(v)+4), v)
	}

	slot := plotW / float64(max(days, 1))
	barW := slot * 0.8
	// The dashed outline marks hidden days on a 30-day chart; on a 365-day
	// chart bars are too thin for it and it would just make them look
	// solid again, so there the lighter fill alone does the job.
	hiddenStroke := ""
	if barW >= 4 {
		hiddenStroke = dashedStroke
	}
	offset := days - len(series) // right-align a short series
	for i, d := range series {
		if d.Count == 0 {
			continue
		}
		x := plotLeft + slot*float64(offset+i) + (slot-barW)/2
		label := fmt.Sprintf("%s: %s scans", d.Day, Display(d.Count, threshold))
		if suppressed(d.Count, threshold) {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" fill-opacity="%s"%s>`,
				num(x), num(y(threshold)), num(barW), num(baseY-y(threshold)), barColor, hiddenAlpha, hiddenStroke)
		} else {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s">`,
				num(x), num(y(d.Count)), num(barW), num(baseY-y(d.Count)), barColor)
		}
		b.WriteString("<title>")
		escape(&b, label)
		b.WriteString("</title></rect>")
	}

	// First and last day under the axis; the days in between follow from
	// the title and would crowd a 365-day chart.
	if len(series) > 0 {
		labelY := num(baseY + 14)
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="currentColor">`, num(plotLeft+slot*float64(offset)), labelY)
		escape(&b, series[0].Day)
		fmt.Fprintf(&b, `</text><text x="%s" y="%s" text-anchor="end" fill="currentColor">`, num(chartW-plotRight), labelY)
		escape(&b, series[len(series)-1].Day)
		b.WriteString("</text>")
	}
	if anyHidden {
		legendY := chartH - 6
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="10" height="10" fill="%s" fill-opacity="%s"%s/>`,
			num(plotLeft), num(legendY-9), barColor, hiddenAlpha, hiddenStroke)
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="currentColor">`, num(plotLeft+14), num(legendY))
		escape(&b, fmt.Sprintf("Fewer than %d scans that day (drawn at %d; exact number hidden to protect privacy)", threshold, threshold))
		b.WriteString("</text>")
	}
	b.WriteString("</svg>")
	return b.Bytes()
}

// escape writes s as XML character data. encoding/xml also replaces
// characters XML cannot carry at all, so odd input cannot break the document.
func escape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // writing to a bytes.Buffer cannot fail
}

// num formats a coordinate compactly: 365 bars at full float precision would
// double the size of the chart for no visible difference.
func num(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// niceCeil rounds v up to a round number (2, 3, 4, 5, 6 or 8 times a power
// of ten), so that the axis labels (0, half, top) are easy to read.
func niceCeil(v uint64) uint64 {
	for p := uint64(1); p <= ^uint64(0)/100; p *= 10 {
		for _, m := range []uint64{2, 3, 4, 5, 6, 8, 10} {
			if m*p >= v {
				return m * p
			}
		}
	}
	return v
}
