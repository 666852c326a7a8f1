package credential

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

func TestExtensionOutputs(t *testing.T) {
	cases := []struct {
		name string
		ext  []byte
		want ExtensionOutputs
	}{
		{"empty map", []byte{0xa0}, ExtensionOutputs{}},
		{"credProtect", unhex("a16b6372656450726f7465637402"), ExtensionOutputs{"credProtect": {0x02}}},
		{"two outputs, nested value", unhex("a26b686d61632d736563726574f56178a2616101616282f4f5"),
			ExtensionOutputs{"hmac-secret": {0xf5}, "x": unhex("a2616101616282f4f5")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := buildAuthData(FlagUserPresent|FlagExtensionData, 0, tc.ext)
			a, err := ParseAuthenticatorData(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := a.ExtensionOutputs()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ExtensionOutputs() = %x, want %x", got, tc.want)
			}
		})
	}
}

func TestExtensionOutputsRecorded(t *testing.T) {
	// py_webauthn none-ml-dsa-44 (webauthn.io): {"credProtect": 2}.
	a, err := ParseAuthenticatorData(sample(t, "py-none-ml-dsa-44"))
	if err != nil {
		t.Fatal(err)
	}
	ext, err := a.ExtensionOutputs()
	if err != nil {
		t.Fatal(err)
	}
	if level, err := ext.CredProtect(); err != nil || level != 2 || len(ext) != 1 {
		t.Errorf("outputs %x: CredProtect() = %d, %v; want 2", ext, level, err)
	}
	// SimpleWebAuthn "authenticator extension output": a devicePubKey map.
	a, err = ParseAuthenticatorData(sample(t, "swa-authenticator-extension-output"))
	if err != nil {
		t.Fatal(err)
	}
	ext, err = a.ExtensionOutputs()
	if err != nil {
		t.Fatal(err)
	}
	dpk, ok := ext["devicePubKey"]
	if !ok || len(ext) != 1 || major(dpk[0]) != majorMap || !bytes.HasSuffix(a.Raw, dpk) {
		t.Errorf("outputs %x: want one devicePubKey map at the end of the data", ext)
	}
	if level, err := ext.CredProtect(); err != nil || level != 0 {
		t.Errorf("absent credProtect: CredProtect() = %d, %v; want 0, nil", level, err)
	}
}

func TestExtensionOutputsNone(t *testing.T) {
	a, err := ParseAuthenticatorData(buildAuthData(FlagUserPresent, 0))
	if err != nil {
		t.Fatal(err)
	}
	if ext, err := a.ExtensionOutputs(); ext != nil || err != nil {
		t.Errorf("ExtensionOutputs() = %v, %v; want nil, nil", ext, err)
	}
}

// TestExtensionOutputsHandBuilt checks that a value not made by the parser
// gets the parser's checks.
func TestExtensionOutputsHandBuilt(t *testing.T) {
	for _, c := range []struct {
		name string
		ext  []byte
	}{
		{"not a map", []byte{0x01}},
		{"integer key", []byte{0xa1, 0x01, 0x01}},
		{"repeated key", []byte{0xa2, 0x61, 'a', 0x01, 0x61, 'a', 0x01}},
		{"truncated", []byte{0xa1, 0x61, 'a'}},
		{"trailing byte", []byte{0xa0, 0x00}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := AuthenticatorData{Flags: FlagExtensionData, Extensions: c.ext}
			ext, err := a.ExtensionOutputs()
			wantVerdict(t, err, errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData)
			if ext != nil {
				t.Errorf("outputs %v returned with the error", ext)
			}
		})
	}
}

func TestCredProtect(t *testing.T) {
	for _, c := range []struct {
		name  string
		value []byte
		want  uint8
		ok    bool
	}{
		{"level 1", []byte{0x01}, 1, true},
		{"level 3", []byte{0x03}, 3, true},
		{"level 0", []byte{0x00}, 0, false},
		{"level 4", []byte{0x04}, 0, false},
		{"level 258", []byte{0x19, 0x01, 0x02}, 0, false},
		{"negative", []byte{0x20}, 0, false},
		{"text", []byte{0x61, '2'}, 0, false},
		{"null", []byte{0xf6}, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ExtensionOutputs{"credProtect": c.value}.CredProtect()
			if c.ok {
				if err != nil || got != c.want {
					t.Errorf("CredProtect() = %d, %v; want %d", got, err, c.want)
				}
				return
			}
			wantVerdict(t, err, errcode.ErrExtensionInvalid, checkExtensionOutputs)
			if got != 0 {
				t.Errorf("CredProtect() = %d with an error", got)
			}
		})
	}
}
