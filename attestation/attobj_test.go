package attestation

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// referenceObject is how the attestation object was decoded before
// parseAttestationObject: internal/cbor's strict decoder into a struct. The
// hand decoder must accept and refuse exactly what it does.
type referenceObject struct {
	Fmt      *string         `cbor:"fmt"`
	AttStmt  cbor.RawMessage `cbor:"attStmt"`
	AuthData cbor.Bytes      `cbor:"authData"`
}

// Outcomes of decoding an attestation object.
const (
	objOK      = "ok"
	objInvalid = "not a CBOR map"
	objLacks   = "lacks a member"
)

func referenceOutcome(data []byte) (referenceObject, string) {
	var obj referenceObject
	if err := cbor.Unmarshal(data, &obj); err != nil {
		return obj, objInvalid
	}
	if obj.Fmt == nil || obj.AttStmt == nil || obj.AuthData == nil {
		return obj, objLacks
	}
	return obj, objOK
}

func outcome(t testing.TB, err error) string {
	t.Helper()
	if err == nil {
		return objOK
	}
	var e *errcode.Error
	if !errors.As(err, &e) || e.Code != string(errcode.ErrMalformedAttestationObject) || e.Check != "sctn-attestation" {
		t.Fatalf("error %v is not malformed-attestation-object at sctn-attestation", err)
	}
	if strings.Contains(e.Detail, "lacks") {
		return objLacks
	}
	return objInvalid
}

// checkAgainstReference decodes data both ways and fails on any difference.
func checkAgainstReference(t testing.TB, data []byte) string {
	t.Helper()
	ref, want := referenceOutcome(data)
	obj, err := parseAttestationObject(data)
	got := outcome(t, err)
	if got != want {
		t.Fatalf("%x: %s (%v), the CBOR decoder says %s", data, got, err, want)
	}
	if got == objOK && (*obj.Fmt != *ref.Fmt || !bytes.Equal(obj.AttStmt, ref.AttStmt) || !bytes.Equal(obj.AuthData, ref.AuthData)) {
		t.Fatalf("%x: decoded (%q, %x, %x), the CBOR decoder gives (%q, %x, %x)", data,
			*obj.Fmt, obj.AttStmt, obj.AuthData, *ref.Fmt, ref.AttStmt, ref.AuthData)
	}
	return got
}

// CBOR pieces of the test cases.
const (
	hFmt      = "63666d74"         // "fmt"
	hNone     = "646e6f6e65"       // "none"
	hAttStmt  = "6761747453746d74" // "attStmt"
	hAuthData = "6861757468446174 61"
	hMembers  = hFmt + hNone + hAttStmt + "a0" + hAuthData + "4100" // fmt "none", attStmt {}, authData h'00'
)

