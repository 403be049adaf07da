package handlers

import (
	"net/http"
)

// The fixed header set of the public listener. Each one is explained in
// docs/privacy.md. Values are prepared once: a request copies slices.
var publicHeaders = http.Header{
	"Referrer-Policy":              {"no-referrer"},
	"Cache-Control":                {"no-store, max-age=0"},
	"X-Content-Type-Options":       {"nosniff"},
	"X-Frame-Options":              {"DENY"},
	"Cross-Origin-Opener-Policy":   {"same-origin"},
	"Cross-Origin-Resource-Policy": {"same-origin"},
	"Cross-Origin-Embedder-Policy": {"require-corp"},
	"Permissions-Policy": {"accelerometer=(), autoplay=(), bluetooth=(), camera=(), display-capture=(), " +
		"encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), " +
		"local-fonts=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), " +
		"publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), web-share=(), " +
		"xr-spatial-tracking=(), browsing-topics=()"},
	"X-Dns-Prefetch-Control": {"off"},
	"X-Robots-Tag":           {"noindex, noarchive"},
}
