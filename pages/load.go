package pages

import (
	"io/fs"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/site"
)

// Sources are where a site's parts come from: the embedded files in
// production, the folders on disk with --dev.
type Sources struct {
	Locales fs.FS
	Assets  fs.FS
	// ConfigPath is the deployment's config file; "" is the embedded demo.
	ConfigPath string
}

// Load reads the locales and the config and renders every page. Any error
// names the file (and line and message where it has them).
func Load(src Sources) (*Site, error) {
	cat, err := lang.Load(src.Locales)
	if err != nil {
		return nil, err
	}
	var cfg *site.Config
	if src.ConfigPath == "" {
		cfg, err = site.Demo(cat)
	} else {
		cfg, err = site.LoadFile(src.ConfigPath, cat)
	}
	if err != nil {
		return nil, err
	}
	return Build(cfg, cat, src.Assets)
}
