package engines

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// firefox is firefox-esr speaking WebDriver BiDi, which it does itself
// (no geckodriver: none is packaged). Scripts are a preference of the
// profile (BiDi's emulation.setScriptingEnabled is not in 153 ESR), so
// pages without scripts live in a second Firefox, started when needed.
type firefox struct {
	path    string
	mu      sync.Mutex
	procs   map[bool]*bidiBrowser
	version string
}

// bidiBrowser is one Firefox process and its BiDi session.
type bidiBrowser struct {
	cmd  *exec.Cmd
	dir  string
	ws   *wsConn
	noJS bool

	mu      sync.Mutex
	next    int
	waiting map[int]chan bidiReply
	readErr error
}

type bidiReply struct {
	Type    string          `json:"type"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

func startFirefox(ctx context.Context) (Engine, error) {
	path, err := lookPath(Firefox, "firefox-esr", "firefox")
	if err != nil {
		return nil, err
	}
	f := &firefox{path: path, procs: map[bool]*bidiBrowser{}}
	if _, err := f.browser(false); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *firefox) Name() string    { return Firefox }
func (f *firefox) Version() string { return f.version }

var bidiAddrRE = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// prefs are the profile's: overlay scrollbars give a phone its full width,
// as phones have; nothing is fetched in the background.
var firefoxPrefs = map[string]any{
	"ui.useOverlayScrollbars":                    1,
	"browser.shell.checkDefaultBrowser":          false,
	"app.update.disabledForTesting":              true,
	"datareporting.policy.dataSubmissionEnabled": false,
	"toolkit.telemetry.enabled":                  false,
	"network.captive-portal-service.enabled":     false,
	"network.connectivity-service.enabled":       false,
	"browser.safebrowsing.malware.enabled":       false,
	"browser.safebrowsing.phishing.enabled":      false,
	"extensions.update.enabled":                  false,
}

func (f *firefox) browser(noJS bool) (*bidiBrowser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b := f.procs[noJS]; b != nil {
		return b, nil
	}
	dir, err := tempDir("waymark-firefox-")
	if err != nil {
		return nil, err
	}
	var userJS strings.Builder
	for k, v := range firefoxPrefs {
		fmt.Fprintf(&userJS, "user_pref(%q, %v);\n", k, jsonText(v))
	}
	if noJS {
		userJS.WriteString("user_pref(\"javascript.enabled\", false);\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "user.js"), []byte(userJS.String()), 0o644); err != nil {
		return nil, err
	}
	b := &bidiBrowser{dir: dir, noJS: noJS, waiting: map[int]chan bidiReply{}}
	b.cmd = exec.Command(f.path, "--headless", "--no-remote", "--profile", dir, "--remote-debugging-port=0", "about:blank")
	// Dies with the test binary even when that panics on its timeout.
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	b.cmd.Env = append(os.Environ(), "HOME="+dir, "MOZ_CRASHREPORTER_DISABLE=1")
	stderr, err := b.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := b.cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	var early strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := bidiAddrRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
				break
			}
			early.WriteString(sc.Text() + "\n")
		}
		io.Copy(io.Discard, stderr)
	}()
	var ws string
	select {
	case ws = <-addr:
	case <-time.After(30 * time.Second):
		b.kill()
		return nil, fmt.Errorf("firefox printed no WebDriver BiDi address in 30 s")
	}
	if b.ws, err = dialWebSocket(ws + "/session"); err != nil {
		b.kill()
		return nil, err
	}
	go b.read()
	var sess struct {
		Capabilities struct {
			BrowserName    string `json:"browserName"`
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := b.call("session.new", map[string]any{"capabilities": map[string]any{
		"alwaysMatch": map[string]any{"acceptInsecureCerts": true}}}, &sess); err != nil {
		b.kill()
		return nil, err
	}
	f.version = "Firefox " + sess.Capabilities.BrowserVersion
	f.procs[noJS] = b
	return b, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (b *bidiBrowser) read() {
	for {
		msg, err := b.ws.ReadMessage()
		if err != nil {
			b.mu.Lock()
			b.readErr = err
			for id, ch := range b.waiting {
				close(ch)
				delete(b.waiting, id)
			}
			b.mu.Unlock()
			return
		}
		var r struct {
			ID *int `json:"id"`
			bidiReply
		}
		if json.Unmarshal(msg, &r) != nil || r.ID == nil {
			continue // an event: none is subscribed to
		}
		b.mu.Lock()
		ch := b.waiting[*r.ID]
		delete(b.waiting, *r.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- r.bidiReply
		}
	}
}

// call sends one BiDi command and decodes its result into out.
func (b *bidiBrowser) call(method string, params, out any) error {
	b.mu.Lock()
	if b.readErr != nil {
		b.mu.Unlock()
		return b.readErr
	}
	b.next++
	id := b.next
	ch := make(chan bidiReply, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg, _ := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err := b.ws.WriteText(msg); err != nil {
		return err
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s: connection to firefox lost", method)
		}
		if r.Type == "error" {
			return fmt.Errorf("%s: %s: %s", method, r.Error, r.Message)
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(r.Result, out)
	case <-time.After(60 * time.Second):
		return fmt.Errorf("%s: no answer in 60 s", method)
	}
}

func (b *bidiBrowser) kill() {
	if b.ws != nil {
		b.call("browser.close", map[string]any{}, nil)
		b.ws.Close()
	}
	if b.cmd.Process != nil {
		syscall.Kill(-b.cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { b.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	os.RemoveAll(b.dir)
}

func (f *firefox) NewPage(ctx context.Context, o Options) (Page, error) {
	b, err := f.browser(o.NoJS)
	if err != nil {
		return nil, err
	}
	// A user context of its own: the page shares no cookies, storage or
	// cache with any other page.
	var uc struct {
		UserContext string `json:"userContext"`
	}
	if err := b.call("browser.createUserContext", map[string]any{}, &uc); err != nil {
		return nil, err
	}
	var bc struct {
		Context string `json:"context"`
	}
	if err := b.call("browsingContext.create", map[string]any{"type": "tab", "userContext": uc.UserContext}, &bc); err != nil {
		return nil, err
	}
	p := &ffPage{b: b, ctx: bc.Context, userContext: uc.UserContext}
	if err := b.call("browsingContext.setViewport", map[string]any{"context": p.ctx,
		"viewport": map[string]any{"width": o.Width, "height": o.Height}, "devicePixelRatio": 1}, nil); err != nil {
		return nil, err
	}
	return p, nil
}

func (f *firefox) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.procs {
		b.kill()
	}
	f.procs = map[bool]*bidiBrowser{}
	return nil
}

type ffPage struct {
	b           *bidiBrowser
	ctx         string
	userContext string
}

func (p *ffPage) Navigate(url string) error {
	return p.b.call("browsingContext.navigate", map[string]any{"context": p.ctx, "url": url, "wait": "interactive"}, nil)
}

func (p *ffPage) URL() (string, error) {
	var u string
	err := p.Eval("location.href", &u)
	return u, err
}

func (p *ffPage) Eval(expr string, out any) error {
	target := map[string]any{"context": p.ctx}
	if p.b.noJS {
		// The page's realm runs nothing with scripts off; a sandbox (a
		// privileged realm over the same DOM) still does.
		target["sandbox"] = "waymark-test"
	}
	var r struct {
		Type             string                          `json:"type"`
		Result           struct{ Value json.RawMessage } `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	expression, await := wrapJSON(expr), true
	if p.b.noJS {
		expression, await = wrapJSONSync(expr), false
	}
	if err := p.b.call("script.evaluate", map[string]any{"expression": expression, "target": target,
		"awaitPromise": await, "resultOwnership": "none"}, &r); err != nil {
		return err
	}
	if r.Type == "exception" {
		return errors.New("script: " + r.ExceptionDetails.Text)
	}
	var s string
	if err := json.Unmarshal(r.Result.Value, &s); err != nil {
		return fmt.Errorf("script returned %s", r.Result.Value)
	}
	return decodeJSON([]byte(s), out)
}

