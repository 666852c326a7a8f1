package credential

import (
	"bytes"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
)

// update rewrites the golden records from goldenRecords; check the diff in.
var update = flag.Bool("update", false, "rewrite testdata/records/v1 from the Go values in golden_test.go")

const goldenDir = "testdata/records/v1"

// goldenRecords are the values the files in testdata/records/v1 must decode
// to, forever: one per attestation format, plus a U2F credential imported
// without BE. Credential IDs, keys, AAGUIDs, counters and trust paths come
// from recorded registrations (see testdata/README.md); the other fields
// are made up to exercise every field and value kind.
func goldenRecords(t testing.TB) []struct {
	name string
	rec  Record
} {
	return []struct {
		name string
		rec  Record
	}{
		{"none", Record{
			// w3c/webauthn §16 none-es256: BE and BS set, UV clear.
			ID: unhex("f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4"),
			PublicKey: unhex("a5010203262001215820afefa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df61225820930a56" +
				"b87a2fca66334b03458abf879717c12cc68ed73290af2e2664796b9220"),
			Alg:                     cose.ES256,
			BackupEligible:          True,
			BackupState:             true,
			Transports:              []string{"hybrid", "internal"},
			AAGUID:                  mustAAGUID(t, "8446ccb9-ab1d-b374-750b-2367ff6f3a1f"),
			RPID:                    "example.org",
			AttestationFormat:       "none",
			AttestationType:         "none",
			Discoverable:            True,
			AuthenticatorAttachment: "platform",
			UserHandle:              unhex("5c3a9e0f6d1b47e2a8f04c9d2b7e6a13"),
			Name:                    "Ada’s phone",
			CreatedAt:               time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC),
			LastUsedAt:              time.Date(2025, 6, 1, 8, 0, 0, 123456789, time.UTC),
		}},
		{"packed", Record{
			// go-webauthn packed-x5c-feitian-biopass: full x5c chain, counter 10338.
			ID: unhex("8547fb588dc8666a0b3b36211c57bb53e75fe100f5ee5401322f624becf7756165afbf4c5cea1347c749cdbfd8eec02c" +
				"b4706b702d67bfca4eafa685cf9d0aeb98ee6175adf24dba6cabbe1eee02ba53e8e776c84ad2789293abd8396be99e03"),
			PublicKey: unhex("a50102032620012158200f511efa637d6a1637f226ede6301b563c900efbb3b407f6e7fd4de3e49d3de622582027cb4d" +
				"b0cacf3eb7b0b2da9feb922d00b3310488b8554a132191320245cde94d"),
			Alg:                     cose.ES256,
			SignCount:               10338,
			UVInitialized:           true,
			BackupEligible:          False,
			Transports:              []string{"usb"},
			AAGUID:                  mustAAGUID(t, "42383245-4437-3343-3846-423445354132"),
			RPID:                    "localhost",
			AttestationFormat:       "packed",
			AttestationType:         "basic",
			TrustPath:               pemChain(t, "packed"),
			Discoverable:            False,
			CredProtect:             2,
			AuthenticatorAttachment: "cross-platform",
			UserHandle:              unhex("0b8e44f1c2d3a5968778695a4b3c2d1e0f"),
			Name:                    "FT BioPass",
			CreatedAt:               time.Date(2024, 11, 2, 9, 30, 0, 0, time.UTC),
			LastUsedAt:              time.Date(2025, 1, 17, 18, 45, 12, 500000000, time.UTC),
		}},
		{"fido-u2f", Record{
			// py_webauthn fido-u2f-yubikey-firefox: zero AAGUID, one certificate.
			ID: unhex("96b8ea6cf74b6d65d3276b0522b7a46bd696776103f920f1fd50200408785e60898230a3b9d123a22e36a4641dfbf062" +
				"ea734f4374fbfb138482dcb62379bb73"),
			PublicKey: unhex("a5010203262001215820e9426530ac69e7de693e4f6ec0e9ac302f81c91bad8f963f07cfe94bd0a96dba225820bc0522" +
				"ee3c88407c3afea6100aad0b19f79903a8686206e1e89d896c8b460d39"),
			Alg:                     cose.ES256,
			BackupEligible:          False,
			Transports:              []string{"nfc", "usb"},
			RPID:                    "localhost",
			AttestationFormat:       "fido-u2f",
			AttestationType:         "basic",
			TrustPath:               pemChain(t, "fido-u2f"),
			Discoverable:            False,
			AuthenticatorAttachment: "cross-platform",
			UserHandle:              unhex("a1b2c3d4"),
			Name:                    "YubiKey",
			CreatedAt:               time.Date(2023, 5, 4, 12, 0, 0, 0, time.UTC),
		}},
		{"tpm", Record{
			// py_webauthn tpm-surface-pro-4: an RS256 key, AIK certificate chain.
			ID: unhex("d8efd349b1d74b7289c31e6ec1a8dca9b2b058205e1e33810975dbeefacf7d45"),
			PublicKey: unhex("a401030339010020590100b4d20c0cf92d02ad8bd933376b1a6345908533003808533ca53815602d7bc062f558dc4f94" +
				"86f61814ffde016e15cf88ece87e81c3d3bf678289e6bb7bff57ff23492103b18af6969a80a5586af82b9a017226bc5c" +
				"ae1d552c86c37127556b73e54b2f14537701fa459d81fc4a576280631bc4f3c31f649f22fdce5b387ae0eaeb1881d38f" +
				"63abfa848d84305c8f531b3e2352b191d0a6f62652eec53618542522a5a2336996b0a67b82c84014b0543c4eb2d2ce5a" +
				"325e6706d237585cd84059011ac9018faf649896066e7445c78988a5a6eb5655dfa9e3e09e602ca6c203c5c57708765a" +
				"7c084bd944a2b740b25e46b2a2280eaee4a6a9d3e04931523b41d72143010001"),
			Alg:                     cose.RS256,
			UVInitialized:           true,
			BackupEligible:          False,
			Transports:              []string{"internal"},
			AAGUID:                  mustAAGUID(t, "08987058-cadc-4b81-b6e1-30de50dcbe96"),
			RPID:                    "webauthntest.azurewebsites.net",
			AttestationFormat:       "tpm",
			AttestationType:         "attca",
			TrustPath:               pemChain(t, "tpm"),
			Discoverable:            True,
			AuthenticatorAttachment: "platform",
			UserHandle:              unhex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
			Name:                    "Windows Hello",
			CreatedAt:               time.Date(2019, 2, 28, 23, 59, 59, 0, time.UTC),
			LastUsedAt:              time.Date(2024, 2, 29, 0, 0, 1, 0, time.UTC),
		}},
		{"android-key", Record{
			// py_webauthn android-key-pixel8a: five certificates, credProps rk false.
			ID: unhex("01835ee0204a73c1f7d05b806fcb9a86de896c441f6d20674b4497ec1e8c160f287c8f76a11e6585e44324283063e26a" +
				"07f41226d7b376131b7fc5b3b7f2dae4dd"),
			PublicKey: unhex("a5010203262001215820d7562dfe9feac1b2b3f70383e3f4ff1ee8f361dde35d0b7f0f685882672316752258204540e8" +
				"f6c4ebdf393d25030dc9e4dca9e7a7273ae89fc714ebbf81ebaa896b40"),
			Alg:                     cose.ES256,
			UVInitialized:           true,
			BackupEligible:          False,
			Transports:              []string{"hybrid", "internal"},
			AAGUID:                  mustAAGUID(t, "b93fd961-f2e6-462f-b122-82002247de78"),
			RPID:                    "localhost",
			AttestationFormat:       "android-key",
			AttestationType:         "basic",
			TrustPath:               pemChain(t, "android-key"),
			Discoverable:            False,
			AuthenticatorAttachment: "platform",
			UserHandle:              unhex("7a9f"),
			Name:                    "Pixel 8a",
			CreatedAt:               time.Date(2025, 1, 8, 10, 11, 12, 0, time.UTC),
		}},
		{"android-safetynet", Record{
			// SimpleWebAuthn "should enforce CTS check by default": the
			// certificates of the JWS header; a legacy transport string kept.
			ID: unhex("012fd30a13edc24aa03f00f1924177f728df68f26d2a2c0c18863af4457bb9d1b6c5a3fc8589e326c3d2ed53e7500db1" +
				"69465cedd1e8b795b06114686afbbb022b"),
			PublicKey: unhex("a5010203262001215820da70a107c45ef9a3aa52da9b103503e81135f32bece5e8b167980e0393b7435e225820dfe814" +
				"a3320080ce759a54342cc71ecf771245bd1c04aaa52a0380fb12635059"),
			Alg:               cose.ES256,
			UVInitialized:     true,
			BackupEligible:    False,
			Transports:        []string{"internal", "cable"},
			AAGUID:            mustAAGUID(t, "b93fd961-f2e6-462f-b122-82002247de78"),
			RPID:              "authress.io",
			AttestationFormat: "android-safetynet",
			AttestationType:   "basic",
			TrustPath:         pemChain(t, "android-safetynet"),
			UserHandle:        unhex("f00dfeed"),
			Name:              "Android phone",
			CreatedAt:         time.Date(2025, 6, 9, 20, 40, 42, 989000000, time.UTC),
		}},
		{"apple", Record{
			// py_webauthn apple-passkey: anonymous attestation.
			ID: unhex("d3286c286fe00b3ca722035bbd75a4a8928bf147"),
			PublicKey: unhex("a5010203262001215820d124b0e9ff8192723c9ee2fa4f8170d373e03286cf880aeec7008a14cdea64722258204963e0" +
				"5bb8c44a9f980ded12aa8a33795cf81d31e74116ced6f1f4c5eb0c358f"),
			Alg:                     cose.ES256,
			UVInitialized:           true,
			BackupEligible:          False,
			Transports:              []string{"internal"},
			AAGUID:                  mustAAGUID(t, "f24a8e70-d0d3-f82c-2937-32523cc4de5a"),
			RPID:                    "dev2.dontneeda.pw",
			AttestationFormat:       "apple",
			AttestationType:         "anonca",
			TrustPath:               pemChain(t, "apple"),
			Discoverable:            True,
			AuthenticatorAttachment: "platform",
			UserHandle:              unhex("6164612d6c6f76656c616365"),
			Name:                    "MacBook Touch ID",
			CreatedAt:               time.Date(2021, 9, 1, 0, 0, 0, 0, time.UTC),
			LastUsedAt:              time.Date(2021, 9, 2, 7, 30, 0, 0, time.UTC),
		}},
		{"imported-u2f", Record{
			// A U2F credential migrated from a legacy database: BE never
			// recorded (Unknown), AppID set, no attestation kept. Key and key
			// handle from go-webauthn fido-u2f-yubico-localhost.
			ID: unhex("ee726cb6daf874b4ac9ab5a76870777aca49d2e6bdaec276c2cfbddc115c34e3fae20fecff8c0b143be496b358720d01" +
				"08de9d7548c92f10df0d206b78a40b03"),
			PublicKey: unhex("a501020326200121582050e028e71aac2683df256b14e7487b7364bbfe594fd0ac0623abc99048f5378f225820364cc4" +
				"9e05f849f381f23104208c9bc1880e899c7034721c52966b99793f5782"),
			Alg:          cose.ES256,
			SignCount:    4711,
			RPID:         "example.com",
			Discoverable: False,
			AppID:        "https://example.com/u2f/app-id.json",
			UserHandle:   unhex("000000000000002a"),
			Name:         "Legacy security key",
			CreatedAt:    time.Date(2016, 7, 1, 12, 0, 0, 0, time.UTC),
		}},
	}
}

