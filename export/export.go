// Package export writes the whole public site as static files that any CDN
// or static host can serve, with host configuration that sets the same
// headers as `waymark serve`. A static host needs no server of ours, so it
// survives a spike or an outage of it; it cannot count scans.
package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/pages"
)

// Options choose what to export.
type Options struct {
	BaseURL string
	// Kiosk also exports each venue's kiosk pages.
	Kiosk bool
	// Root is the folder the web server reads the export from, written
	// into the nginx and Caddy configs; empty means DefaultRoot.
	Root string
	// Progress, if set, receives a line now and then on long exports.
	Progress io.Writer
}

// Page is one exported path.
type Page struct {
	Path   string // URL path, "/K7Q2M/ar"
	Accept string // the Accept-Language it is fetched with, if any
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

// Marker is the file that marks a folder as an export. It lists the files
// written, so that the next export into the folder can remove the pages of
// retired venues, and can refuse a folder that holds anything else.
const Marker = ".waymark-export"

const markerHeader = "# Written by `waymark export`: the files of this export, one a line.\n"

// Write exports the site into dir. Each body is fetched from the real
// public router in-process, so the files are byte for byte what the server
// sends, and the .gz files are its gzip responses.
//
// dir must be missing, empty or an earlier export; files of the earlier
// export that this one does not write are removed.
func Write(s *pages.Site, dir string, o Options) (*Result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// Every file is written, read and removed through the folder as an
	// os.Root: a symbolic link in an earlier export (a venue folder, the
	// nginx config) cannot lead a write or a removal outside it.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	old, err := previousExport(root, dir)
	if err != nil {
		return nil, err
	}
	written := map[string]bool{}
	public := handlers.NewPublic(s, handlers.PublicOptions{BaseURL: o.BaseURL})
	router := handlers.PublicRouter(public)
	res := &Result{}
	paths := Paths(s, o.Kiosk)
	for i, p := range paths {
		plain, hdr, status, err := fetch(router, p, "identity")
		if err != nil {
			return nil, err
		}
		if status != p.Status {
			return nil, fmt.Errorf("export %s: status %d, want %d", p.Path, status, p.Status)
		}
		gz, gzHdr, _, err := fetch(router, p, "gzip")
		if err != nil {
			return nil, err
		}
		// Hosts send the .gz file as gzip: it must be one.
		if gzHdr.Get("Content-Encoding") != "gzip" {
			return nil, fmt.Errorf("export %s: the server answered a gzip request uncompressed", p.Path)
		}
		if err := writeFile(root, p.File, plain); err != nil {
			return nil, err
		}
		if err := writeFile(root, p.File+".gz", gz); err != nil {
			return nil, err
		}
		written[p.File], written[p.File+".gz"] = true, true
		res.Bytes += int64(len(plain) + len(gz))
		if res.Headers == nil {
			res.Headers = stable(hdr)
		}
		res.Pages = append(res.Pages, p)
		if o.Progress != nil && (i+1)%500 == 0 {
			fmt.Fprintf(o.Progress, "exported %d of %d pages\n", i+1, len(paths))
		}
	}
	if err := writeAudio(router, root, s, res); err != nil {
		return nil, err
	}
	for _, p := range res.Audio {
		written[strings.TrimPrefix(p, "/")] = true
	}
	for name, body := range hostConfigs(s, res, o) {
		if err := writeFile(root, name, []byte(body)); err != nil {
			return nil, err
		}
		written[name] = true
	}
	if err := removeRetired(root, old, written); err != nil {
		return nil, err
	}
	list := slices.Sorted(maps.Keys(written))
	if err := writeFile(root, Marker, []byte(markerHeader+strings.Join(list, "\n")+"\n")); err != nil {
		return nil, err
	}
	return res, nil
}

// previousExport returns the files an earlier export wrote into dir, or an
// error if dir holds files that no export made.
func previousExport(root *os.Root, dir string) ([]string, error) {
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, nil
	}
	b, err := root.ReadFile(Marker)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is not empty and is not an earlier export (it has no %s file): export into a new or empty folder, such as public-export", dir, Marker)
	}
	if err != nil {
		return nil, err
	}
	var files []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// The marker is a file anyone could edit: never remove anything
		// outside the folder because of it.
		if !filepath.IsLocal(filepath.FromSlash(line)) {
			return nil, fmt.Errorf("%s: %q is not a file inside the export", filepath.Join(dir, Marker), line)
		}
		files = append(files, line)
	}
	return files, nil
}

