package passkey_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/passkeytest"
)

// finishSeed is one seed of FuzzFinishBody: which ceremony (even:
// registration, odd: login), the body, and the code it must end with (""
// for accepted).
type finishSeed struct {
	name  string
	which uint8
	body  []byte
	code  passkey.Sentinel
}

// finishBodySeeds registers two users on e and returns honest bodies of
// both ceremonies and one body per malformed-* code each ceremony can
// earn, each made from an honest body by breaking one layer: the JSON
// envelope, clientDataJSON, the attestation object's CBOR, the
// authenticator data, the credential key. FuzzFinishBody starts from them
// and TestFinishBodySeedsReachCodes checks that they reach those codes.
func finishBodySeeds(t testing.TB, e *env, a *passkeytest.Authenticator) []finishSeed {
	ctx := context.Background()
	sid, reg := createBody(t, e, a, newUser("ada"), nil)
	if _, err := e.rp.VerifyRegistration(ctx, sid, reg); err != nil {
		t.Fatalf("the honest registration: %v", err)
	}
	register(t, e, a, newUser("bob"))
	sid, login := getBody(t, e, a, nil)
	if _, err := e.rp.FinishLogin(ctx, sid, login); err != nil {
		t.Fatalf("the honest login: %v", err)
	}

	attObj := responseMember(t, reg, "attestationObject")
	regAD := responseMember(t, reg, "authenticatorData")
	loginAD := responseMember(t, login, "authenticatorData")
	// The credential key's x coordinate (label -2, a 32-byte string) set
	// to 0xff…: no longer a point of P-256. The attestation object and
	// the response's authenticatorData member carry the same bytes.
	badPoint := func(b []byte) []byte {
		b = bytes.Clone(b)
		i := bytes.Index(b, []byte{0x21, 0x58, 0x20})
		if i < 0 {
			t.Fatal("no x coordinate in the credential key")
		}
		copy(b[i+3:i+35], bytes.Repeat([]byte{0xff}, 32))
		return b
	}
	attBadKey := bytes.Clone(attObj)
	i := bytes.Index(attBadKey, regAD)
	if i < 0 {
		t.Fatal("authData not found in the attestation object")
	}
	copy(attBadKey[i:], badPoint(regAD))

	return []finishSeed{
		{"registration", 0, reg, ""},
		{"registration, not JSON", 0, reg[:len(reg)/2], passkey.ErrMalformedResponse},
		{"registration, clientDataJSON not JSON", 0, withResponseMember(t, reg, "clientDataJSON", []byte("{")), passkey.ErrMalformedClientData},
		{"registration, attestationObject not CBOR", 0, withResponseMember(t, reg, "attestationObject", []byte{0xff}), passkey.ErrMalformedAttestationObject},
		{"registration, authenticator data cut", 0, withResponseMember(t, withResponseMember(t, reg, "attestationObject", replaceAuthData(t, attObj, regAD, regAD[:36])), "authenticatorData", regAD[:36]),
			passkey.ErrMalformedAuthenticatorData},
		{"registration, credential key off the curve", 0, withResponseMember(t, withResponseMember(t, reg, "attestationObject", attBadKey), "authenticatorData", badPoint(regAD)),
			passkey.ErrMalformedPublicKey},
		{"login", 1, login, ""},
		{"login, not JSON", 1, login[:len(login)/2], passkey.ErrMalformedResponse},
		{"login, clientDataJSON not JSON", 1, withResponseMember(t, login, "clientDataJSON", []byte("{")), passkey.ErrMalformedClientData},
		{"login, authenticator data cut", 1, withResponseMember(t, login, "authenticatorData", loginAD[:36]), passkey.ErrMalformedAuthenticatorData},
	}
}

// responseMember decodes one base64url member of body's response.
func responseMember(t testing.TB, body []byte, name string) []byte {
	t.Helper()
	var m struct {
		Response map[string]json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := json.Unmarshal(m.Response[name], &s); err != nil {
		t.Fatalf("response.%s: %v", name, err)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("response.%s: %v", name, err)
	}
	return b
}

// withResponseMember returns body with response.name set to value.
func withResponseMember(t testing.TB, body []byte, name string, value []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	m["response"].(map[string]any)[name] = base64.RawURLEncoding.EncodeToString(value)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// replaceAuthData returns attObj with its authData byte string (old)
// replaced by ad, re-encoding the byte string's CBOR head.
func replaceAuthData(t testing.TB, attObj, old, ad []byte) []byte {
	t.Helper()
	i := bytes.Index(attObj, old)
	head := cborBytesHead(len(old))
	if i < len(head) || !bytes.Equal(attObj[i-len(head):i], head) {
		t.Fatal("authData's byte-string head not found")
	}
	out := append(bytes.Clone(attObj[:i-len(head)]), cborBytesHead(len(ad))...)
	out = append(out, ad...)
	return append(out, attObj[i+len(old):]...)
}

// cborBytesHead is the CBOR head of a byte string of n bytes (n < 65536).
func cborBytesHead(n int) []byte {
	switch {
	case n < 24:
		return []byte{0x40 | byte(n)}
	case n < 256:
		return []byte{0x58, byte(n)}
	default:
		return []byte{0x59, byte(n >> 8), byte(n)}
	}
}

// TestFinishBodySeedsReachCodes checks that FuzzFinishBody's seeds end as
// they were made to, so that its corpus starts at every malformed-* code
// that FinishRegistration and FinishLogin can return.
func TestFinishBodySeedsReachCodes(t *testing.T) {
	e := newEnv(t, func(c *passkey.Config) { c.Rand = constantRand{}; c.AcceptCounterRegression = true })
	a := newAuthenticator(t, passkeytest.Config{Seed: []byte("fuzz finish")})
	ctx := context.Background()
	reached := map[passkey.Sentinel]bool{}
	for _, s := range finishBodySeeds(t, e, a) {
		var err error
		if s.which%2 == 0 {
			_, sid, berr := e.rp.BeginRegistration(ctx, newUser("seed"))
			if berr != nil {
				t.Fatal(berr)
			}
			_, err = e.rp.VerifyRegistration(ctx, sid, s.body)
		} else {
			_, sid, berr := e.rp.BeginLogin(ctx)
			if berr != nil {
				t.Fatal(berr)
			}
			_, err = e.rp.FinishLogin(ctx, sid, s.body)
		}
		got := passkey.Sentinel(passkey.Code(err))
		if got != s.code {
			t.Errorf("%s: %v, want code %q", s.name, err, s.code)
		}
		reached[got] = true
	}
	for _, c := range []passkey.Sentinel{passkey.ErrMalformedResponse, passkey.ErrMalformedClientData,
		passkey.ErrMalformedAttestationObject, passkey.ErrMalformedAuthenticatorData, passkey.ErrMalformedPublicKey} {
		if !reached[c] {
			t.Errorf("no seed reaches %s", c)
		}
	}
}
