package clientdata

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/origin"
)

// issued is a challenge whose base64url has '-' and '_', so that a client
// using the standard alphabet cannot pass.
var issued = []byte{0xfb, 0xff, 0xbf, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c}

func issuedB64() string { return base64.RawURLEncoding.EncodeToString(issued) }

// clientJSON builds clientDataJSON the way a browser does, from members.
func clientJSON(t testing.TB, members map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(members)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func good(typ string) map[string]any {
	return map[string]any{"type": typ, "challenge": issuedB64(), "origin": "https://example.com", "crossOrigin": false}
}

func mustSet(t testing.TB, opts ...origin.Option) *origin.Set {
	t.Helper()
	s, err := origin.NewSet("example.com", []string{"https://example.com", "https://login.example.com"}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerify(t *testing.T) {
	plain := mustSet(t)
	framed := mustSet(t, origin.AllowCrossOrigin("https://partner.example"))
	tests := []struct {
		name   string
		typ    string
		change func(m map[string]any)
		set    *origin.Set
		code   errcode.Sentinel // "" = accepted
		anchor string
	}{
		{"registration", TypeCreate, nil, plain, "", ""},
		{"authentication", TypeGet, nil, plain, "", ""},
		{"other accepted origin", TypeGet, func(m map[string]any) { m["origin"] = "https://login.example.com" }, plain, "", ""},
		{"crossOrigin absent", TypeGet, func(m map[string]any) { delete(m, "crossOrigin") }, plain, "", ""},

		// type
		{"assertion as registration", TypeCreate, func(m map[string]any) { m["type"] = TypeGet }, plain, errcode.ErrTypeMismatch, anchorRegistration},
		{"registration as assertion", TypeGet, func(m map[string]any) { m["type"] = TypeCreate }, plain, errcode.ErrTypeMismatch, anchorAssertion},
		{"type other case", TypeGet, func(m map[string]any) { m["type"] = "WebAuthn.get" }, plain, errcode.ErrTypeMismatch, anchorAssertion},
		{"type with space", TypeGet, func(m map[string]any) { m["type"] = "webauthn.get " }, plain, errcode.ErrTypeMismatch, anchorAssertion},
		{"payment type", TypeGet, func(m map[string]any) { m["type"] = "payment.get" }, plain, errcode.ErrTypeMismatch, anchorAssertion},
		{"empty type", TypeCreate, func(m map[string]any) { m["type"] = "" }, plain, errcode.ErrTypeMismatch, anchorRegistration},

		// challenge
		{"other challenge", TypeGet, func(m map[string]any) { m["challenge"] = "AAAAAAAAAAAAAAAAAAAAAA" }, plain, errcode.ErrChallengeMismatch, anchorAssertion},
		{"padded challenge", TypeGet, func(m map[string]any) { m["challenge"] = issuedB64() + "==" }, plain, errcode.ErrChallengeMismatch, anchorAssertion},
		{"standard alphabet", TypeGet, func(m map[string]any) { m["challenge"] = base64.RawStdEncoding.EncodeToString(issued) }, plain, errcode.ErrChallengeMismatch, anchorAssertion},
		{"challenge prefix", TypeGet, func(m map[string]any) { m["challenge"] = issuedB64()[:10] }, plain, errcode.ErrChallengeMismatch, anchorAssertion},
		{"challenge with suffix", TypeGet, func(m map[string]any) { m["challenge"] = issuedB64() + "A" }, plain, errcode.ErrChallengeMismatch, anchorAssertion},
		{"challenge with stray bits", TypeGet, func(m map[string]any) {
			s := issuedB64()
			m["challenge"] = s[:len(s)-1] + "B" // same 16 bytes to a lenient decoder
		}, plain, errcode.ErrChallengeMismatch, anchorAssertion},
		{"empty challenge", TypeCreate, func(m map[string]any) { m["challenge"] = "" }, plain, errcode.ErrChallengeMismatch, anchorRegistration},

		// origin
		{"origin not accepted, registration", TypeCreate, func(m map[string]any) { m["origin"] = "https://evil.net" }, plain, errcode.ErrOriginMismatch, anchorRegistrationOrigin},
		{"origin not accepted, assertion", TypeGet, func(m map[string]any) { m["origin"] = "https://evil.net" }, plain, errcode.ErrOriginMismatch, anchorAssertionOrigin},
		{"origin with default port", TypeGet, func(m map[string]any) { m["origin"] = "https://example.com:443" }, plain, errcode.ErrOriginMismatch, anchorAssertionOrigin},
		{"origin a subdomain not listed", TypeGet, func(m map[string]any) { m["origin"] = "https://www.example.com" }, plain, errcode.ErrOriginMismatch, anchorAssertionOrigin},

		// crossOrigin and topOrigin
		{"cross-origin refused", TypeGet, func(m map[string]any) { m["crossOrigin"] = true }, plain, errcode.ErrCrossOriginNotAllowed, anchorAssertion},
		{"cross-origin refused, registration", TypeCreate, func(m map[string]any) { m["crossOrigin"] = true }, plain, errcode.ErrCrossOriginNotAllowed, anchorRegistration},
		{"cross-origin allowed", TypeGet, func(m map[string]any) { m["crossOrigin"] = true }, framed, "", ""},
		{"top origin allowed", TypeGet, func(m map[string]any) { m["crossOrigin"], m["topOrigin"] = true, "https://partner.example" }, framed, "", ""},
		{"top origin not listed", TypeGet, func(m map[string]any) { m["crossOrigin"], m["topOrigin"] = true, "https://evil.net" }, framed, errcode.ErrCrossOriginNotAllowed, anchorAssertion},
		{"top origin where iframes are refused", TypeGet, func(m map[string]any) { m["topOrigin"] = "https://example.com" }, plain, errcode.ErrCrossOriginNotAllowed, anchorAssertion},
		{"top origin without crossOrigin", TypeGet, func(m map[string]any) { m["topOrigin"] = "https://partner.example" }, framed, errcode.ErrCrossOriginNotAllowed, anchorAssertion},
		{"top origin with crossOrigin absent", TypeGet, func(m map[string]any) { delete(m, "crossOrigin"); m["topOrigin"] = "https://partner.example" }, framed, errcode.ErrCrossOriginNotAllowed, anchorAssertion},

		// The spec's order: the first failing check is the one reported.
		{"type before challenge", TypeGet, func(m map[string]any) { m["type"], m["challenge"] = TypeCreate, "AAAA" }, plain, errcode.ErrTypeMismatch, anchorAssertion},
		{"challenge before origin", TypeGet, func(m map[string]any) { m["challenge"], m["origin"] = "AAAA", "https://evil.net" }, plain, errcode.ErrChallengeMismatch, anchorAssertion},
		{"origin before crossOrigin", TypeGet, func(m map[string]any) { m["origin"], m["crossOrigin"] = "https://evil.net", true }, plain, errcode.ErrOriginMismatch, anchorAssertionOrigin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good(tt.typ)
			if tt.change != nil {
				tt.change(m)
			}
			c, err := Parse(clientJSON(t, m))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = c.Verify(tt.typ, issued, tt.set)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.code) {
				t.Fatalf("Verify = %v, want %s", err, tt.code)
			}
			var e *errcode.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not an *errcode.Error", err)
			}
			if e.Check != tt.anchor {
				t.Errorf("Check = %q, want %q", e.Check, tt.anchor)
			}
			// No verdict repeats a challenge, the issued one or the received one.
			for _, secret := range []string{issuedB64(), issuedB64()[:10], c.Challenge} {
				if secret != "" && strings.Contains(err.Error(), secret) {
					t.Errorf("verdict %q contains a challenge", err)
				}
			}
		})
	}
}

