// Package safefile reads the files a deployment hands Waymark (its config,
// its own texts, recordings) as untrusted input: only regular files, only
// up to a size, and only with a bounded nesting before any decoder sees
// them. A symlink to /dev/zero, a FIFO, a 100 MB array or 6,000 nested
// inline tables would otherwise take gigabytes, or block a reload forever.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"unicode/utf8"
)

// ErrNotRegular is returned for anything but a regular file (after
// symlinks): a FIFO blocks its reader, a device never ends.
var ErrNotRegular = errors.New("not a regular file")

// Read reads name from fsys if it is a regular file of at most limit bytes.
func Read(fsys fs.FS, name string, limit int64) ([]byte, error) {
	// Stat follows a symlink, so the file it names is what is checked,
	// before anything opens it (opening a FIFO blocks).
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := check(name, st, limit); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAtMost(f, name, limit)
}

// ReadPath is Read for a path on disk.
func ReadPath(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, st, limit); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAtMost(f, path, limit)
}

func check(name string, st fs.FileInfo, limit int64) error {
	if !st.Mode().IsRegular() {
		what := "a folder"
		switch m := st.Mode(); {
		case m&fs.ModeNamedPipe != 0:
			what = "a named pipe (FIFO)"
		case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
			what = "a device"
		case m&fs.ModeSocket != 0:
			what = "a socket"
		case !m.IsDir():
			what = "not a file"
		}
		return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, what)}
	}
	if st.Size() > limit {
		return tooLarge(name, limit)
	}
	return nil
}

// readAtMost reads f, refusing more than limit bytes (the file may have
// grown since it was checked).
func readAtMost(f io.Reader, name string, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(name, limit)
	}
	return data, nil
}

func tooLarge(name string, limit int64) error {
	return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("larger than %s, the most this file may be", size(limit))}
}

func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

// Nesting checks that arrays and tables (TOML) or arrays and objects
// (JSON) in data nest at most max deep, reading past strings and TOML
// comments. It returns the 1-based line where the limit is passed. The
// decoders are recursive: depth costs them memory and stack before any
// error can be reported.
func Nesting(data []byte, max int) (line int, err error) {
	depth, line := 0, 1
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
		case '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			i = skipString(data, i, &line)
		case '[', '{':
			if depth++; depth > max {
				return line, fmt.Errorf("arrays and tables nest more than %d deep", max)
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return 0, nil
}

// skipString returns the index of the last byte of the string that starts
// at data[i] (a quote), counting its lines. A one-line string left open
// ends at its line's end (the decoder reports it).
func skipString(data []byte, i int, line *int) int {
	q := data[i]
	triple := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	if triple {
		i += 2
	}
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\n':
			if !triple {
				return i - 1
			}
			*line++
		case '\\':
			if q == '"' && i+1 < len(data) {
				i++
				if data[i] == '\n' {
					*line++
				}
			}
		case q:
			if !triple {
				return i
			}
			if i+2 < len(data) && data[i+1] == q && data[i+2] == q {
				i += 2
				// TOML allows up to two more quotes before the end.
				for n := 0; n < 2 && i+1 < len(data) && data[i+1] == q; n++ {
					i++
				}
				return i
			}
		}
	}
	return len(data) - 1
}

// Clip cuts s to at most n bytes (on a character boundary), marking the
// cut: an error quoting a hostile file must not become a log line of
// megabytes.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "... (cut)"
}
