package engines

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

//go:embed webview.py
var webviewPy []byte

// webkit is WebKitWebDriver on its own Xvfb display with one WebDriver session (the
// driver allows no more), each page a window of its own. Whether a new
// window runs page scripts is read by webview.py from a file (nojs) that
// NewPage writes or removes just before asking for the window.
type webkit struct {
	cmd     *exec.Cmd // WebKitWebDriver
	xvfb    *exec.Cmd
	base    string
	python  string
	dir     string
	version string

	mu sync.Mutex // one command at a time: a session has one current window
	s  *wdSession
}

type wdSession struct {
	w       *webkit
	id      string
	current string // window handle WebDriver is on
	first   string // the session's own window, never closed
}

func startWebKit(ctx context.Context) (Engine, error) {
	driver, err := lookPath(WebKit, "WebKitWebDriver")
	if err != nil {
		return nil, err
	}
	xvfb, err := lookPath(WebKit, "Xvfb")
	if err != nil {
		return nil, err
	}
	// Debian's python3 with Debian's GObject bindings, not a virtualenv's.
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		if python, err = lookPath(WebKit, "python3"); err != nil {
			return nil, err
		}
	}
	if out, err := exec.Command(python, "-c", `import gi; gi.require_version("Gtk", "3.0"); gi.require_version("WebKit2", "4.1"); from gi.repository import WebKit2`).CombinedOutput(); err != nil {
		return nil, &Missing{WebKit + " (" + firstLine(string(out)) + ")", Packages[WebKit]}
	}
	dir, err := tempDir("waymark-webkit-")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "webview.py"), webviewPy, 0o644); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	w := &webkit{base: "http://127.0.0.1:" + strconv.Itoa(port), python: python, dir: dir}
	// Xvfb picks a free display itself (-displayfd). Each process dies
	// with its parent (Pdeathsig), so a test binary that panics on its
	// timeout leaves no browser behind; its own process group lets Close
	// end the driver and every browser process together.
	display, err := startXvfb(w, xvfb)
	if err != nil {
		return nil, err
	}
	// end Xvfb, the driver and every browser process together.
	w.cmd = exec.Command(driver, "--host=127.0.0.1", "--port="+strconv.Itoa(port))
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	w.cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+dir, "XDG_CACHE_HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	var stderr bytes.Buffer
	w.cmd.Stderr = &stderr
	if err := w.cmd.Start(); err != nil {
		w.Close()
		return nil, err
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(w.base + "/status"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			w.Close()
			return nil, fmt.Errorf("WebKitWebDriver did not answer in 20 s: %s", stderr.String())
		}
	}
	if err := w.session(); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (w *webkit) Name() string    { return WebKit }
func (w *webkit) Version() string { return w.version }

