package clientdata

import (
	"encoding/json"
	"testing"
)

// BenchmarkParseVerify runs what every ceremony runs on its client data, on
// recorded responses: a current Chrome one (flat, with Chrome's extra member)
// and an older one with a nested clientExtensions object; next to it, plain
// encoding/json on the same bytes.
func BenchmarkParseVerify(b *testing.B) {
	cases := map[string]recorded{}
	for _, c := range loadRecorded(b) {
		cases[c.Name] = c
	}
	for _, bc := range []struct{ label, name string }{
		{"chrome", "py_webauthn/auth-ml-dsa-44"},
		{"nested", "py_webauthn/auth-es256"},
	} {
		r, ok := cases[bc.name]
		if !ok {
			b.Fatalf("recorded case %s not found", bc.name)
		}
		raw, challenge, set := b64(b, r.ClientDataJSON), b64(b, r.Challenge), r.set(b)
		b.Run(bc.label+"/Parse", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := Parse(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		// The floor Parse stands on: encoding/json into plain fields, and
		// encoding/json's validation pass alone.
		b.Run(bc.label+"/plain-encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				var v struct {
					Type, Challenge, Origin, TopOrigin string
					CrossOrigin                        bool
				}
				if err := json.Unmarshal(raw, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.label+"/json.Valid", func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if !json.Valid(raw) {
					b.Fatal("not valid JSON")
				}
			}
		})
		b.Run(bc.label+"/Parse+Verify", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				c, err := Parse(raw)
				if err != nil {
					b.Fatal(err)
				}
				if err := c.Verify(r.typ(), challenge, set); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
