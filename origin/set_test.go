package origin

import (
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// A valid APK key hash: base64url of 32 bytes (this one is the SHA-256 used
// in a SimpleWebAuthn test, MIT).
const apkHash = "android:apk-key-hash:gx7sq_pxhxhrIQdLyfG0pxKwiJ7hOk2DJQ4xvKd438Q"

func TestNewSetAccepts(t *testing.T) {
	tests := []struct {
		name    string
		rpID    string
		origins []string
		opts    []Option
		want    []string // Origins() after normalisation
	}{
		{"host equals RP ID", "example.com", []string{"https://example.com"}, nil, []string{"https://example.com"}},
		{"subdomain of RP ID", "example.com", []string{"https://login.example.com"}, nil, []string{"https://login.example.com"}},
		{"deep subdomain", "example.com", []string{"https://a.b.example.com:8443"}, nil, []string{"https://a.b.example.com:8443"}},
		{"RP ID is the origin host itself", "login.example.com", []string{"https://login.example.com:1337"}, nil, []string{"https://login.example.com:1337"}},
		{"default https port dropped", "example.com", []string{"https://example.com:443"}, nil, []string{"https://example.com"}},
		{"http localhost", "localhost", []string{"http://localhost"}, nil, []string{"http://localhost"}},
		{"http localhost with port", "localhost", []string{"http://localhost:8080"}, nil, []string{"http://localhost:8080"}},
		{"default http port dropped", "localhost", []string{"http://localhost:80"}, nil, []string{"http://localhost"}},
		{"https localhost", "localhost", []string{"https://localhost:44329"}, nil, []string{"https://localhost:44329"}},
		{"private public suffix equal to host", "gramthanos.github.io", []string{"https://gramthanos.github.io"}, nil, []string{"https://gramthanos.github.io"}},
		{"unlisted TLD", "duo.test", []string{"https://api-duo1.duo.test"}, nil, []string{"https://api-duo1.duo.test"}},
		{"punycode", "xn--bcher-kva.example", []string{"https://xn--bcher-kva.example"}, nil, []string{"https://xn--bcher-kva.example"}},
		{"underscore label", "example.com", []string{"https://my_app.example.com"}, nil, []string{"https://my_app.example.com"}},
		{"android app", "example.com", []string{"https://example.com", apkHash}, nil, []string{"https://example.com", apkHash}},
		{"android only", "example.com", []string{apkHash}, nil, []string{apkHash}},
		{"duplicates kept once", "example.com", []string{"https://example.com", "https://example.com:443", "https://example.com"}, nil, []string{"https://example.com"}},
		{"several", "example.com", []string{"https://example.com", "https://login.example.com"}, nil, []string{"https://example.com", "https://login.example.com"}},
		{"related origin of another site", "example.com", []string{"https://example.com"},
			[]Option{RelatedOrigins("https://example.co.uk", "https://shop.example.de:443")},
			[]string{"https://example.com", "https://example.co.uk", "https://shop.example.de"}},
		{"related origins alone", "example.com", nil, []Option{RelatedOrigins("https://example.de")}, []string{"https://example.de"}},
		{"nil option ignored", "example.com", []string{"https://example.com"}, []Option{nil}, []string{"https://example.com"}},
		{"cross-origin with top origins", "example.com", []string{"https://example.com"},
			[]Option{AllowCrossOrigin("https://partner.example:443", "http://localhost:3000")}, []string{"https://example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSet(tt.rpID, tt.origins, tt.opts...)
			if err != nil {
				t.Fatalf("NewSet: %v", err)
			}
			if got := s.Origins(); !slices.Equal(got, tt.want) {
				t.Errorf("Origins() = %q, want %q", got, tt.want)
			}
			if s.RPID() != tt.rpID {
				t.Errorf("RPID() = %q", s.RPID())
			}
			if got, want := s.RPIDHash(), sha256.Sum256([]byte(tt.rpID)); got != want {
				t.Errorf("RPIDHash() = %x, want SHA-256(%q) = %x", got, tt.rpID, want)
			}
			for _, o := range tt.want {
				if err := s.Check(o); err != nil {
					t.Errorf("Check(%q) = %v", o, err)
				}
			}
		})
	}
}

func TestNewSetRejects(t *testing.T) {
	tests := []struct {
		name    string
		rpID    string
		origins []string
		opts    []Option
		field   string
		problem string // a phrase of ConfigError.Problem
	}{
		// The RP ID.
		{"empty RP ID", "", []string{"https://example.com"}, nil, "RPID", "empty"},
		{"RP ID with scheme", "https://example.com", []string{"https://example.com"}, nil, "RPID", "scheme"},
		{"RP ID with path", "example.com/login", []string{"https://example.com"}, nil, "RPID", "path"},
		{"RP ID with port", "example.com:443", []string{"https://example.com"}, nil, "RPID", "port"},
		{"RP ID IPv4", "192.0.2.1", []string{"https://example.com"}, nil, "RPID", "IP address"},
		{"RP ID IPv6", "::1", []string{"https://example.com"}, nil, "RPID", "IP address"},
		{"RP ID bracketed IPv6", "[2001:db8::1]", []string{"https://example.com"}, nil, "RPID", "IP address"},
		{"RP ID upper case", "Example.com", []string{"https://example.com"}, nil, "RPID", "upper-case"},
		{"RP ID not punycode", "bücher.example", []string{"https://xn--bcher-kva.example"}, nil, "RPID", "not ASCII"},
		{"RP ID trailing dot", "example.com.", []string{"https://example.com"}, nil, "RPID", "ends with a dot"},
		{"RP ID empty label", "example..com", []string{"https://example.com"}, nil, "RPID", "empty label"},
		{"RP ID leading dot", ".example.com", []string{"https://example.com"}, nil, "RPID", "empty label"},
		{"RP ID long label", strings.Repeat("a", 64) + ".com", []string{"https://example.com"}, nil, "RPID", "longer than 63"},
		{"RP ID too long", strings.Repeat("abcdefghi.", 26) + "com", []string{"https://example.com"}, nil, "RPID", "longer than 253"},
		{"RP ID bad character", "exa*mple.com", []string{"https://example.com"}, nil, "RPID", "character '*'"},
		{"RP ID space", "example .com", []string{"https://example.com"}, nil, "RPID", "character ' '"},
		{"RP ID numeric last label", "example.123", []string{"https://example.com"}, nil, "RPID", "numeric label"},
		{"RP ID hex last label", "example.0x1f", []string{"https://example.com"}, nil, "RPID", "numeric label"},

		// The origin list.
		{"no origins", "example.com", nil, nil, "Origins", "no origins"},
		{"empty origin", "example.com", []string{""}, nil, "Origins[0]", "empty"},
		{"null origin", "example.com", []string{"null"}, nil, "Origins[0]", "opaque"},
		{"no scheme", "example.com", []string{"example.com"}, nil, "Origins[0]", "no scheme"},
		{"upper-case scheme", "example.com", []string{"HTTPS://example.com"}, nil, "Origins[0]", "scheme has upper-case"},
		{"other scheme", "example.com", []string{"ftp://example.com"}, nil, "Origins[0]", "not https"},
		{"trailing slash", "example.com", []string{"https://example.com/"}, nil, "Origins[0]", "ends with a slash"},
		{"path", "example.com", []string{"https://example.com/login"}, nil, "Origins[0]", "path"},
		{"query", "example.com", []string{"https://example.com?a=b"}, nil, "Origins[0]", "query"},
		{"fragment", "example.com", []string{"https://example.com#top"}, nil, "Origins[0]", "fragment"},
		{"userinfo", "example.com", []string{"https://user:pw@example.com"}, nil, "Origins[0]", "userinfo"},
		{"IPv4 host", "example.com", []string{"https://192.0.2.1"}, nil, "Origins[0]", "IP address"},
		{"IPv4 host with port", "example.com", []string{"https://192.0.2.1:8443"}, nil, "Origins[0]", "IP address"},
		{"IPv6 host", "example.com", []string{"https://[::1]:8443"}, nil, "Origins[0]", "IP address"},
		{"IPv6 host without port", "example.com", []string{"https://[2001:db8::1]"}, nil, "Origins[0]", "IP address"},
		{"IPv4 localhost", "localhost", []string{"http://127.0.0.1"}, nil, "Origins[0]", "IP address"},
		{"empty port", "example.com", []string{"https://example.com:"}, nil, "Origins[0]", "port after ':' is empty"},
		{"leading-zero port", "example.com", []string{"https://example.com:0443"}, nil, "Origins[0]", "leading zero"},
		{"port zero", "example.com", []string{"https://example.com:0"}, nil, "Origins[0]", "not a number from 1 to 65535"},
		{"port too big", "example.com", []string{"https://example.com:65536"}, nil, "Origins[0]", "not a number from 1 to 65535"},
		{"port not a number", "example.com", []string{"https://example.com:https"}, nil, "Origins[0]", "not a number from 1 to 65535"},
		{"upper-case host", "example.com", []string{"https://Example.com"}, nil, "Origins[0]", "upper-case"},
		{"IDN host", "xn--bcher-kva.example", []string{"https://bücher.example"}, nil, "Origins[0]", "not ASCII"},
		{"empty host", "example.com", []string{"https://"}, nil, "Origins[0]", "host is empty"},
		{"http not localhost", "example.com", []string{"http://example.com"}, nil, "Origins[0]", "http is allowed only for localhost"},
		{"http localhost look-alike", "localhost.example.com", []string{"http://localhost.example.com"}, nil, "Origins[0]", "http is allowed only for localhost"},
		{"http subdomain of localhost", "localhost", []string{"http://app.localhost"}, nil, "Origins[0]", "http is allowed only for localhost"},
		{"look-alike prefix", "example.com", []string{"https://evilexample.com"}, nil, "Origins[0]", "neither the RP ID nor a subdomain"},
		{"look-alike suffix", "example.com", []string{"https://example.com.evil.net"}, nil, "Origins[0]", "neither the RP ID nor a subdomain"},
		{"unrelated site", "example.com", []string{"https://example.org"}, nil, "Origins[0]", "neither the RP ID nor a subdomain"},
		{"RP ID longer than host", "m.login.example.com", []string{"https://login.example.com"}, nil, "Origins[0]", "neither the RP ID nor a subdomain"},
		{"RP ID is a TLD", "com", []string{"https://example.com"}, nil, "Origins[0]", "public suffix"},
		{"RP ID is a two-label public suffix", "co.uk", []string{"https://example.co.uk"}, nil, "Origins[0]", "public suffix"},
		{"RP ID is a private public suffix", "github.io", []string{"https://gramthanos.github.io"}, nil, "Origins[0]", "public suffix"},
		{"localhost RP ID for a subdomain", "localhost", []string{"https://app.localhost"}, nil, "Origins[0]", "public suffix"},
		{"second origin named", "example.com", []string{"https://example.com", "https://login.example.com", "https://evil.net"}, nil, "Origins[2]", "neither the RP ID"},

		// Android app origins.
		{"android padded", "example.com", []string{apkHash + "="}, nil, "Origins[0]", "padded"},
		{"android standard base64", "example.com", []string{"android:apk-key-hash:gx7sq/pxhxhrIQdLyfG0pxKwiJ7hOk2DJQ4xvKd438Q"}, nil, "Origins[0]", "standard base64"},
		{"android short", "example.com", []string{"android:apk-key-hash:gx7sq_pxhxhrIQdLyfG0pxKwiJ7hOk2DJQ4xvKd4"}, nil, "Origins[0]", "not the 32"},
		{"android long", "example.com", []string{apkHash + "AAAA"}, nil, "Origins[0]", "not the 32"},
		{"android bad character", "example.com", []string{"android:apk-key-hash:gx7sq_pxhxhrIQdLyfG0pxKwiJ7hOk2DJQ4xvKd43*Q"}, nil, "Origins[0]", "not valid base64url"},
		{"android stray bits", "example.com", []string{"android:apk-key-hash:gx7sq_pxhxhrIQdLyfG0pxKwiJ7hOk2DJQ4xvKd438R"}, nil, "Origins[0]", "not valid base64url"},
		{"android empty", "example.com", []string{"android:apk-key-hash:"}, nil, "Origins[0]", "not the 32"},

		// Options.
		{"related origin malformed", "example.com", []string{"https://example.com"}, []Option{RelatedOrigins("https://example.de/")}, "RelatedOrigins[0]", "slash"},
		{"related origin over http", "example.com", []string{"https://example.com"}, []Option{RelatedOrigins("https://example.de", "http://example.fr")}, "RelatedOrigins[1]", "http is allowed only for localhost"},
		{"related app origin", "example.com", []string{"https://example.com"}, []Option{RelatedOrigins(apkHash)}, "RelatedOrigins[0]", "app origin"},
		{"top origin with path", "example.com", []string{"https://example.com"}, []Option{AllowCrossOrigin("https://partner.example/page")}, "TopOrigins[0]", "path"},
		{"top origin IP", "example.com", []string{"https://example.com"}, []Option{AllowCrossOrigin("https://partner.example", "https://192.0.2.7")}, "TopOrigins[1]", "IP address"},
		{"top origin app", "example.com", []string{"https://example.com"}, []Option{AllowCrossOrigin(apkHash)}, "TopOrigins[0]", "no scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSet(tt.rpID, tt.origins, tt.opts...)
			if err == nil {
				t.Fatalf("NewSet accepted the configuration: %q", s.Origins())
			}
			var ce *errcode.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T %v is not a *errcode.ConfigError", err, err)
			}
			if ce.Field != tt.field {
				t.Errorf("Field = %q, want %q", ce.Field, tt.field)
			}
			if !strings.Contains(ce.Problem, tt.problem) {
				t.Errorf("Problem = %q, want it to mention %q", ce.Problem, tt.problem)
			}
			if ce.Fix == "" {
				t.Error("no Fix")
			}
			if errcode.Code(err) != "" {
				t.Errorf("a configuration mistake carries code %q", errcode.Code(err))
			}
		})
	}
}

