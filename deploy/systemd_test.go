package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/realtools"
)

// systemd reads deploy/waymark.service and the HTTPS drop-in without a
// complaint: every key known, every value valid. (Only the program's path
// is swapped for one that exists here.)
func TestSystemdUnitAndDropInVerify(t *testing.T) {
	analyze := realtools.Need(t, "systemd-analyze", "systemd")
	dir := t.TempDir()
	unit, err := os.ReadFile("waymark.service")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(unit), "ExecStart=/usr/local/bin/waymark ") {
		t.Fatal("waymark.service no longer starts /usr/local/bin/waymark")
	}
	os.WriteFile(filepath.Join(dir, "waymark.service"), []byte(strings.ReplaceAll(string(unit), "/usr/local/bin/waymark", "/bin/true")), 0o644)
	dropIn, err := os.ReadFile("waymark-https.conf")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "waymark.service.d"), 0o755)
	os.WriteFile(filepath.Join(dir, "waymark.service.d", "https.conf"), dropIn, 0o644)
	cmd := exec.Command(analyze, "verify", "--man=no", "--generators=no", "waymark.service")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SYSTEMD_UNIT_PATH="+dir+":")
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