var objectCases = []struct {
	name, hex, want string
}{
	{"three members", "a3" + hMembers, objOK},
	{"members in another order", "a3" + hAuthData + "4100" + hAttStmt + "a0" + hFmt + hNone, objOK},
	{"fmt with a long length head", "a3 7803666d74" + hNone + hAttStmt + "a0" + hAuthData + "4100", objOK},
	{"an unknown text key", "a4" + hMembers + "63466d74 00", objOK},
	{"unknown integer keys", "a5" + hMembers + "01 00 20 00", objOK},
	{"an unknown key with invalid UTF-8 in its value", "a4" + hMembers + "6161 62ff00", objOK},
	{"attStmt null", "a3" + hFmt + hNone + hAttStmt + "f6" + hAuthData + "4100", objOK},
	{"attStmt an array", "a3" + hFmt + hNone + hAttStmt + "80" + hAuthData + "4100", objOK},
	{"empty authData", "a3" + hFmt + hNone + hAttStmt + "a0" + hAuthData + "40", objOK},
	{"an unknown format", "a3" + hFmt + "63787878" + hAttStmt + "a0" + hAuthData + "4100", objOK},
	{"attStmt nested five deep", "a3" + hFmt + hNone + hAttStmt + "8181818100" + hAuthData + "4100", objOK},

	{"empty map", "a0", objLacks},
	{"null", "f6", objLacks},
	{"undefined", "f7", objLacks},
	{"fmt missing", "a2" + hAttStmt + "a0" + hAuthData + "4100", objLacks},
	{"attStmt missing", "a2" + hFmt + hNone + hAuthData + "4100", objLacks},
	{"authData missing", "a2" + hFmt + hNone + hAttStmt + "a0", objLacks},
	{"fmt null", "a3" + hFmt + "f6" + hAttStmt + "a0" + hAuthData + "4100", objLacks},
	{"fmt undefined", "a3" + hFmt + "f7" + hAttStmt + "a0" + hAuthData + "4100", objLacks},
	{"authData null", "a3" + hFmt + hNone + hAttStmt + "a0" + hAuthData + "f6", objLacks},

	{"empty", "", objInvalid},
	{"an array", "83" + hNone + "a0 4100", objInvalid},
	{"true", "f5", objInvalid},
	{"trailing byte", "a3" + hMembers + "00", objInvalid},
	{"truncated", "a3" + hFmt + hNone + hAttStmt + "a0" + hAuthData + "4200", objInvalid},
	{"duplicate fmt", "a4" + hMembers + hFmt + hNone, objInvalid},
	{"duplicate unknown text key", "a5" + hMembers + "6161 00 6161 01", objInvalid},
	{"duplicate integer key, two spellings", "a5" + hMembers + "01 00 1801 00", objInvalid},
	{"duplicate negative key", "a5" + hMembers + "20 00 3800 00", objInvalid},
	{"integer key beyond int64", "a4" + hMembers + "1bffffffffffffffff 00", objInvalid},
	{"negative key beyond int64", "a4" + hMembers + "3bffffffffffffffff 00", objInvalid},
	{"byte string key", "a4" + hMembers + "4100 00", objInvalid},
	{"boolean key", "a4" + hMembers + "f4 00", objInvalid},
	{"map key", "a4" + hMembers + "a0 00", objInvalid},
	{"float key", "a4" + hMembers + "fb0000000000000000 00", objInvalid},
	{"key not UTF-8", "a4" + hMembers + "62ff00 00", objInvalid},
	{"fmt not UTF-8", "a3" + hFmt + "62ff00" + hAttStmt + "a0" + hAuthData + "4100", objInvalid},
	{"fmt an integer", "a3" + hFmt + "01" + hAttStmt + "a0" + hAuthData + "4100", objInvalid},
	{"fmt a byte string", "a3" + hFmt + "446e6f6e65" + hAttStmt + "a0" + hAuthData + "4100", objInvalid},
	{"authData text", "a3" + hFmt + hNone + hAttStmt + "a0" + hAuthData + "6100", objInvalid},
	{"authData an array", "a3" + hFmt + hNone + hAttStmt + "a0" + hAuthData + "8100", objInvalid},
	{"authData undefined", "a3" + hFmt + hNone + hAttStmt + "a0" + hAuthData + "f7", objInvalid},
	{"tagged authData", "a3" + hFmt + hNone + hAttStmt + "a0" + hAuthData + "d840 4100", objInvalid},
	{"attStmt nested six deep", "a3" + hFmt + hNone + hAttStmt + "818181818100" + hAuthData + "4100", objInvalid},
	{"indefinite-length map", "bf" + hMembers + "ff", objInvalid},
}

func TestParseAttestationObject(t *testing.T) {
	for _, c := range objectCases {
		t.Run(c.name, func(t *testing.T) {
			data, err := hex.DecodeString(strings.ReplaceAll(c.hex, " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			if got := checkAgainstReference(t, data); got != c.want {
				t.Fatalf("%s, want %s", got, c.want)
			}
		})
	}
}

// TestAttestationObjectSlices checks that the members are the input's own
// bytes, capped so that an append to one cannot write over the next.
func TestAttestationObjectSlices(t *testing.T) {
	data, _ := hex.DecodeString(strings.ReplaceAll("a3"+hAuthData+"4100"+hAttStmt+"a0"+hFmt+hNone, " ", ""))
	obj, err := parseAttestationObject(data)
	if err != nil {
		t.Fatal(err)
	}
	if cap(obj.AuthData) != 1 || cap(obj.AttStmt) != 1 || &obj.AuthData[0] != &data[11] {
		t.Fatalf("authData cap %d, attStmt cap %d", cap(obj.AuthData), cap(obj.AttStmt))
	}
	n := testing.AllocsPerRun(20, func() { obj, err = parseAttestationObject(data) })
	if err != nil || n != 0 {
		t.Fatalf("%v allocations, error %v", n, err)
	}
}

// objectSeeds is FuzzParseAttestationObject's seed corpus: the inputs of
// objectCases.
func objectSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, c := range objectCases {
		data, err := hex.DecodeString(strings.ReplaceAll(c.hex, " ", ""))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		out = append(out, data)
	}
	return out
}

// objectVerdict is the verdict of an outcome: a refusal is always
// malformed-attestation-object (outcome checks that).
func objectVerdict(outcome string) string {
	if outcome == objOK {
		return verdictOK
	}
	return string(errcode.ErrMalformedAttestationObject)
}

// FuzzParseAttestationObject: parseAttestationObject accepts and refuses
// exactly what the strict CBOR decoder does, with the same members
// (checkAgainstReference).
func FuzzParseAttestationObject(f *testing.F) {
	for _, s := range objectSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkAgainstReference(t, data) })
}
