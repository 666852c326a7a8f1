package credential

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// FuzzAuthenticatorData checks that the parser never panics, that every
// failure is a malformed-authenticator-data verdict with nothing half
// filled, and that whatever it accepts re-serialises to the same bytes.
//
// An accepted value's Raw is the input itself, not a copy: the bytes a
// signature covers.
//
// The recorded seeds are in testdata/fuzz/FuzzAuthenticatorData (sources in
// testdata/README.md); the built ones are authDataSeeds. TestFuzzSeedsReachCodes
// checks that together they reach every verdict.
func FuzzAuthenticatorData(f *testing.F) {
	for _, s := range authDataSeeds() {
		f.Add(s.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAuthenticatorData(data)
		if err != nil {
			var e *errcode.Error
			if !errors.As(err, &e) || e.Code != string(errcode.ErrMalformedAuthenticatorData) {
				t.Fatalf("error %v is not a malformed-authenticator-data verdict", err)
			}
			if !reflect.DeepEqual(a, AuthenticatorData{}) {
				t.Fatalf("failed parse returned %+v", a)
			}
			return
		}
		// Accepted input is at least 37 bytes, so both slices have a first byte.
		if len(a.Raw) != len(data) || &a.Raw[0] != &data[0] {
			t.Fatal("Raw is not the input")
		}
		out, err := a.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary of a parsed value: %v", err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("parse then serialise changed the bytes:\n in %x\nout %x", data, out)
		}
		if a.Flags.HasAttestedCredentialData() {
			n := len(a.AttestedCredentialData.CredentialID)
			if n < 1 || n > MaxCredentialIDLen || major(a.AttestedCredentialData.PublicKey[0]) != majorMap {
				t.Fatalf("accepted a credential ID of %d bytes or a key that is not a map", n)
			}
		}
		ext, err := a.ExtensionOutputs()
		if err != nil {
			t.Fatalf("ExtensionOutputs of a parsed value: %v", err)
		}
		if a.Flags.HasExtensions() != (ext != nil) {
			t.Fatalf("ED %v but outputs %v", a.Flags.HasExtensions(), ext)
		}
		_, _ = ext.CredProtect() // must not panic on any value
	})
}

// FuzzRecord checks both record decoders: whatever one accepts encodes,
// decodes to the same value, and encodes to the same bytes again, in its
// own encoding and in the other one. It also checks that the JSON scanner
// splits every object it accepts as encoding/json does.
//
// The seeds are recordSeeds, checked by TestFuzzSeedsReachCodes. The golden
// seeds are several kilobytes, so limit minimisation when
// fuzzing: go test -fuzz FuzzRecord -fuzztime 15s -fuzzminimizetime 2s
func FuzzRecord(f *testing.F) {
	for _, data := range recordSeeds(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkScannerAgrees(t, data)
		for i, enc := range recordEncodings {
			var r1 Record
			if err := enc.unmarshal(&r1, data); err != nil {
				var ve *VersionError
				if !errors.Is(err, ErrMalformedRecord) && !errors.As(err, &ve) {
					t.Fatalf("%s: error %v is neither ErrMalformedRecord nor a *VersionError", enc.name, err)
				}
				continue
			}
			for _, to := range []int{i, 1 - i} {
				other := recordEncodings[to]
				b1, err := other.marshal(&r1)
				if err != nil {
					t.Fatalf("%s → %s: encoding a decoded record: %v", enc.name, other.name, err)
				}
				var r2 Record
				if err := other.unmarshal(&r2, b1); err != nil {
					t.Fatalf("%s → %s: decoding our own encoding: %v\n%q", enc.name, other.name, err, b1)
				}
				if !reflect.DeepEqual(r1, r2) {
					t.Fatalf("%s → %s: value changed:\n%+v\n%+v", enc.name, other.name, r1, r2)
				}
				b2, err := other.marshal(&r2)
				if err != nil || !bytes.Equal(b1, b2) {
					t.Fatalf("%s → %s: encoding is not stable: %v", enc.name, other.name, err)
				}
			}
		}
	})
}
