// Package export writes the whole public site as static files that any CDN
// or static host can serve, with host configuration that sets the same
// headers as `waymark serve`. A static host needs no server of ours, so it
// survives a spike or an outage of it; it cannot count scans.
package export

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"

	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/pages"
)

// Options choose what to export.
type Options struct {
	BaseURL string
	// Kiosk also exports each venue's kiosk pages.
	Kiosk bool
	// Progress, if set, receives a line now and then on long exports.
	Progress io.Writer
}

// Page is one exported path.
type Page struct {
	Path   string // URL path, "/K7Q2M/ar"
	File   string // file under the export folder, "K7Q2M/ar/index.html"
	Status int
}

// Result describes an export.
type Result struct {
	Pages   []Page
	Headers http.Header // the header set every response carries
	Bytes   int64
	// Audio lists the recordings' URL paths (audio.go).
	Audio []string
}

// NotFound is the file served for unknown paths: the default region's
// full help page, as the server sends for an unknown code.
const NotFound = "404.html"

// Write exports the site into dir. Each body is fetched from the real
// public router in-process, so the files are byte for byte what the server
// sends, and the .gz files are its gzip responses.
func Write(s *pages.Site, dir string, o Options) (*Result, error) {
	public := handlers.NewPublic(s, handlers.PublicOptions{BaseURL: o.BaseURL})
	router := handlers.PublicRouter(public)
	res := &Result{}
	paths := Paths(s, o.Kiosk)
	for i, p := range paths {
		plain, hdr, status, err := fetch(router, p.Path, "identity")
		if err != nil {
			return nil, err
		}
		if status != p.Status {
			return nil, fmt.Errorf("export %s: status %d, want %d", p.Path, status, p.Status)
		}
		gz, _, _, err := fetch(router, p.Path, "gzip")
		if err != nil {
			return nil, err
		}
		if err := writeFile(dir, p.File, plain); err != nil {
			return nil, err
		}
		if err := writeFile(dir, p.File+".gz", gz); err != nil {
			return nil, err
		}
		res.Bytes += int64(len(plain) + len(gz))
		if res.Headers == nil {
			res.Headers = stable(hdr)
		}
		res.Pages = append(res.Pages, p)
		if o.Progress != nil && (i+1)%500 == 0 {
			fmt.Fprintf(o.Progress, "exported %d of %d pages\n", i+1, len(paths))
		}
	}
	if err := writeAudio(router, dir, s, res); err != nil {
		return nil, err
	}
	if err := writeHostConfigs(dir, s, res); err != nil {
		return nil, err
	}
	return res, nil
}

// Paths lists every public page: the generic page in each language, each
// venue in each language (its language links point at all of them), the
// unknown-code page and, optionally, the kiosk pages.
func Paths(s *pages.Site, kiosk bool) []Page {
	ps := []Page{{Path: "/", File: "index.html", Status: 200}}
	for _, l := range s.Locales {
		ps = append(ps, Page{Path: "/" + l.ID, File: l.ID + "/index.html", Status: 200})
	}
	for _, v := range s.Config.Venues {
		ps = append(ps, Page{Path: "/" + v.Code, File: v.Code + "/index.html", Status: 200})
		for _, l := range s.Locales {
			ps = append(ps, Page{Path: "/" + v.Code + "/" + l.ID, File: v.Code + "/" + l.ID + "/index.html", Status: 200})
		}
		if kiosk {
			ps = append(ps, Page{Path: "/" + v.Code + "/kiosk", File: v.Code + "/kiosk/index.html", Status: 200})
			for _, l := range s.Locales {
				ps = append(ps, Page{Path: "/" + v.Code + "/kiosk/" + l.ID, File: v.Code + "/kiosk/" + l.ID + "/index.html", Status: 200})
			}
		}
	}
	// "/0" can never be a venue code (too short), so it is the unknown page.
	ps = append(ps, Page{Path: "/0", File: NotFound, Status: 404})
	return ps
}

func fetch(h http.Handler, path, encoding string) ([]byte, http.Header, int, error) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", encoding)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		return nil, nil, 0, fmt.Errorf("export %s: status %d", path, rec.Code)
	}
	return rec.Body.Bytes(), rec.Header(), rec.Code, nil
}

// stable keeps the headers that every response carries, dropping those
// that depend on the body.
func stable(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range []string{"Content-Length", "Content-Encoding", "Date"} {
		out.Del(k)
	}
	return out
}

func writeFile(dir, name string, data []byte) error {
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// sortedKeys returns header names in a stable order for config files.
func sortedKeys(h http.Header) []string {
	keys := slices.Collect(maps.Keys(h))
	slices.Sort(keys)
	return keys
}
