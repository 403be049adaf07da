package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/qr"
)

// The spliced kiosk page is byte for byte the page the template renders
// for the venue, in every language of every demo venue, through the real
// router; and with a configured kiosk and the "leave" exit too.
func TestKioskSplicedEqualsRendered(t *testing.T) {
	s := demo(t)
	const base = "https://travel-info.example"
	h := PublicRouter(NewPublic(s, PublicOptions{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: base}))
	for i := range s.Config.Venues {
		v := &s.Config.Venues[i]
		for _, loc := range s.Locales {
			payload, err := qr.Payload(base, v.Code)
			if err != nil {
				t.Fatal(err)
			}
			sym, err := qr.Encode(payload)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.KioskPage(v, loc, &pages.Kiosk{Start: "/" + v.Code + "/kiosk", Idle: v.Idle(),
				QR: template.HTML(sym.SVGInline("")), ShortURL: poster.ShortURL(base, v.Code)})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/"+v.Code+"/kiosk/"+loc.ID, nil))
			if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want) {
				t.Fatalf("%s/kiosk/%s: status %d, spliced page differs from the rendered one (%d vs %d bytes)",
					v.Code, loc.ID, rec.Code, rec.Body.Len(), len(want))
			}
		}
	}
	// A configured kiosk that leaves, with its own idle time.
	v := s.Config.Venues[0]
	v.KioskIdle, v.KioskExit = 45, "leave"
	p := NewPublic(s, PublicOptions{BaseURL: base})
	got, err := p.kioskPage(nil, p.site(), &v, s.VenueLocale(&v))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := qr.Payload(base, v.Code)
	sym, _ := qr.Encode(payload)
	want, _ := s.KioskPage(&v, s.VenueLocale(&v), &pages.Kiosk{Start: "/" + v.Code + "/kiosk", Idle: 45,
		QR: template.HTML(sym.SVGInline("")), ShortURL: poster.ShortURL(base, v.Code)})
	if !bytes.Equal(got, want) {
		t.Error("configured leaving kiosk: spliced page differs from the rendered one")
	}
}

// Walking many venues' kiosk pages draws at most the budget's QR codes:
// the rest are served at once without the picture, still complete pages.
// A configured kiosk always gets its picture.
func TestKioskQRBudget(t *testing.T) {
	s := demo(t)
	p := NewPublic(s, PublicOptions{BaseURL: "https://travel-info.example", KioskBudget: true}) // as serve sets it
	l := p.site()
	loc := s.VenueLocale(&s.Config.Venues[0])
	with, without := 0, 0
	for i := range 200 {
		v := s.Config.Venues[0]
		v.Code = fmt.Sprintf("K%04d", i) // a valid code per venue
		v.KioskIdle, v.KioskExit = 0, ""
		b, err := p.kioskPage(nil, l, &v, loc)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "</html>") || !strings.Contains(string(b), "/"+v.Code+"/kiosk") {
			t.Fatalf("%s: incomplete kiosk page", v.Code)
		}
		if !strings.Contains(string(b), `<div class="kqr"></div>`) {
			with++
		} else {
			without++
		}
	}
	if with > 2*kioskQRRate+5 || without == 0 {
		t.Errorf("200 kiosk pages at once: %d drew a QR code, %d did not; want at most about %d drawn", with, without, 2*kioskQRRate)
	}
	v := s.Config.Venues[0]
	v.Code, v.KioskIdle = "KZZZ9", 30
	if b, _ := p.kioskPage(nil, l, &v, loc); strings.Contains(string(b), `<div class="kqr"></div>`) {
		t.Error("a configured kiosk got no QR code while the budget was spent")
	}
}

// Kiosk pages from many goroutines at once share the page and picture
// caches safely (test.sh runs this under the race detector) and are all
// complete.
func TestKioskCacheConcurrent(t *testing.T) {
	s := demo(t)
	h := PublicRouter(NewPublic(s, PublicOptions{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				v := s.Config.Venues[(g+i)%len(s.Config.Venues)]
				loc := s.Locales[(g*7+i)%len(s.Locales)]
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/"+v.Code+"/kiosk/"+loc.ID, nil))
				if rec.Code != http.StatusOK || !strings.HasSuffix(strings.TrimSpace(rec.Body.String()), "</html>") {
					select {
					case errs <- fmt.Sprintf("%s/kiosk/%s: %d", v.Code, loc.ID, rec.Code):
					default:
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
