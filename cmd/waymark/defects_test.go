package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
)

// defect is one mistake a translator (or a deployment's writer) makes,
// planted in a --locales folder, with what every report of it must say:
// the file, the line, the message and the fix.
type defect struct {
	name  string
	files func(t *testing.T) map[string]string
	want  []string
	// posterOnly defects make posters wrong, not pages: only the
	// translators' report (i18n), check and the poster commands refuse
	// them.
	posterOnly bool
}

func one(name, content string) func(*testing.T) map[string]string {
	return func(*testing.T) map[string]string { return map[string]string{name: content} }
}

var defects = []defect{
	{
		name:  "placeholder misspelt",
		files: one("active.ar.json", "{\n  \"emergency.silent\": \"إذا كنت لا تستطيع الكلام: اتصل بالرقم {{.Numero}} من هاتف محمول، واستمع، ثم اضغط 55.\"\n}\n"),
		want:  []string{"active.ar.json:2", `"emergency.silent"`, "{{.Numero}}", "correct its spelling"},
	},
	{
		name:  "curly quotes",
		files: one("active.nl.json", "{\n  \"page.heading\": \u201cGratis hulp\u201d\n}\n"),
		want:  []string{"active.nl.json:2", "U+201C LEFT DOUBLE QUOTATION MARK", "straight double quote"},
	},
	{
		name:  "byte-order mark",
		files: one("active.nl.json", "\ufeff{\n  \"page.heading\": \"Gratis hulp\"\n}\n"),
		want:  []string{"active.nl.json:1", "byte-order mark", "not \"UTF-8 with BOM\""},
	},
	{
		name:  "plural form missing",
		files: one("active.ar.json", "{\n  \"exit.status\": {\n    \"one\": \"اضغط {{.Count}} مرة أخرى على Shift للخروج\",\n    \"other\": \"اضغط {{.Count}} مرات أخرى على Shift للخروج\"\n  }\n}\n"),
		want:  []string{"active.ar.json:2", `"exit.status"`, `"two"`},
	},
	{
		// Every language's page.intro gains a placeholder that the page
		// does not supply: Check sees matching placeholders, so only the
		// render's missing-key error stands between it and "<no value>".
		name: "placeholder the page does not supply",
		files: func(t *testing.T) map[string]string {
			cat, err := lang.Load(locales.FS())
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, tag := range cat.IDs() {
				loc, _ := cat.Locale(tag)
				text := loc.Messages["page.intro"].Forms["other"]
				out["active."+tag+".json"] = "{\n  \"page.intro\": {\n    \"description\": \"One sentence under the main heading.\",\n    \"other\": \"" + text + " {{.Number}}\"\n  }\n}\n"
			}
			return out
		},
		want: []string{"active.en.json:2", `"page.intro"`, "{{.Number}} has no value"},
	},
	{
		// A digit is a fact like a placeholder: 55 turned into 555 (a key
		// that puts nobody through) is refused like a broken placeholder.
		name:  "number changed in a translation",
		files: one("active.ar.json", "{\n  \"emergency.silent\": \"إذا كنت لا تستطيع الكلام: اتصل بالرقم {{.Number}} من هاتف محمول، وابق على الخط واستمع. عندما يطلبون منك ذلك، اضغط 555 لكي يتم تحويل مكالمتك إلى الشرطة.\"\n}\n"),
		want:  []string{"active.ar.json:2", `"emergency.silent"`, "English has 55;", "this translation has 555"},
	},
	{
		// The same for a deployment's own text and its translation.
		name: "number changed in a deployment's text",
		files: func(*testing.T) map[string]string {
			return map[string]string{
				"active.en.json": "{\n  \"page.intro\": {\n    \"description\": \"One sentence under the main heading.\",\n    \"other\": \"You are not in trouble for reading this. In danger now? Call 999.\"\n  }\n}\n",
				"active.nl.json": "{\n  \"page.intro\": \"U zit niet in de problemen als u dit leest. Nu in gevaar? Bel 998.\"\n}\n",
			}
		},
		want: []string{"active.nl.json:2", `"page.intro"`, "English has 999;", "this translation has 998"},
	},
	{
		name:       "poster text in a script no poster font has",
		files:      one("active.ar.json", "{\n  \"poster.headline\": \"უფასო და კონფიდენციალური რჩევა\"\n}\n"),
		want:       []string{"active.ar.json:2", `"poster.headline"`, "Georgian script", "U+10E3", "--fonts"},
		posterOnly: true,
	},
}

func plant(t *testing.T, dir string, d defect) {
	t.Helper()
	clearDir(t, dir)
	for name, content := range d.files(t) {
		faultWrite(t, filepath.Join(dir, name), content)
	}
}

