package export

import (
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/waymark/waymark/pages"
)

// writeAudio exports the recordings the pages offer, fetched through the
// real router like the pages, at the same paths (/audio/<tag>/<file>).
// MP3 does not compress, so no .gz is written. The file names carry a
// hash of the bytes, so a host's cache can never mix an old recording
// into a new export.
func writeAudio(router http.Handler, root *os.Root, s *pages.Site, res *Result) error {
	for _, p := range s.AudioPaths() {
		body, hdr, status, err := fetch(router, Page{Path: p}, "identity")
		if err != nil {
			return err
		}
		if status != http.StatusOK || hdr.Get("Content-Type") != "audio/mpeg" {
			return fmt.Errorf("export %s: status %d, %s", p, status, hdr.Get("Content-Type"))
		}
		if err := writeFile(root, strings.TrimPrefix(p, "/"), body); err != nil {
			return err
		}
		res.Bytes += int64(len(body))
		res.Audio = append(res.Audio, p)
	}
	return nil
}

// nginxAudio serves the recordings with their type (the server block maps
// no extension to a type, so that pages are text/html) and the server
// block's headers, which nginx inherits because this location adds none.
// nginx answers Range requests for static files itself.
const nginxAudio = "    location /audio/ {\n        types { audio/mpeg mp3; }\n        default_type application/octet-stream;\n        max_ranges 1;\n        try_files $uri =404;\n    }\n"
