package credential

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"
	"unsafe"

	"github.com/gopasskey/passkey/errcode"
)

// TestParseAuthenticatorDataRejects has one case per layout rule; each
// input is valid but for the rule it breaks, so removing the rule makes its
// case parse and fail.
func TestParseAuthenticatorDataRejects(t *testing.T) {
	id := seqBytes(16)
	truncatedKey := testKey[:len(testKey)-1]
	cases := []struct {
		name  string
		data  []byte
		check string
	}{
		{"empty", nil, checkAuthenticatorData},
		{"too short (36 bytes)", buildAuthData(FlagUserPresent, 0)[:36], checkAuthenticatorData},
		{"AT, truncated AAGUID", buildAuthData(FlagAttestedCredentialData, 0, testAAGUID[:10]), checkAttestedCredData},
		{"AT, nothing after the header", buildAuthData(FlagAttestedCredentialData, 0), checkAttestedCredData},
		{"AT, truncated credentialIdLength", buildAuthData(FlagAttestedCredentialData, 0, testAAGUID, []byte{0x00}), checkAttestedCredData},
		{"AT, credentialIdLength 0", buildAuthData(FlagAttestedCredentialData, 0, testAAGUID, credIDLen(0), testKey), checkAttestedCredData},
		{"AT, credentialIdLength 1024", buildAuthData(FlagAttestedCredentialData, 0, attested(seqBytes(1024), testKey)), checkAttestedCredData},
		{"AT, credentialIdLength 65535", buildAuthData(FlagAttestedCredentialData, 0, testAAGUID, credIDLen(0xffff), seqBytes(0xffff), testKey), checkAttestedCredData},
		{"AT, truncated credential ID", buildAuthData(FlagAttestedCredentialData, 0, testAAGUID, credIDLen(16), id[:10]), checkAttestedCredData},
		{"AT, missing key", buildAuthData(FlagAttestedCredentialData, 0, attested(id, nil)), checkAttestedCredData},
		{"AT, key is an array", buildAuthData(FlagAttestedCredentialData, 0, attested(id, []byte{0x82, 0x01, 0x02})), checkAttestedCredData},
		{"AT, key is a byte string", buildAuthData(FlagAttestedCredentialData, 0, attested(id, append([]byte{0x58, 77}, testKey...))), checkAttestedCredData},
		{"AT, truncated key", buildAuthData(FlagAttestedCredentialData, 0, attested(id, truncatedKey)), checkAttestedCredData},
		{"AT, key of indefinite length", buildAuthData(FlagAttestedCredentialData, 0, attested(id, []byte{0xbf, 0x01, 0x02, 0xff})), checkAttestedCredData},
		{"AT, key nested too deep", buildAuthData(FlagAttestedCredentialData, 0, attested(id, unhex("a101a101a101a101a101a10101"))), checkAttestedCredData},
		{"AT, ED clear, trailing byte after the key", buildAuthData(FlagAttestedCredentialData, 0, attested(id, testKey), []byte{0x00}), checkAuthenticatorData},
		{"AT, ED clear, a second map after the key", buildAuthData(FlagAttestedCredentialData, 0, attested(id, testKey), []byte{0xa0}), checkAuthenticatorData},
		{"AT clear, ED clear, 38 bytes", buildAuthData(FlagUserPresent, 0, []byte{0x00}), checkAuthenticatorData},
		{"AT clear, ED clear, credential data anyway", buildAuthData(FlagUserPresent, 0, attested(id, testKey)), checkAuthenticatorData},
		{"ED, nothing follows", buildAuthData(FlagUserPresent|FlagExtensionData, 0), checkAuthenticatorData},
		{"AT and ED, nothing after the key", buildAuthData(FlagAttestedCredentialData|FlagExtensionData, 0, attested(id, testKey)), checkAuthenticatorData},
		{"ED, extensions are an array", buildAuthData(FlagExtensionData, 0, []byte{0x81, 0x01}), checkAuthenticatorData},
		{"ED, extensions are an integer", buildAuthData(FlagExtensionData, 0, []byte{0x01}), checkAuthenticatorData},
		{"ED, extensions are a text string", buildAuthData(FlagExtensionData, 0, []byte{0x61, 'a'}), checkAuthenticatorData},
		{"ED, map with an integer key", buildAuthData(FlagExtensionData, 0, []byte{0xa1, 0x01, 0x02}), checkAuthenticatorData},
		{"ED, map with a byte-string key", buildAuthData(FlagExtensionData, 0, []byte{0xa1, 0x41, 'a', 0x02}), checkAuthenticatorData},
		{"ED, second key not text", buildAuthData(FlagExtensionData, 0, []byte{0xa2, 0x61, 'a', 0x01, 0x02, 0x03}), checkAuthenticatorData},
		{"ED, repeated key", buildAuthData(FlagExtensionData, 0, []byte{0xa2, 0x61, 'a', 0x01, 0x61, 'a', 0x02}), checkAuthenticatorData},
		{"ED, key not UTF-8", buildAuthData(FlagExtensionData, 0, []byte{0xa1, 0x61, 0xff, 0x01}), checkAuthenticatorData},
		{"ED, truncated map", buildAuthData(FlagExtensionData, 0, []byte{0xa2, 0x61, 'a', 0x01}), checkAuthenticatorData},
		{"ED, map with a tag", buildAuthData(FlagExtensionData, 0, []byte{0xa1, 0x61, 'a', 0xc1, 0x01}), checkAuthenticatorData},
		{"ED, trailing byte after the extensions", buildAuthData(FlagExtensionData, 0, []byte{0xa1, 0x61, 'a', 0x01, 0x00}), checkAuthenticatorData},
		{"ED, two maps", buildAuthData(FlagExtensionData, 0, []byte{0xa0, 0xa0}), checkAuthenticatorData},
		{"AT and ED, trailing byte after the extensions", buildAuthData(FlagAttestedCredentialData|FlagExtensionData, 0, attested(id, testKey), []byte{0xa0, 0x00}), checkAuthenticatorData},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAuthenticatorData(tc.data)
			wantVerdict(t, err, errcode.ErrMalformedAuthenticatorData, tc.check)
			if !reflect.DeepEqual(a, AuthenticatorData{}) {
				t.Errorf("a failed parse returned a half-filled value: %+v", a)
			}
		})
	}
}