func clearDir(t *testing.T, dir string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, n := range names {
		if err := os.Remove(n); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDefectsRefusedOnEveryCommand: each defect fails every command that
// reads the data, and each says where and what.
func TestDefectsRefusedOnEveryCommand(t *testing.T) {
	texts := t.TempDir()
	out := t.TempDir()
	commands := [][]string{
		{"check"},
		{"i18n"},
		{"export", filepath.Join(out, "site")},
		{"poster", "K7Q2M", "--html", "--base-url", "https://help.example.org", "-o", filepath.Join(out, "p.html")},
		{"qr", "K7Q2M", "-o", filepath.Join(out, "q.svg")},
		{"venues"},
	}
	// The folder without a defect passes them all.
	for _, args := range commands {
		if code, stdout, stderr := runCLI(t, append(args, "--locales", texts)...); code != 0 {
			t.Fatalf("%v without a defect: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
	}
	for _, d := range defects {
		t.Run(d.name, func(t *testing.T) {
			plant(t, texts, d)
			for _, args := range commands {
				if d.posterOnly && args[0] != "check" && args[0] != "i18n" && args[0] != "poster" {
					continue
				}
				code, stdout, stderr := runCLI(t, append(args, "--locales", texts)...)
				if code == 0 {
					t.Errorf("%v accepted it", args)
					continue
				}
				for _, w := range d.want {
					if !strings.Contains(stdout+stderr, w) {
						t.Errorf("%v does not say %q:\n%s%s", args, w, stdout, stderr)
					}
				}
				if strings.Contains(stdout+stderr, "<no value>") && !strings.Contains(stdout+stderr, "would show") {
					t.Errorf("%v shows <no value>", args)
				}
			}
		})
	}
}

// TestDefectsRefusedByServe: at start-up serve refuses each defect, naming
// it; on a --dev reload and on SIGHUP it keeps serving the previous pages
// and logs the same.
func TestDefectsRefusedByServe(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	dir := t.TempDir()
	for _, d := range []string{"locales", "assets"} {
		faultCopyDir(t, filepath.Join("..", "..", d), filepath.Join(dir, d))
	}
	cfg := faultConfig(t, dir, func(s string) string { return s })
	texts := filepath.Join(dir, "texts")
	if err := os.Mkdir(texts, 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defects {
		if d.posterOnly {
			continue
		}
		t.Run("start/"+d.name, func(t *testing.T) {
			plant(t, texts, d)
			cmd := exec.Command(exe, "serve", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--config", cfg, "--locales", texts)
			cmd.Dir, cmd.Env = dir, faultEnv()
			done := make(chan struct{})
			var outb []byte
			go func() { outb, _ = cmd.CombinedOutput(); close(done) }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatal("serve started with the defect")
			}
			if cmd.ProcessState == nil || cmd.ProcessState.Success() {
				t.Fatalf("serve exited 0 with the defect:\n%s", outb)
			}
			for _, w := range d.want {
				if !strings.Contains(string(outb), w) {
					t.Errorf("start-up refusal does not say %q:\n%s", w, outb)
				}
			}
		})
	}

	clearDir(t, texts)
	p := faultStart(t, dir, cfg, "--dev", "--locales", texts)
	const good = "/K7Q2M/ar"
	_, before := faultGet(t, p.url(good))
	failures := func() int { return strings.Count(p.stderr.String(), "reload failed") }
	reloads := func() int { return strings.Count(p.stderr.String(), "msg=reloaded") }
	wait := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s within 20 s:\n%s", what, p.stderr)
			}
		}
	}
	for _, d := range defects {
		if d.posterOnly {
			continue
		}
		t.Run("reload/"+d.name, func(t *testing.T) {
			for _, how := range []string{"--dev", "SIGHUP"} {
				n := failures()
				if how == "--dev" {
					time.Sleep(1100 * time.Millisecond) // a new modification time
					plant(t, texts, d)
				} else {
					p.signal(t, syscall.SIGHUP)
				}
				wait("reload failure after "+how, func() bool { return failures() > n })
				log := p.stderr.String()
				last := log[strings.LastIndex(log, "reload failed"):]
				if i := strings.Index(last, "\n"); i >= 0 {
					last = last[:i]
				}
				for _, w := range d.want {
					if !strings.Contains(last, strings.ReplaceAll(w, `"`, `\"`)) {
						t.Errorf("%s: the log does not say %q:\n%s", how, w, last)
					}
				}
				if status, body := faultGet(t, p.url(good)); status != 200 || body != before {
					t.Errorf("%s: after the defect, status %d and the page changed", how, status)
				}
			}
			n := reloads()
			time.Sleep(1100 * time.Millisecond)
			clearDir(t, texts)
			wait("reload after the fix", func() bool { return reloads() > n })
		})
	}
	if err := p.stop(t, 10*time.Second); err != nil {
		t.Errorf("exit: %v", err)
	}
}