func TestGoldenRecords(t *testing.T) {
	for _, g := range goldenRecords(t) {
		t.Run(g.name, func(t *testing.T) {
			for _, enc := range recordEncodings {
				path := filepath.Join(goldenDir, g.name+enc.ext)
				got, err := enc.marshal(&g.rec)
				if err != nil {
					t.Fatalf("%s: encode: %v", enc.name, err)
				}
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				golden, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				var dec Record
				if err := enc.unmarshal(&dec, golden); err != nil {
					t.Fatalf("%s: decode %s: %v", enc.name, path, err)
				}
				if !reflect.DeepEqual(dec, g.rec) {
					t.Errorf("%s: %s decodes to\n%+v\nwant\n%+v", enc.name, path, dec, g.rec)
				}
				if !bytes.Equal(got, golden) {
					t.Errorf("%s: re-encoding differs from %s", enc.name, path)
				}
			}
		})
	}
}

// TestGoldenCoverage keeps the golden set honest: together the records set
// every field, every tri-state value and every attestation format.
func TestGoldenCoverage(t *testing.T) {
	goldens := goldenRecords(t)
	for i := range recordFields {
		f := &recordFields[i]
		set := false
		for _, g := range goldens {
			set = set || !f.isZero(&g.rec)
		}
		if !set {
			t.Errorf("no golden record sets %s", f.name)
		}
	}
	formats := map[string]bool{}
	tristates := map[Tristate]bool{}
	for _, g := range goldens {
		formats[g.rec.AttestationFormat] = true
		tristates[g.rec.BackupEligible] = true
		tristates[g.rec.Discoverable] = true
	}
	for _, f := range []string{"none", "packed", "fido-u2f", "tpm", "android-key", "android-safetynet", "apple"} {
		if !formats[f] {
			t.Errorf("no golden record for format %q", f)
		}
	}
	for _, v := range []Tristate{Unknown, False, True} {
		if !tristates[v] {
			t.Errorf("no golden record holds the tri-state %v", v)
		}
	}
}

// recordEncodings runs a test over both record encodings.
var recordEncodings = []struct {
	name, ext string
	marshal   func(*Record) ([]byte, error)
	unmarshal func(*Record, []byte) error
}{
	{"cbor", ".cbor", func(r *Record) ([]byte, error) { return r.MarshalBinary() }, (*Record).UnmarshalBinary},
	{"json", ".json", func(r *Record) ([]byte, error) { return r.MarshalJSON() }, (*Record).UnmarshalJSON},
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err) // test literals only
	}
	return b
}

func mustAAGUID(t testing.TB, s string) AAGUID {
	t.Helper()
	a, err := ParseAAGUID(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// pemChain reads testdata/records/certs/name.pem: DER certificates, leaf first.
func pemChain(t testing.TB, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "records", "certs", name+".pem"))
	if err != nil {
		t.Fatal(err)
	}
	var chain [][]byte
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		chain = append(chain, block.Bytes)
	}
	if len(chain) == 0 {
		t.Fatalf("%s.pem holds no certificate", name)
	}
	return chain
}
