// Package realtools finds and runs the real external programs that
// Waymark's tests use to check its output: zbarimg reads the QR codes,
// rsvg-convert rasterises the SVGs, poppler (pdffonts, pdftotext, pdfinfo,
// pdftoppm) reads the PDFs, nginx serves the static export and PostgreSQL
// (postgres.go) holds the scan counts that copies of the server share.
//
// Tests check Waymark's output with the programs a phone, a print shop or
// a web server would use, never with our own decoders: a decoder of ours
// could share a bug with the encoder it checks. A developer without one of
// these programs gets a skip naming the Debian package to install; in CI
// (CI=true) a missing program is a failure, never a skip, so that the only
// checks that real tools read our output cannot be quietly lost.
package realtools

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Need returns the path of the program name. When it is missing, the test
// fails in CI (CI=true) and is skipped elsewhere, naming debianPackage
// either way.
func Need(t testing.TB, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found; install the Debian package %s (apt-get install %s)", name, debianPackage, debianPackage)
	}
	t.Skipf("%s not found; install the Debian package %s to run this test", name, debianPackage)
	return ""
}

// Run runs the program name (a path from Need) with args and returns its
// standard output. If it fails, the test fails with the program's base
// name, its arguments and its standard error.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	stdout, stderr, err := run(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr)
	}
	return stdout
}

// DecodeQR returns exactly what zbarimg read from the image file, without
// the newline that ends the last symbol. More than one symbol stays as
// more than one line, so that the caller's comparison fails. If zbarimg
// finds no symbol, the test fails.
func DecodeQR(t testing.TB, file string) string {
	t.Helper()
	zbarimg := Need(t, "zbarimg", "zbar-tools")
	stdout, stderr, err := run(zbarimg, "--raw", "-q", file)
	if err != nil {
		t.Fatalf("zbarimg --raw -q %s: %v (no QR symbol found?)\n%s", file, err, stderr)
	}
	return strings.TrimSuffix(stdout, "\n")
}

func run(name string, args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}