func (p *ffPage) Keys(keys ...Key) error {
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

func (p *ffPage) Click(x, y float64) error {
	return p.actions(map[string]any{"type": "pointer", "id": "mouse", "parameters": map[string]any{"pointerType": "mouse"},
		"actions": []map[string]any{
			{"type": "pointerMove", "x": int(x + 0.5), "y": int(y + 0.5), "origin": "viewport"},
			{"type": "pointerDown", "button": 0},
			{"type": "pointerUp", "button": 0},
		}})
}

func (p *ffPage) actions(src map[string]any) error {
	if err := p.b.call("input.performActions", map[string]any{"context": p.ctx, "actions": []any{src}}, nil); err != nil {
		return err
	}
	return p.b.call("input.releaseActions", map[string]any{"context": p.ctx}, nil)
}

func (p *ffPage) Back() error {
	return p.b.call("browsingContext.traverseHistory", map[string]any{"context": p.ctx, "delta": -1}, nil)
}

func (p *ffPage) Screenshot() ([]byte, error) {
	var r struct{ Data string }
	if err := p.b.call("browsingContext.captureScreenshot", map[string]any{"context": p.ctx}, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

func (p *ffPage) Close() error {
	err := p.b.call("browsingContext.close", map[string]any{"context": p.ctx}, nil)
	if err2 := p.b.call("browser.removeUserContext", map[string]any{"userContext": p.userContext}, nil); err == nil {
		err = err2
	}
	return err
}