// session starts the one WebDriver session.
func (w *webkit) session() error {
	args := []string{filepath.Join(w.dir, "webview.py"), "--no-js-file=" + filepath.Join(w.dir, "nojs")}
	// "none": after Back to another origin, WebKit's driver never sees the
	// load finish with "normal", and every later command times out. Pages
	// are waited for by polling document.readyState instead.
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"pageLoadStrategy":         "none",
		"webkitgtk:browserOptions": map[string]any{"binary": w.python, "args": args},
	}}}
	var resp struct {
		SessionID    string `json:"sessionId"`
		Capabilities struct {
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := w.call("POST", "/session", caps, &resp); err != nil {
		return fmt.Errorf("new WebKit session: %w", err)
	}
	w.version = "WebKitGTK " + resp.Capabilities.BrowserVersion
	s := &wdSession{w: w, id: resp.SessionID}
	var h string
	if err := w.call("GET", "/session/"+s.id+"/window", nil, &h); err != nil {
		return err
	}
	s.current, s.first = h, h
	w.s = s
	return nil
}

// call sends one WebDriver command and decodes its value into out.
func (w *webkit) call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, w.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	client := http.Client{Timeout: 60 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s %s: %s", method, path, raw)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error, Message string }
		json.Unmarshal(env.Value, &e)
		return fmt.Errorf("%s %s: %s: %s", method, path, e.Error, e.Message)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(env.Value, out)
}

func (w *webkit) NewPage(ctx context.Context, o Options) (Page, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.s
	nojs := filepath.Join(w.dir, "nojs")
	if o.NoJS {
		if err := os.WriteFile(nojs, nil, 0o644); err != nil {
			return nil, err
		}
		defer os.Remove(nojs)
	}
	var nw struct{ Handle string }
	if err := w.call("POST", "/session/"+s.id+"/window/new", map[string]any{"type": "window"}, &nw); err != nil {
		return nil, err
	}
	p := &wkPage{s: s, handle: nw.Handle}
	if err := p.focus(); err != nil {
		return nil, err
	}
	if err := w.call("POST", p.path("/window/rect"), map[string]any{"width": o.Width, "height": o.Height}, nil); err != nil {
		return nil, err
	}
	return p, nil
}

func (w *webkit) Close() error {
	w.mu.Lock()
	if w.s != nil {
		w.call("DELETE", "/session/"+w.s.id, nil, nil)
		w.s = nil
	}
	w.mu.Unlock()
	if w.cmd != nil && w.cmd.Process != nil {
		syscall.Kill(-w.cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { w.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	if w.xvfb != nil && w.xvfb.Process != nil {
		w.xvfb.Process.Kill()
		w.xvfb.Wait()
	}
	return os.RemoveAll(w.dir)
}

// startXvfb starts a virtual X display and returns its name (":99").
func startXvfb(w *webkit, path string) (string, error) {
	r, wr, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	w.xvfb = exec.Command(path, "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	w.xvfb.ExtraFiles = []*os.File{wr}
	w.xvfb.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := w.xvfb.Start(); err != nil {
		wr.Close()
		return "", err
	}
	wr.Close()
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			return "", fmt.Errorf("Xvfb exited without a display")
		}
		return ":" + n, nil
	case <-time.After(20 * time.Second):
		return "", fmt.Errorf("Xvfb gave no display in 20 s")
	}
}

// wkPage is one window of a session.
type wkPage struct {
	s      *wdSession
	handle string
}

func (p *wkPage) path(rest string) string { return "/session/" + p.s.id + rest }

// focus makes the page's window WebDriver's current one. Callers hold mu.
func (p *wkPage) focus() error {
	if p.s.current == p.handle {
		return nil
	}
	if err := p.s.w.call("POST", p.path("/window"), map[string]any{"handle": p.handle}, nil); err != nil {
		return err
	}
	p.s.current = p.handle
	return nil
}

func (p *wkPage) do(method, rest string, body, out any) error {
	p.s.w.mu.Lock()
	defer p.s.w.mu.Unlock()
	if err := p.focus(); err != nil {
		return err
	}
	return p.s.w.call(method, p.path(rest), body, out)
}

func (p *wkPage) Navigate(url string) error {
	before, _ := p.URL()
	arrived := func(u string) bool { return u == url || (u != before && u != "about:blank") }
	// A new window sometimes drops its first navigation (the page never
	// leaves about:blank): ask once more before giving up.
	var err error
	for try := 0; try < 2; try++ {
		if err = p.do("POST", "/url", map[string]any{"url": url}, nil); err != nil {
			return err
		}
		if _, err = WaitDocument(p, 15*time.Second, arrived); err == nil {
			return nil
		}
	}
	return err
}

func (p *wkPage) URL() (string, error) {
	var u string
	err := p.do("GET", "/url", nil, &u)
	return u, err
}

func (p *wkPage) Eval(expr string, out any) error {
	var s string
	if err := p.do("POST", "/execute/sync", map[string]any{"script": "return " + wrapJSON(expr), "args": []any{}}, &s); err != nil {
		return err
	}
	return decodeJSON([]byte(s), out)
}

func (p *wkPage) Keys(keys ...Key) error {
	var acts []map[string]any
	for _, k := range keys {
		typ := "keyUp"
		if k.Down {
			typ = "keyDown"
		}
		acts = append(acts, map[string]any{"type": typ, "value": webdriverKey(k.Name)})
	}
	return p.actions(map[string]any{"type": "key", "id": "keyboard", "actions": acts})
}

func (p *wkPage) Click(x, y float64) error {
	return p.actions(map[string]any{"type": "pointer", "id": "mouse", "parameters": map[string]any{"pointerType": "mouse"},
		"actions": []map[string]any{
			{"type": "pointerMove", "x": int(math.Round(x)), "y": int(math.Round(y)), "origin": "viewport", "duration": 0},
			{"type": "pointerDown", "button": 0},
			{"type": "pointerUp", "button": 0},
		}})
}

func (p *wkPage) actions(src map[string]any) error {
	if err := p.do("POST", "/actions", map[string]any{"actions": []any{src}}, nil); err != nil {
		return err
	}
	return p.do("DELETE", "/actions", nil, nil)
}

func (p *wkPage) Back() error { return p.do("POST", "/back", map[string]any{}, nil) }

func (p *wkPage) Screenshot() ([]byte, error) {
	var b64 string
	if err := p.do("GET", "/screenshot", nil, &b64); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(b64)
}

func (p *wkPage) Close() error {
	p.s.w.mu.Lock()
	defer p.s.w.mu.Unlock()
	if err := p.focus(); err != nil {
		return err
	}
	var left []string
	err := p.s.w.call("DELETE", p.path("/window"), nil, &left)
	// WebDriver has no current window now, and a new one can only be
	// asked for from a current one: back to the session's own.
	p.s.current = ""
	first := &wkPage{s: p.s, handle: p.s.first}
	if err2 := first.focus(); err == nil {
		err = err2
	}
	return err
}
