package realtools

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// NeedGo returns the path of a Go program that test.sh installs from the
// Go module proxy with `go install module@version` (goi18n), looking on
// PATH and in Go's bin folder. Missing, it fails in CI and is skipped
// elsewhere, naming the install command.
func NeedGo(t testing.TB, name, moduleAtVersion string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	var dirs []string
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) > 0 && lines[0] != "" {
			dirs = append(dirs, lines[0])
		}
		if len(lines) > 1 {
			for _, p := range filepath.SplitList(lines[1]) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found; install it with: go install %s", name, moduleAtVersion)
	}
	t.Skipf("%s not found; install it with `go install %s` to run this test", name, moduleAtVersion)
	return ""
}
