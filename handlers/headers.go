package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
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

// PublicHeaders returns the fixed header set with the given CSP, for the
// static export's host configuration files.
func PublicHeaders(csp string) http.Header {
	h := publicHeaders.Clone()
	h.Set("Content-Security-Policy", csp)
	return h
}

var hstsValue = []string{"max-age=31536000"}

// privacyHeaders sets the fixed header set before routing, so that every
// response (404, 405 and errors included) carries it.
func (p *Public) privacyHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for k, v := range publicHeaders {
			h[k] = v
		}
		h["Content-Security-Policy"] = p.site().cspHeader
		if p.hsts {
			h["Strict-Transport-Security"] = hstsValue
		}
		return next(c)
	}
}