// TestParseAuthenticatorDataAccepts holds the boundary cases that must
// parse, and checks every field of the result.
func TestParseAuthenticatorDataAccepts(t *testing.T) {
	id1 := []byte{0x42}
	id1023 := seqBytes(1023)
	ext := []byte{0xa1, 0x6b, 'c', 'r', 'e', 'd', 'P', 'r', 'o', 't', 'e', 'c', 't', 0x02}
	cases := []struct {
		name      string
		flags     Flags
		signCount uint32
		tail      [][]byte
		want      AttestedCredentialData
		wantExt   []byte
	}{
		{name: "assertion, 37 bytes", flags: FlagUserPresent | FlagUserVerified, signCount: 7},
		{name: "no flags at all", flags: 0},
		{name: "RFU bits ignored", flags: 0x02 | 0x20 | FlagUserPresent, signCount: 1},
		{name: "every bit but AT and ED", flags: 0x3f, signCount: 0xffffffff},
		{name: "AT, credential ID of 1 byte", flags: FlagAttestedCredentialData, tail: [][]byte{attested(id1, testKey)},
			want: AttestedCredentialData{AAGUID: AAGUID(testAAGUID), CredentialID: id1, PublicKey: testKey}},
		{name: "AT, credential ID of 1023 bytes", flags: FlagAttestedCredentialData | FlagUserPresent, tail: [][]byte{attested(id1023, testKey)},
			want: AttestedCredentialData{AAGUID: AAGUID(testAAGUID), CredentialID: id1023, PublicKey: testKey}},
		{name: "AT with RFU bits", flags: FlagAttestedCredentialData | 0x22, tail: [][]byte{attested(id1, testKey)},
			want: AttestedCredentialData{AAGUID: AAGUID(testAAGUID), CredentialID: id1, PublicKey: testKey}},
		{name: "AT, empty map as key (contents are cose's concern)", flags: FlagAttestedCredentialData, tail: [][]byte{attested(id1, []byte{0xa0})},
			want: AttestedCredentialData{AAGUID: AAGUID(testAAGUID), CredentialID: id1, PublicKey: []byte{0xa0}}},
		{name: "ED, empty map", flags: FlagExtensionData, tail: [][]byte{{0xa0}}, wantExt: []byte{0xa0}},
		{name: "ED without AT", flags: FlagExtensionData | FlagUserPresent, tail: [][]byte{ext}, wantExt: ext},
		{name: "AT and ED", flags: FlagAttestedCredentialData | FlagExtensionData, tail: [][]byte{attested(id1, testKey), ext},
			want: AttestedCredentialData{AAGUID: AAGUID(testAAGUID), CredentialID: id1, PublicKey: testKey}, wantExt: ext},
		{name: "ED, nested values", flags: FlagExtensionData, tail: [][]byte{unhex("a26178a1617901616183010203")},
			wantExt: unhex("a26178a1617901616183010203")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := buildAuthData(tc.flags, tc.signCount, tc.tail...)
			a, err := ParseAuthenticatorData(data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Raw, data) || !bytes.Equal(a.RPIDHash, testRPIDHash) || a.Flags != tc.flags || a.SignCount != tc.signCount {
				t.Errorf("header: got raw %x, rpIdHash %x, flags %v, signCount %d", a.Raw, a.RPIDHash, a.Flags, a.SignCount)
			}
			if !reflect.DeepEqual(a.AttestedCredentialData, tc.want) {
				t.Errorf("attested credential data %+v, want %+v", a.AttestedCredentialData, tc.want)
			}
			if !bytes.Equal(a.Extensions, tc.wantExt) || (a.Extensions == nil) != (tc.wantExt == nil) {
				t.Errorf("extensions %x, want %x", a.Extensions, tc.wantExt)
			}
			again, err := a.MarshalBinary()
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("MarshalBinary = %x, %v; want the input", again, err)
			}
		})
	}
}

