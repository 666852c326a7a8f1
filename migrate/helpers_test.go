package migrate_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/migrate"
	"github.com/gopasskey/passkey/passkeytest"
)

// fixtureCredentialID and fixtureKey are the credential of
// testdata/gowebauthn-v0.18.2-packed-self.json.
var (
	fixtureCredentialID = mustHex("057bbb4f9e4ff67f8d06013aad8f82fbcee322108a3bf52e4c4d7001ae8cb98b")
	fixtureKey          = mustHex("a50102032620012158202c55472c8588073961a4e6ad76dcddd3bfb1f4b0b6664e7cfff25b45b72ce3b2225820b421bbec2d2835d4240f5f65fc8a7ed0994558eb9c0c0637d98e569e87b28320")
	fixtureAAGUID       = credential.AAGUID{0xea, 0x9b, 0x8d, 0x66, 0x4d, 0x01, 0x1d, 0x21, 0x3c, 0xe4, 0xb6, 0xb4, 0x8c, 0xb5, 0x75, 0xd4}
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit decodes a JSON object, lets f change it, and encodes it again.
func edit(t *testing.T, data []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sub returns the object m[key], creating it if absent.
func sub(m map[string]any, key string) map[string]any {
	if s, ok := m[key].(map[string]any); ok {
		return s
	}
	s := map[string]any{}
	m[key] = s
	return s
}

// credentialKey is the COSE_Key of a fresh passkeytest credential of alg.
func credentialKey(t *testing.T, alg int64) []byte {
	t.Helper()
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("migrate"), Algorithms: []int64{alg}})
	if err != nil {
		t.Fatal(err)
	}
	opts := `{"rp":{"id":"example.com","name":"Example"},"user":{"id":"dXNlcg","name":"ada","displayName":"Ada"},
		"challenge":"AAAAAAAAAAAAAAAAAAAAAA","pubKeyCredParams":[{"type":"public-key","alg":` + jsonInt(alg) + `}]}`
	if _, err := a.Create([]byte(opts), "https://example.com"); err != nil {
		t.Fatal(err)
	}
	return a.Credentials()[0].PublicKey
}

func jsonInt(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

var std = base64.StdEncoding

// wantErr checks that err is an import error, and, when code is not
// empty, that it carries that errcode code.
func wantErr(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatal("imported, want an error")
	}
	if !errors.Is(err, migrate.ErrMalformed) {
		t.Errorf("error %v does not wrap ErrMalformed", err)
	}
	if code != "" && errcode.Code(err) != code {
		t.Errorf("code %q, want %q (%v)", errcode.Code(err), code, err)
	}
}

// noSecrets checks that an error message does not quote the bytes it
// was about.
func noSecrets(t *testing.T, err error, secrets ...[]byte) {
	t.Helper()
	for _, s := range secrets {
		for _, form := range []string{std.EncodeToString(s), base64.RawURLEncoding.EncodeToString(s), string(s)} {
			if len(form) >= 8 && bytes.Contains([]byte(err.Error()), []byte(form)) {
				t.Errorf("error message quotes input bytes: %v", err)
			}
		}
	}
}
