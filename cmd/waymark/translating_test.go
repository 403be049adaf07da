package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTranslatingAddLanguage follows TRANSLATING.md, section 5, "Add a new
// language", word for word on a copy of the project, as a volunteer with a
// fresh clone would: copy English, translate, add the language to
// status.toml and demo.toml, run the commands the section shows (with the
// program built from the copy, as `go run` would), preview the language
// and find it in the language menu, and commit only the files section 1
// says. Every command the section shows is run; a step the test has to
// invent fails it.
func TestTranslatingAddLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and starts a server")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	clone := t.TempDir()
	before := copyProject(t, root, clone)
	doc := readFile(t, filepath.Join(clone, "TRANSLATING.md"))
	sec := section(t, doc, "## 5. Add a new language", "## 6.")

	// The steps in the section's words.
	for _, step := range []string{
		"Copy `locales/active.en.json` to\n   `locales/active.<tag>.json`, for example `locales/active.sw.json`.",
		"Delete every message you have not translated\n   yet",
		"add your tag at\n   the end of it, inside the brackets, after a comma",
	} {
		if !strings.Contains(sec, step) {
			t.Fatalf("section 5 no longer says %q: update this test with it", step)
		}
	}
	blocks := codeBlocks(sec)
	kinds := make([]string, len(blocks))
	for i, b := range blocks {
		kinds[i] = b.lang
	}
	if !slices.Equal(kinds, []string{"toml", "toml", "sh", "sh", "sh"}) {
		t.Fatalf("section 5's code blocks are %v: update this test", kinds)
	}

	// 2. Copy English.
	en := readFile(t, filepath.Join(clone, "locales", "active.en.json"))
	sw := filepath.Join(clone, "locales", "active.sw.json")
	faultWrite(t, sw, en)
	// 3. and 4. Translate some messages (exit.status with Swahili's
	// forms, one and other), and delete every other message.
	var msgs map[string]json.RawMessage
	if err := json.Unmarshal([]byte(readFile(t, sw)), &msgs); err != nil {
		t.Fatal(err)
	}
	done := map[string]string{
		"page.help":   `{"other": "Msaada na ushauri"}`,
		"exit.button": `{"other": "Ondoka sasa"}`,
		"action.call": `{"other": "Piga simu"}`,
		"exit.status": `{"one": "Bonyeza Shift mara {{.Count}} zaidi ili kuondoka", "other": "Bonyeza Shift mara {{.Count}} zaidi ili kuondoka"}`,
	}
	for id := range msgs {
		if text, ok := done[id]; ok {
			msgs[id] = json.RawMessage(text)
		} else {
			delete(msgs, id)
		}
	}
	b, _ := json.MarshalIndent(msgs, "", "  ")
	faultWrite(t, sw, string(b)+"\n")

	// 5. status.toml, the block as written, at the end of the file.
	status := filepath.Join(clone, "locales", "status.toml")
	faultWrite(t, status, readFile(t, status)+"\n"+blocks[0].text)

	// 6. The first languages = [...] line of site/demo.toml gets the tag
	// at its end; the section shows the line as it then reads.
	demo := filepath.Join(clone, "site", "demo.toml")
	cfg := readFile(t, demo)
	line := regexp.MustCompile(`(?m)^languages = \[.*\]$`).FindString(cfg)
	if line == "" {
		t.Fatal("site/demo.toml has no languages = [...] line")
	}
	edited := strings.TrimSuffix(line, "]") + `, "sw"]`
	faultWrite(t, demo, strings.Replace(cfg, line, edited, 1))
	if example := strings.TrimSpace(blocks[1].text); example != edited {
		t.Errorf("section 5 shows the languages line as\n%s\nbut it reads\n%s\n(update the example when the demo's languages change)", example, edited)
	}

	// `go run ./cmd/waymark` builds the program from the working copy,
	// with the new file embedded.
	bin := filepath.Join(t.TempDir(), "waymark")
	rebuild := func() {
		t.Helper()
		build := exec.Command("go", "build", "-o", bin, "./cmd/waymark")
		build.Dir = clone
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build in the copy: %v\n%s", err, out)
		}
	}
	rebuild()
	run := func(block codeBlock) []string {
		t.Helper()
		cmd := strings.TrimSpace(block.text)
		if !strings.HasPrefix(cmd, "go run ./cmd/waymark ") || strings.Contains(cmd, "\n") {
			t.Fatalf("section 5 shows %q: not one go run ./cmd/waymark command", cmd)
		}
		return strings.Fields(strings.TrimPrefix(cmd, "go run ./cmd/waymark "))
	}
	waymark := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = clone, cleanEnv()
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	// 7. Check.
	out, err := waymark(run(blocks[2])...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", run(blocks[2]), err, out)
	}
	if !regexp.MustCompile(`(?m)^sw +draft +\d+% .*Kiswahili`).MatchString(out) {
		t.Errorf("the report has no draft row for sw:\n%s", out)
	}

	// 8. Preview, on free ports instead of 8080 and 8081.
	addr, admin := faultAddr(t), faultAddr(t)
	args := append(run(blocks[3]), "--addr", addr, "--admin-addr", admin)
	if args[0] != "serve" || !slices.Contains(args, "--dev") {
		t.Fatalf("section 5's preview is %v", args)
	}
	srv := exec.Command(bin, args...)
	srv.Dir, srv.Env = clone, cleanEnv()
	var logs bytes.Buffer
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.Process.Kill()
			srv.Wait()
		}
	}()
	if !strings.Contains(sec, "http://localhost:8080/K7Q2M/sw") {
		t.Fatal("section 5 no longer names http://localhost:8080/K7Q2M/sw")
	}
	page := waitPage(t, "http://"+addr+"/K7Q2M/sw", &logs)
	if !strings.Contains(page, `<html lang="sw" dir="ltr">`) || !strings.Contains(page, "Msaada na ushauri") {
		t.Errorf("/K7Q2M/sw is not the Swahili page:\n%.600s", page)
	}
	menu := waitPage(t, "http://"+addr+"/K7Q2M", &logs)
	if !regexp.MustCompile(`href="/K7Q2M/sw"[^>]*>Kiswahili <small lang="en" dir="ltr">Swahili</small><`).MatchString(menu) {
		t.Errorf("the language menu of /K7Q2M does not offer Kiswahili")
	}
	srv.Process.Signal(syscall.SIGTERM)
	srv.Wait()
	stopped = true

	// 9. Record hashes.
	if out, err := waymark(run(blocks[4])...); err != nil {
		t.Fatalf("%v: %v\n%s", run(blocks[4]), err, out)
	}
	if !strings.Contains(readFile(t, filepath.Join(clone, "locales", "hashes.toml")), "[\"sw\"]\n\"action.call\" = ") {
		t.Error("hashes.toml has no hashes for sw")
	}
	rebuild() // go run would
	if out, err := waymark("i18n", "--config", "site/demo.toml"); err != nil || !regexp.MustCompile(`(?m)^sw +draft +\d+% +\d+ +0 +0 +0 `).MatchString(out) {
		t.Errorf("after the hashes, sw is not clean: %v\n%s", err, out)
	}

	// 10. Only the files section 1 lists have changed.
	commit := section(t, doc, "### What you commit", "\n## ")
	for _, name := range changedFiles(t, clone, before) {
		shown := strings.Replace(name, "locales/active.sw.json", "locales/active.<tag>.json", 1)
		switch {
		case strings.Contains(commit, "`"+shown+"`"):
		case !shippedCanonical && regexp.MustCompile(`^locales/active\.[A-Za-z-]+\.json$`).MatchString(name):
			// Until the shipped files are converted once, step 9 puts
			// them in canonical form too.
		default:
			t.Errorf("%s changed, but section 1 does not list it among the files to commit", name)
		}
	}
}

