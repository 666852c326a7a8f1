package credential

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// testRPIDHash is SHA-256("example.com"), the rpIdHash of built inputs.
var testRPIDHash = func() []byte { h := sha256.Sum256([]byte("example.com")); return h[:] }()

// testKey is a real ES256 COSE_Key (w3c/webauthn §16 none-es256), 77 bytes.
var testKey = unhex("a5010203262001215820afefa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df61" +
	"225820930a56b87a2fca66334b03458abf879717c12cc68ed73290af2e2664796b9220")

// testAAGUID is a non-zero AAGUID for built inputs.
var testAAGUID = unhex("0102030405060708090a0b0c0d0e0f10")

// buildAuthData returns rpIdHash ‖ flags ‖ signCount ‖ tail...: the
// fixed header of authenticator data followed by whatever a case needs.
func buildAuthData(flags Flags, signCount uint32, tail ...[]byte) []byte {
	b := append([]byte{}, testRPIDHash...)
	b = append(b, byte(flags))
	b = binary.BigEndian.AppendUint32(b, signCount)
	for _, t := range tail {
		b = append(b, t...)
	}
	return b
}

// credIDLen is credentialIdLength as its two big-endian bytes.
func credIDLen(n int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(n)) }

// attested is aaguid ‖ credentialIdLength ‖ credentialId ‖ key, with the
// length taken from id.
func attested(id, key []byte) []byte {
	b := append([]byte{}, testAAGUID...)
	b = append(b, credIDLen(len(id))...)
	b = append(b, id...)
	return append(b, key...)
}

// seqBytes returns n bytes 1, 2, 3, ... (mod 256).
func seqBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i + 1)
	}
	return b
}

// wantVerdict fails t unless err is an *errcode.Error with code and check.
func wantVerdict(t *testing.T, err error, code errcode.Sentinel, check string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	var e *errcode.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *errcode.Error", err, err)
	}
	if !errors.Is(err, code) && e.Code != string(code) {
		t.Errorf("code %q, want %q (%v)", e.Code, code, err)
	}
	if e.Check != check {
		t.Errorf("check %q, want %q (%v)", e.Check, check, err)
	}
}

// corpusSample is one seed of testdata/fuzz/FuzzAuthenticatorData.
type corpusSample struct {
	name string
	data []byte
}

// authDataSamples reads the recorded authenticator data of the fuzz corpus
// (sources in testdata/README.md).
func authDataSamples(t testing.TB) []corpusSample {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", "FuzzAuthenticatorData")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusSample
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		data, err := parseCorpusFile(raw)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		out = append(out, corpusSample{e.Name(), data})
	}
	if len(out) == 0 {
		t.Fatal("no corpus samples")
	}
	return out
}

// parseCorpusFile reads a one-value []byte file in the Go fuzzing corpus
// format ("go test fuzz v1" then `[]byte("...")`).
func parseCorpusFile(raw []byte) ([]byte, error) {
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return nil, errors.New("not a one-value corpus file")
	}
	lit, ok := strings.CutPrefix(lines[1], "[]byte(")
	if lit, ok = strings.CutSuffix(lit, ")"); !ok {
		return nil, errors.New("not a []byte value")
	}
	s, err := strconv.Unquote(lit)
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// sample returns the corpus sample called name.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	for _, s := range authDataSamples(t) {
		if s.name == name {
			return bytes.Clone(s.data)
		}
	}
	t.Fatalf("no corpus sample %q", name)
	return nil
}