// The fix for a mistake should be the value to write, where there is one.
func TestNewSetFixes(t *testing.T) {
	tests := []struct {
		name    string
		rpID    string
		origins []string
		fix     string
	}{
		{"upper-case RP ID", "Example.COM", []string{"https://example.com"}, "example.com"},
		{"RP ID with scheme", "https://example.com/x", []string{"https://example.com"}, "use the host alone: example.com"},
		{"RP ID with port", "example.com:8443", []string{"https://example.com"}, "use the host alone: example.com"},
		{"IDN", "bücher.example", []string{"https://example.com"}, "punycode"},
		{"trailing slash", "example.com", []string{"https://example.com/"}, "https://example.com"},
		{"path", "example.com", []string{"https://example.com:8443/a?b"}, "https://example.com:8443"},
		{"userinfo", "example.com", []string{"https://u@example.com"}, "https://example.com"},
		{"upper-case scheme", "example.com", []string{"HTTPS://example.com"}, "https://example.com"},
		{"http", "example.com", []string{"http://example.com:8080"}, "https://example.com:8080"},
		{"android padding", "example.com", []string{apkHash + "="}, apkHash},
		{"public suffix RP ID", "co.uk", []string{"https://login.example.co.uk"}, "example.co.uk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSet(tt.rpID, tt.origins)
			var ce *errcode.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("NewSet error = %v, want a *errcode.ConfigError", err)
			}
			if !strings.Contains(ce.Fix, tt.fix) {
				t.Errorf("Fix = %q, want it to contain %q", ce.Fix, tt.fix)
			}
		})
	}
}