// TestParseAuthenticatorDataZeroCopy checks that every slice points into
// the input and is capped at its own length.
func TestParseAuthenticatorDataZeroCopy(t *testing.T) {
	id := seqBytes(16)
	ext := []byte{0xa1, 0x61, 'a', 0xf5}
	data := buildAuthData(FlagAttestedCredentialData|FlagExtensionData, 3, attested(id, testKey), ext)
	a, err := ParseAuthenticatorData(data)
	if err != nil {
		t.Fatal(err)
	}
	acd := a.AttestedCredentialData
	for _, s := range []struct {
		name  string
		slice []byte
		off   int
	}{
		{"Raw", a.Raw, 0},
		{"RPIDHash", a.RPIDHash, 0},
		{"CredentialID", acd.CredentialID, 55},
		{"PublicKey", acd.PublicKey, 55 + len(id)},
		{"Extensions", a.Extensions, 55 + len(id) + len(testKey)},
	} {
		if unsafe.SliceData(s.slice) != &data[s.off] {
			t.Errorf("%s does not point into the input at offset %d", s.name, s.off)
		}
		if cap(s.slice) != len(s.slice) {
			t.Errorf("%s: cap %d > len %d, so an append would overwrite the input", s.name, cap(s.slice), len(s.slice))
		}
	}
	if got := testing.AllocsPerRun(100, func() { _, _ = ParseAuthenticatorData(data) }); got != 0 {
		t.Errorf("ParseAuthenticatorData allocates %v times", got)
	}
}