// removeRetired deletes what the earlier export wrote and this one did not
// (the pages of retired venues), and folders left empty by that.
func removeRetired(root *os.Root, old []string, written map[string]bool) error {
	for _, f := range old {
		if written[f] {
			continue
		}
		name := filepath.FromSlash(f)
		if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return outside(root, err)
		}
		for d := filepath.Dir(name); d != "."; d = filepath.Dir(d) {
			if root.Remove(d) != nil {
				break // not empty
			}
		}
	}
	return nil
}

// outside explains an error of os.Root: a path that leaves the export
// through a symbolic link is refused, never followed.
func outside(root *os.Root, err error) error {
	if err != nil && strings.Contains(err.Error(), "escapes") {
		return fmt.Errorf("%w: the export folder %s holds a symbolic link that leads out of it; remove it (an export writes only inside its folder)", err, root.Name())
	}
	return err
}

// Paths lists every public page: the generic page in each language, each
// venue in each language (its language links point at all of them), the
// unknown-code page and, optionally, the kiosk pages.
func Paths(s *pages.Site, kiosk bool) []Page {
	ps := []Page{{Path: "/", File: "index.html", Status: 200}}
	// The course's lessons: "/{lang}/{n}", "/{CODE}/{lang}/{n}".
	lessons := func(prefix, dir string, region string) {
		for _, c := range s.Course(region) {
			for _, l := range s.Locales {
				n := strconv.Itoa(c.N)
				ps = append(ps, Page{Path: prefix + "/" + l.ID + "/" + n, File: dir + l.ID + "/" + n + "/index.html", Status: 200})
			}
		}
	}
	for _, l := range s.Locales {
		ps = append(ps, Page{Path: "/" + l.ID, File: l.ID + "/index.html", Status: 200})
	}
	lessons("", "", s.Config.DefaultRegion)
	for _, v := range s.Config.Venues {
		ps = append(ps, Page{Path: "/" + v.Code, File: v.Code + "/index.html", Status: 200})
		for _, l := range s.Locales {
			ps = append(ps, Page{Path: "/" + v.Code + "/" + l.ID, File: v.Code + "/" + l.ID + "/index.html", Status: 200})
		}
		lessons("/"+v.Code, v.Code+"/", v.Region)
		if kiosk {
			ps = append(ps, Page{Path: "/" + v.Code + "/kiosk", File: v.Code + "/kiosk/index.html", Status: 200})
			for _, l := range s.Locales {
				ps = append(ps, Page{Path: "/" + v.Code + "/kiosk/" + l.ID, File: v.Code + "/kiosk/" + l.ID + "/index.html", Status: 200})
			}
		}
	}
	// "/0" can never be a venue code (too short), so it is the unknown page,
	// once in the default language and once for each reader's language.
	ps = append(ps, Page{Path: "/0", File: NotFound, Status: 404})
	for _, l := range s.Locales {
		ps = append(ps, Page{Path: "/0", Accept: l.ID, File: "404/" + l.ID + ".html", Status: 404})
	}
	return ps
}

func fetch(h http.Handler, p Page, encoding string) ([]byte, http.Header, int, error) {
	path := p.Path
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", encoding)
	if p.Accept != "" {
		req.Header.Set("Accept-Language", p.Accept)
	}
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

func writeFile(root *os.Root, name string, data []byte) error {
	path := filepath.FromSlash(name)
	if err := root.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return outside(root, err)
	}
	return outside(root, root.WriteFile(path, data, 0o644))
}

// sortedKeys returns header names in a stable order for config files.
func sortedKeys(h http.Header) []string {
	keys := slices.Collect(maps.Keys(h))
	slices.Sort(keys)
	return keys
}