func TestSetAccessors(t *testing.T) {
	s, err := NewSet("example.com", []string{"https://example.com:443", apkHash},
		RelatedOrigins("https://example.de"), AllowCrossOrigin("https://partner.example:443"), AllowCrossOrigin("https://other.example"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Origins(), []string{"https://example.com", apkHash, "https://example.de"}; !slices.Equal(got, want) {
		t.Errorf("Origins() = %q, want %q", got, want)
	}
	if got, want := s.RelatedOrigins(), []string{"https://example.de"}; !slices.Equal(got, want) {
		t.Errorf("RelatedOrigins() = %q, want %q", got, want)
	}
	if got, want := s.TopOrigins(), []string{"https://partner.example", "https://other.example"}; !slices.Equal(got, want) {
		t.Errorf("TopOrigins() = %q, want %q", got, want)
	}
	if !s.CrossOriginAllowed() {
		t.Error("CrossOriginAllowed() = false")
	}
	// The accessors return copies: changing one leaves the set unchanged.
	s.Origins()[0] = "https://evil.example"
	s.RelatedOrigins()[0] = "https://evil.example"
	s.TopOrigins()[0] = "https://evil.example"
	if err := s.Check("https://example.com"); err != nil {
		t.Errorf("Check after mutating a copy: %v", err)
	}
	if s.Origins()[0] != "https://example.com" || s.RelatedOrigins()[0] != "https://example.de" || s.TopOrigins()[0] != "https://partner.example" {
		t.Error("an accessor returned the set's own slice")
	}

	plain, err := NewSet("example.com", []string{"https://example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if plain.CrossOriginAllowed() || plain.TopOrigins() != nil || plain.RelatedOrigins() != nil {
		t.Error("a plain set reports cross-origin settings")
	}
}

func TestNilAndZeroSet(t *testing.T) {
	var nilSet *Set
	if nilSet.RPIDHash() != ([sha256.Size]byte{}) || new(Set).RPIDHash() != ([sha256.Size]byte{}) {
		t.Error("nil or zero set has an RP ID hash")
	}
	if nilSet.RPID() != "" || nilSet.Origins() != nil || nilSet.CrossOriginAllowed() || nilSet.TopOrigins() != nil || nilSet.RelatedOrigins() != nil {
		t.Error("nil set accessors")
	}
	var ce *errcode.ConfigError
	if err := nilSet.Check("https://example.com"); !errors.As(err, &ce) {
		t.Errorf("nil Check = %v, want a ConfigError", err)
	}
	if err := nilSet.CheckCrossOrigin(false, "", false); !errors.As(err, &ce) {
		t.Errorf("nil CheckCrossOrigin = %v, want a ConfigError", err)
	}
	var zero Set
	for _, o := range []string{"", "https://example.com", "null"} {
		if err := zero.Check(o); !errors.Is(err, errcode.ErrOriginMismatch) {
			t.Errorf("zero Set Check(%q) = %v, want origin-mismatch", o, err)
		}
	}
	if err := zero.CheckCrossOrigin(true, "", false); !errors.Is(err, errcode.ErrCrossOriginNotAllowed) {
		t.Errorf("zero Set CheckCrossOrigin = %v", err)
	}
}
