package passkeytest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// TestCBOREncoderMatchesCTAP2Canonical cross-checks the package's own CBOR
// encoder against fxamacker's CTAP2 canonical mode, value by value.
func TestCBOREncoderMatchesCTAP2Canonical(t *testing.T) {
	em, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]any{
		"small ints":       []any{0, 23, 24, 255, 256, 65535, 65536, int64(1) << 32, -1, -24, -25, -256, -257, int64(-1) << 40},
		"strings":          []any{"", "fmt", string(bytes.Repeat([]byte("x"), 300))},
		"bytes":            []any{[]byte{}, []byte{1, 2, 3}, bytes.Repeat([]byte{7}, 70000)},
		"simple":           []any{true, false, nil},
		"COSE key":         map[int64]any{1: 2, 3: -7, -1: 1, -2: []byte{1}, -3: []byte{2}},
		"text-keyed map":   map[string]any{"fmt": "packed", "attStmt": map[string]any{"sig": []byte{1}, "alg": -7, "x5c": [][]byte{{1}, {2}}}, "authData": []byte{3}},
		"length-first key": map[string]any{"bb": 1, "a": 2, "ccc": 3, "b": 4},
		"nested":           []any{[]string{"a", "b"}, map[int64]any{-100: 1, 100: 2, 0: 3}},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			ours, err := encodeCBOR(v)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := em.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ours, theirs) {
				t.Fatalf("\n ours %x\ntheirs %x", ours, theirs)
			}
		})
	}
	if _, err := encodeCBOR(3.5); err == nil {
		t.Fatal("encoded an unsupported type")
	}
	raw, err := encodeCBOR(map[string]any{"x": RawCBOR{0xff}})
	if err != nil || !bytes.Equal(raw, []byte{0xa1, 0x61, 'x', 0xff}) {
		t.Fatalf("RawCBOR not copied verbatim: %x", raw)
	}
}

// TestCCDString checks #clientdatajson-serialization's string rules against
// encoding/json's reading of the output.
func TestCCDString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "\x00\x1f\x7f", "<>&", "\u2028é😀", "\xff"} {
		out := ccdString(s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q serialized as %s: %v", s, out, err)
		}
		want := string([]rune(s)) // invalid UTF-8 reads as U+FFFD
		if back != want {
			t.Fatalf("%q round-trips as %q", s, back)
		}
		if bytes.Contains(out, []byte(`\u003c`)) || bytes.Contains(out, []byte(`\u2028`)) {
			t.Fatalf("%q over-escaped: %s", s, out)
		}
	}
	if got := string(ccdString("\x01")); got != `"\u0001"` {
		t.Fatalf("control character as %s, want lower-case \\u form", got)
	}
}

func TestDeriveLongOutputs(t *testing.T) {
	a := &Authenticator{seed: []byte("s")}
	long := a.derive(65535, "long")
	if len(long) != 65535 || !bytes.Equal(long[:100], a.derive(100, "long")) {
		t.Fatal("long derivation is not an extension of the short one")
	}
	if bytes.Equal(long[:hkdfMax], long[hkdfMax:2*hkdfMax]) {
		t.Fatal("blocks repeat")
	}
}

// TestPRFValue recomputes a PRF result from the credential's secret by the
// #prf-extension formula: HMAC-SHA-256(CredRandom, SHA-256("WebAuthn PRF" ‖ 0x00 ‖ input)).
func TestPRFValue(t *testing.T) {
	a, err := New(Config{Seed: []byte("prf")})
	if err != nil {
		t.Fatal(err)
	}
	opts := `{"rp":{"name":"x"},"user":{"id":"AQ","name":"a","displayName":"A"},"challenge":"AA",
		"pubKeyCredParams":[{"type":"public-key","alg":-7}],"extensions":{"prf":{"eval":{"first":"aW5wdXQ"}}}}`
	body, err := a.Create([]byte(opts), "https://example.com")
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		ClientExtensionResults struct {
			PRF struct {
				Results struct{ First string }
			}
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	salt := sha256.Sum256([]byte("WebAuthn PRF\x00input"))
	mac := hmac.New(sha256.New, a.creds[0].prf[32:]) // registered with UV
	mac.Write(salt[:])
	if want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil)); resp.ClientExtensionResults.PRF.Results.First != want {
		t.Fatalf("prf.results.first %s, want %s", resp.ClientExtensionResults.PRF.Results.First, want)
	}
}
