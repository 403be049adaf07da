package qr

import (
	"strings"
	"testing"
)

func TestPayload(t *testing.T) {
	tests := []struct {
		name, base, code string
		want             string
	}{
		{"upper-cases scheme host and code", "https://waymark.example", "abc123", "HTTPS://WAYMARK.EXAMPLE/ABC123"},
		{"http allowed", "http://waymark.example", "A1", "HTTP://WAYMARK.EXAMPLE/A1"},
		{"mixed-case input scheme", "HtTpS://Waymark.Example", "Zz9", "HTTPS://WAYMARK.EXAMPLE/ZZ9"},
		{"trailing slash dropped", "https://waymark.example/", "abc", "HTTPS://WAYMARK.EXAMPLE/ABC"},
		{"port kept", "https://waymark.example:8443/", "abc", "HTTPS://WAYMARK.EXAMPLE:8443/ABC"},
		{"path kept as given", "https://example.org/p", "abc", "HTTPS://EXAMPLE.ORG/p/ABC"},
		{"path case and trailing slash", "https://Example.org/Help/Here/", "x", "HTTPS://EXAMPLE.ORG/Help/Here/X"},
		{"escaped path kept", "https://example.org/a%2Fb", "x", "HTTPS://EXAMPLE.ORG/a%2Fb/X"},
		{"ipv6 host", "http://[::1]:8080", "x", "HTTP://[::1]:8080/X"},
		{"digits-only code", "https://w.example", "0042", "HTTPS://W.EXAMPLE/0042"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Payload(tt.base, tt.code)
			if err != nil {
				t.Fatalf("Payload(%q, %q): %v", tt.base, tt.code, err)
			}
			if got != tt.want {
				t.Errorf("Payload(%q, %q) = %q, want %q", tt.base, tt.code, got, tt.want)
			}
		})
	}
}

func TestPayloadErrors(t *testing.T) {
	tests := []struct {
		name, base, code string
		wantErr          string // substring of the error message
	}{
		{"query", "https://waymark.example/?a=1", "abc", "has a query"},
		{"empty query", "https://waymark.example/?", "abc", "has a query"},
		{"fragment", "https://waymark.example/#top", "abc", "has a fragment"},
		{"empty fragment", "https://waymark.example#", "abc", "has a fragment"},
		{"userinfo", "https://me:secret@waymark.example", "abc", "has userinfo"},
		{"ftp scheme", "ftp://waymark.example", "abc", "http:// or https://"},
		{"relative", "waymark.example", "abc", "http:// or https://"},
		{"empty base", "", "abc", "http:// or https://"},
		{"no host", "https:///path", "abc", "has no host"},
		{"port only", "https://:8080", "abc", "has no host"},
		{"opaque", "https:waymark.example", "abc", "has no host"},
		{"unparsable", "https://waymark.example/\x00", "abc", "base URL"},
		{"ipv6 zone", "https://[fe80::1%25en0]/", "abc", "IPv6 zone"},
		{"unicode host", "https://bücher.example", "abc", "punycode"},
		{"empty code", "https://waymark.example", "", "empty venue code"},
		{"code with dash", "https://waymark.example", "ab-c", `has '-'`},
		{"code with slash", "https://waymark.example", "a/b", `has '/'`},
		{"code with space", "https://waymark.example", "a b", `has ' '`},
		{"code with non-ascii letter", "https://waymark.example", "abcé", `has 'é'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Payload(tt.base, tt.code)
			if err == nil {
				t.Fatalf("Payload(%q, %q) = %q, want error containing %q", tt.base, tt.code, got, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "qr: ") || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Payload(%q, %q) error = %q, want it to start with \"qr: \" and contain %q", tt.base, tt.code, err, tt.wantErr)
			}
		})
	}
}