func TestVerifyTypeMismatchValues(t *testing.T) {
	c, err := Parse(clientJSON(t, map[string]any{"type": "webauthn.get\n", "challenge": issuedB64(), "origin": "https://example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	var e *errcode.Error
	if !errors.As(c.Verify(TypeGet, issued, mustSet(t)), &e) {
		t.Fatal("accepted")
	}
	if e.Expected != TypeGet || e.Received != `webauthn.get\n` {
		t.Errorf("Expected %q, Received %q", e.Expected, e.Received)
	}
}

// Challenges longer than the stack buffer take the heap path; both must agree.
func TestVerifyLongChallenge(t *testing.T) {
	for _, n := range []int{1, 16, 32, 95, 96, 97, 200} {
		ch := make([]byte, n)
		for i := range ch {
			ch[i] = byte(i*7 + n)
		}
		enc := base64.RawURLEncoding.EncodeToString(ch)
		if !challengeMatches(enc, ch) {
			t.Errorf("%d bytes: the right challenge fails", n)
		}
		other := append([]byte(nil), ch...)
		other[n-1] ^= 1
		if challengeMatches(enc, other) {
			t.Errorf("%d bytes: a different challenge passes", n)
		}
		if challengeMatches(enc+"=", ch) || challengeMatches(enc[:len(enc)-1], ch) {
			t.Errorf("%d bytes: a longer or shorter spelling passes", n)
		}
	}
}

func TestVerifyConfigErrors(t *testing.T) {
	c, err := Parse(clientJSON(t, good(TypeGet)))
	if err != nil {
		t.Fatal(err)
	}
	set := mustSet(t)
	var nilData *ClientData
	tests := []struct {
		name      string
		data      *ClientData
		typ       string
		challenge []byte
		set       *origin.Set
		field     string
	}{
		{"unknown type", &c, "webauthn.post", issued, set, "type"},
		{"empty type", &c, "", issued, set, "type"},
		{"nil challenge", &c, TypeGet, nil, set, "challenge"},
		{"empty challenge", &c, TypeGet, []byte{}, set, "challenge"},
		{"nil set", &c, TypeGet, issued, nil, "origins"},
		{"nil client data", nilData, TypeGet, issued, set, "ClientData"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.data.Verify(tt.typ, tt.challenge, tt.set)
			var ce *errcode.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("Verify = %v, want a *errcode.ConfigError", err)
			}
			if ce.Field != tt.field {
				t.Errorf("Field = %q, want %q", ce.Field, tt.field)
			}
			if errcode.Code(err) != "" {
				t.Errorf("a configuration mistake carries code %q", errcode.Code(err))
			}
		})
	}
}