type codeBlock struct{ lang, text string }

var fenceRE = regexp.MustCompile("(?s)```([a-z]*)\n(.*?)\n *```")

// codeBlocks returns a Markdown text's fenced blocks, unindented.
func codeBlocks(s string) []codeBlock {
	var out []codeBlock
	for _, m := range fenceRE.FindAllStringSubmatch(s, -1) {
		var lines []string
		for _, l := range strings.Split(m[2], "\n") {
			lines = append(lines, strings.TrimPrefix(l, "   "))
		}
		out = append(out, codeBlock{m[1], strings.Join(lines, "\n") + "\n"})
	}
	return out
}

func section(t *testing.T, doc, start, end string) string {
	t.Helper()
	i := strings.Index(doc, start)
	if i < 0 {
		t.Fatalf("TRANSLATING.md has no %q", start)
	}
	rest := doc[i+len(start):]
	if j := strings.Index(rest, end); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WAYMARK_") {
			env = append(env, kv)
		}
	}
	return env
}

// copyProject copies the files git knows in root (tracked, or new and not
// ignored: the working copy a volunteer has) to dst, and returns their
// contents.
func copyProject(t *testing.T, root, dst string) map[string][]byte {
	t.Helper()
	var names []string
	git := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	git.Dir = root
	if out, err := git.Output(); err == nil {
		names = strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	} else {
		// Not a git checkout (a source archive): every file but tools'
		// folders.
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				rel, _ := filepath.Rel(root, p)
				names = append(names, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	files := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			continue // deleted in the working copy
		}
		target := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files[filepath.ToSlash(name)] = b
	}
	if _, ok := files["go.mod"]; !ok {
		t.Fatal("the copy has no go.mod")
	}
	return files
}

// changedFiles lists, as git status would, the files in dir that differ
// from before or are new.
func changedFiles(t *testing.T, dir string, before map[string][]byte) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if old, ok := before[rel]; !ok || !bytes.Equal(old, b) {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func waitPage(t *testing.T, url string, logs *bytes.Buffer) string {
	t.Helper()
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := c.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return string(b)
			}
			err = &statusError{resp.StatusCode}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v\n%s", url, err, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type statusError struct{ code int }

func (e *statusError) Error() string { return http.StatusText(e.code) }