// TestParseAuthenticatorDataRecorded parses real authenticator data and
// checks the fields of two samples against values read off the sources.
func TestParseAuthenticatorDataRecorded(t *testing.T) {
	for _, s := range authDataSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			a, err := ParseAuthenticatorData(s.data)
			if err != nil {
				t.Fatal(err)
			}
			again, err := a.MarshalBinary()
			if err != nil || !bytes.Equal(again, s.data) {
				t.Fatalf("MarshalBinary = %v; does not reproduce the input", err)
			}
			if _, err := a.ExtensionOutputs(); err != nil {
				t.Errorf("ExtensionOutputs: %v", err)
			}
		})
	}

	// w3c/webauthn §16 none-es256: flags 0x59 (UP, BE, BS, AT).
	a, err := ParseAuthenticatorData(sample(t, "w3c-none-es256"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Flags != FlagUserPresent|FlagBackupEligible|FlagBackupState|FlagAttestedCredentialData || a.SignCount != 0 {
		t.Errorf("flags %v, signCount %d", a.Flags, a.SignCount)
	}
	if got := a.AttestedCredentialData.AAGUID.String(); got != "8446ccb9-ab1d-b374-750b-2367ff6f3a1f" {
		t.Errorf("AAGUID %s", got)
	}
	if got := hex.EncodeToString(a.AttestedCredentialData.CredentialID); got != "f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4" {
		t.Errorf("credential ID %s", got)
	}
	if !bytes.Equal(a.AttestedCredentialData.PublicKey, testKey) {
		t.Errorf("public key %x", a.AttestedCredentialData.PublicKey)
	}

	// w3c/webauthn §16 none-es256-long-credential-id: a 1023-byte ID.
	a, err = ParseAuthenticatorData(sample(t, "w3c-none-es256-long-credential-id"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(a.AttestedCredentialData.CredentialID); n != MaxCredentialIDLen {
		t.Errorf("credential ID is %d bytes, want %d", n, MaxCredentialIDLen)
	}
}

func TestAuthenticatorDataMarshalRejects(t *testing.T) {
	valid := func() AuthenticatorData {
		return AuthenticatorData{
			RPIDHash: testRPIDHash, Flags: FlagAttestedCredentialData | FlagExtensionData,
			AttestedCredentialData: AttestedCredentialData{AAGUID: AAGUID(testAAGUID), CredentialID: seqBytes(4), PublicKey: testKey},
			Extensions:             []byte{0xa0},
		}
	}
	if _, err := func() ([]byte, error) { v := valid(); return v.MarshalBinary() }(); err != nil {
		t.Fatalf("the base value does not marshal: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(*AuthenticatorData)
	}{
		{"short RPIDHash", func(a *AuthenticatorData) { a.RPIDHash = a.RPIDHash[:31] }},
		{"no RPIDHash", func(a *AuthenticatorData) { a.RPIDHash = nil }},
		{"AT, empty credential ID", func(a *AuthenticatorData) { a.AttestedCredentialData.CredentialID = nil }},
		{"AT, 1024-byte credential ID", func(a *AuthenticatorData) { a.AttestedCredentialData.CredentialID = seqBytes(1024) }},
		{"AT, no public key", func(a *AuthenticatorData) { a.AttestedCredentialData.PublicKey = nil }},
		{"AT clear, credential data present", func(a *AuthenticatorData) { a.Flags &^= FlagAttestedCredentialData }},
		{"AT clear, only an AAGUID", func(a *AuthenticatorData) {
			a.Flags &^= FlagAttestedCredentialData
			a.AttestedCredentialData = AttestedCredentialData{AAGUID: AAGUID(testAAGUID)}
		}},
		{"ED clear, extensions present", func(a *AuthenticatorData) { a.Flags &^= FlagExtensionData }},
		{"ED set, no extensions", func(a *AuthenticatorData) { a.Extensions = nil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := valid()
			tc.mutate(&a)
			if b, err := a.MarshalBinary(); err == nil {
				t.Errorf("MarshalBinary = %x, want an error", b)
			}
			prefix := []byte("keep")
			if b, err := a.AppendBinary(prefix); err == nil || !bytes.Equal(b, prefix) {
				t.Errorf("AppendBinary = %q, %v; want the prefix unchanged and an error", b, err)
			}
		})
	}
}

func TestAuthenticatorDataAppendBinary(t *testing.T) {
	data := buildAuthData(FlagUserPresent|FlagExtensionData, 9, []byte{0xa0})
	a, err := ParseAuthenticatorData(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.AppendBinary([]byte("prefix"))
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]byte("prefix"), data...); !bytes.Equal(got, want) {
		t.Errorf("AppendBinary = %x, want %x", got, want)
	}
}

func TestParseErrorsAreVerdicts(t *testing.T) {
	_, err := ParseAuthenticatorData(make([]byte, 20))
	if !errors.Is(err, errcode.ErrMalformedAuthenticatorData) || errcode.Code(err) != "malformed-authenticator-data" {
		t.Fatalf("err = %v, code %q", err, errcode.Code(err))
	}
	var e *errcode.Error
	if !errors.As(err, &e) || e.Expected != "at least 37 bytes" || e.Received != "20 bytes" {
		t.Errorf("details: %+v", e)
	}
}
