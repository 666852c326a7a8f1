package credential

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// authDataSeed is one built seed of FuzzAuthenticatorData.
type authDataSeed struct {
	name string
	data []byte
}

// authDataSeeds are the built seeds of FuzzAuthenticatorData, beside the
// recorded ones in testdata/fuzz/FuzzAuthenticatorData: one input for each
// layout the parser accepts and one for each part of it that can be wrong.
// TestFuzzSeedsReachCodes checks them.
func authDataSeeds() []authDataSeed {
	id := seqBytes(16)
	return []authDataSeed{
		{"assertion", buildAuthData(FlagUserPresent, 1)},
		{"attested", buildAuthData(FlagAttestedCredentialData, 0, attested(id, testKey))},
		{"attested with extensions", buildAuthData(FlagAttestedCredentialData|FlagExtensionData, 0, attested(id, testKey), unhex("a16b6372656450726f7465637402"))},
		{"empty extensions, RFU bits", buildAuthData(FlagExtensionData|0x22, 0, []byte{0xa0})},
		{"too short", buildAuthData(FlagUserPresent, 1)[:MinAuthenticatorDataLen-1]},
		{"trailing byte", buildAuthData(FlagUserPresent, 1, []byte{0})},
		{"credentialIdLength 1024", buildAuthData(FlagAttestedCredentialData, 0, testAAGUID, credIDLen(1024))},
		{"key not a map", buildAuthData(FlagAttestedCredentialData, 0, attested(id, []byte{0x80}))},
		{"ED without extensions", buildAuthData(FlagExtensionData, 0)},
		{"extensions repeat a key", buildAuthData(FlagExtensionData, 0, unhex("a2616101616102"))},
	}
}

// TestFuzzSeedsReachCodes holds FuzzAuthenticatorData's seeds, built and
// recorded, to reaching acceptance and malformed-authenticator-data under
// both anchors the parser names, and FuzzRecord's to reaching, in each
// encoding, acceptance and both kinds of error the decoders return.
func TestFuzzSeedsReachCodes(t *testing.T) {
	t.Run("FuzzAuthenticatorData", func(t *testing.T) {
		seeds := authDataSeeds()
		for _, s := range authDataSamples(t) {
			seeds = append(seeds, authDataSeed(s))
		}
		type verdict struct{ code, check string }
		want := []verdict{
			{"", ""},
			{string(errcode.ErrMalformedAuthenticatorData), checkAuthenticatorData},
			{string(errcode.ErrMalformedAuthenticatorData), checkAttestedCredData},
		}
		reached := map[verdict][]string{}
		for _, s := range seeds {
			_, err := ParseAuthenticatorData(s.data)
			v := verdict{}
			if err != nil {
				var e *errcode.Error
				if !errors.As(err, &e) {
					t.Fatalf("seed %q: error %v is not an *errcode.Error", s.name, err)
				}
				v = verdict{e.Code, e.Check}
			}
			reached[v] = append(reached[v], s.name)
		}
		for _, v := range want {
			if len(reached[v]) == 0 {
				t.Errorf("no seed reaches code %q at %q", v.code, v.check)
			}
		}
		if len(reached) != len(want) {
			t.Errorf("seeds reach %d verdicts, the test names %d: %v", len(reached), len(want), reached)
		}
	})
	t.Run("FuzzRecord", func(t *testing.T) {
		seeds := recordSeeds(t)
		for _, enc := range recordEncodings {
			var ok, malformed, version int
			for _, data := range seeds {
				var r Record
				err := enc.unmarshal(&r, data)
				var ve *VersionError
				switch {
				case err == nil:
					ok++
				case errors.As(err, &ve):
					version++
				case errors.Is(err, ErrMalformedRecord):
					malformed++
				default:
					t.Errorf("%s: error %v is neither ErrMalformedRecord nor a *VersionError", enc.name, err)
				}
			}
			if ok == 0 || malformed == 0 || version == 0 {
				t.Errorf("%s: %d seeds accepted, %d malformed, %d of a newer version; want each at least once",
					enc.name, ok, malformed, version)
			}
		}
	})
}

// recordSeeds are FuzzRecord's seeds: the golden records, the minimal and
// the full record in both encodings, and records of a newer version.
func recordSeeds(t testing.TB) [][]byte {
	t.Helper()
	goldens, err := filepath.Glob(filepath.Join(goldenDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, path := range goldens {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	for _, rec := range []Record{minimalRecord(), fullRecord()} {
		for _, enc := range recordEncodings {
			data, err := enc.marshal(&rec)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, data)
		}
	}
	return append(out,
		[]byte(`{"v":1,"id":"AQID","publicKey":"pQ","alg":-7,"backupEligible":null,"createdAt":"2024-01-01T02:00:00+02:00"}`),
		// Version 2, in JSON and in CBOR ({0: 2, 1: h'010203'}).
		[]byte(`{"v":2,"id":"AQID","future":true}`),
		unhex("a200020143010203"),
	)
}
