package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
)

func TestNesting(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		line       int // 0: within the limit of 3
	}{
		{"flat TOML", "a = 1\n[t]\nb = [1, 2]\n[[v]]\nc = {d = 1}\n", 0},
		{"three deep", "a = [[{b = 1}]]\n", 0},
		{"four deep", "a = 1\na = [[[{b = 1}]]]\n", 2},
		{"brackets in strings", "a = \"[[[[\"\nb = '{{{{'\nc = \"\"\"\n[[[[\n\"\"\"\nd = '''\n{{{{'''\n", 0},
		{"escaped quote", "a = \"\\\"[[[[\"\n", 0},
		{"brackets in a comment", "# [[[[\na = 1\n", 0},
		{"JSON", `{"a": {"b": {"c": 1}}}`, 0},
		{"deep JSON", `{"a": {"b": {"c": {"d": 1}}}}`, 1},
		{"after a multi-line string", "a = \"\"\"\n\n\"\"\"\nb = [[[[1]]]]\n", 4},
		{"inline tables", "x = " + strings.Repeat("{a=", 6000) + "1" + strings.Repeat("}", 6000), 1},
	} {
		line, err := Nesting([]byte(tt.data), 3)
		if (err != nil) != (tt.line > 0) || line != tt.line {
			t.Errorf("%s: line %d, %v; want line %d", tt.name, line, err, tt.line)
		}
	}
}

func TestReadRefusesNonRegularAndLarge(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ok"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(dir, "big"), make([]byte, 100), 0o644)
	os.Symlink("/dev/zero", filepath.Join(dir, "zero"))
	os.Symlink("ok", filepath.Join(dir, "link"))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(dir)
	for name, want := range map[string]string{"ok": "", "link": "", "big": "larger than", "zero": "a device", "fifo": "named pipe", ".": "a folder"} {
		data, err := Read(fsys, name, 50)
		if want == "" {
			if err != nil || string(data) != "hello" {
				t.Errorf("%s: %q, %v", name, data, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, want)
		}
		if _, err := ReadPath(filepath.Join(dir, name), 50); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadPath %s: %v, want an error saying %q", name, err, want)
		}
	}
	if _, err := Read(fstest.MapFS{"a": {Data: make([]byte, 10)}}, "a", 9); err == nil {
		t.Error("a 10-byte file read with a limit of 9")
	}
}

func TestClip(t *testing.T) {
	if got := Clip("ééé", 3); got != "é... (cut)" {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("abc", 3); got != "abc" {
		t.Errorf("Clip = %q", got)
	}
}
