package qr

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Payload returns the text to encode for a venue: baseURL/code, upper-cased
// where that is harmless.
//
// QR alphanumeric mode holds only upper-case letters, digits and " $%*+-./:",
// at 5.5 bits per character instead of 8, which usually saves a symbol
// version. Scheme and host are case-insensitive, and codes are matched
// case-insensitively by the server, so both are upper-cased. A path on the
// base URL is kept exactly as given because servers may treat it
// case-sensitively.
//
// baseURL must be an absolute http or https URL with a host and without
// userinfo, query or fragment; trailing slashes are dropped. code must be a
// non-empty run of ASCII letters and digits.
func Payload(baseURL, code string) (string, error) {
	prefix, err := payloadPrefix(baseURL)
	if err != nil {
		return "", err
	}
	if err := checkCode(code); err != nil {
		return "", err
	}
	return prefix + "/" + strings.ToUpper(code), nil
}

func payloadPrefix(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		// url.Error repeats the input; keep our own prefix for grep-ability.
		return "", fmt.Errorf("qr: base URL %q: %w", baseURL, errors.Unwrap(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("qr: base URL %q must start with http:// or https://", baseURL)
	case u.Opaque != "" || u.Hostname() == "":
		return "", fmt.Errorf("qr: base URL %q has no host", baseURL)
	case u.User != nil:
		// Credentials on a public poster would leak them to every passer-by.
		return "", fmt.Errorf("qr: base URL %q has userinfo", baseURL)
	case u.RawQuery != "" || u.ForceQuery:
		return "", fmt.Errorf("qr: base URL %q has a query", baseURL)
	case strings.Contains(baseURL, "#"):
		// url.Parse cannot tell "x#" from "x", so look at the raw text.
		return "", fmt.Errorf("qr: base URL %q has a fragment", baseURL)
	case strings.Contains(u.Host, "%"):
		// Only an IPv6 zone gets here; it names a local interface, which is
		// meaningless to a passer-by's phone.
		return "", fmt.Errorf("qr: base URL %q has an IPv6 zone", baseURL)
	case !isASCII(u.Host):
		// Upper-casing Unicode is not case-folding for IDNA; the caller
		// should pass the xn-- form that the encoder can carry anyway.
		return "", fmt.Errorf("qr: base URL %q has a non-ASCII host; use its punycode (xn--) form", baseURL)
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	return strings.ToUpper(u.Scheme+"://"+u.Host) + path, nil
}

func checkCode(code string) error {
	if code == "" {
		return errors.New("qr: empty venue code")
	}
	for _, r := range code {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return fmt.Errorf("qr: venue code %q has %q; only ASCII letters and digits are allowed", code, r)
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
