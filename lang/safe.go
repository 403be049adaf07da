package lang

import (
	"errors"
	"io/fs"
	"path"

	"github.com/waymark/waymark/internal/safefile"
)

const (
	// MaxLocaleBytes is the largest locale file read (the largest shipped
	// one is about 55 KB).
	MaxLocaleBytes = 4 << 20
	// maxDataBytes bounds hashes.toml, status.toml and counts.toml.
	maxDataBytes = 16 << 20
	// maxNesting bounds how deep arrays and tables nest in these files:
	// none needs more than 3.
	maxNesting = 16
	// maxErrorLen bounds one problem as text: a message ID or a decoder's
	// message quoting a hostile file must not make a log line of megabytes.
	maxErrorLen = 1000
)

// readLayerFile reads name from layer as untrusted input (see safefile):
// a regular file, at most limit bytes, nested at most maxNesting deep. A
// missing file's error is fs.ErrNotExist; any other problem is a
// FileError naming the file.
func readLayerFile(layer Layer, name string, limit int64) ([]byte, error) {
	file := path.Join(layer.Name, name)
	data, err := safefile.Read(layer.FS, name, limit)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &FileError{File: file, Problem: err.Error()}
	}
	if line, err := safefile.Nesting(data, maxNesting); err != nil {
		return nil, &FileError{File: file, Line: line, Problem: err.Error()}
	}
	return data, nil
}
