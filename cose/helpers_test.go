package cose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"sync"
	"testing"

	"filippo.io/mldsa"
	"github.com/cloudflare/circl/sign/ed448"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// allAlgs are the credential algorithms ParseKey accepts.
var allAlgs = []Algorithm{
	ES256, ESP256, ES384, ESP384, ES512, ESP512,
	EdDSA, Ed25519, Ed448,
	RS256, RS384, RS512, PS256, PS384, PS512,
	MLDSA44, MLDSA65, MLDSA87,
}

// signer is a freshly generated key pair for one algorithm.
type signer struct {
	alg  Algorithm
	pub  crypto.PublicKey
	sign func(msg []byte) []byte
}

// rsaTestKey is generated once per test binary: 2048-bit generation is slow
// and every RS*/PS* test can share one key.
var rsaTestKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func hashOf(h crypto.Hash, msg []byte) []byte {
	w := h.New()
	w.Write(msg)
	return w.Sum(nil)
}

// newSigner generates a key pair for alg with independent (stdlib, circl,
// mldsa) signing code.
func newSigner(t testing.TB, alg Algorithm) signer {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	switch alg {
	case ES256, ESP256, ES384, ESP384, ES512, ESP512:
		curve := map[Algorithm]elliptic.Curve{
			ES256: elliptic.P256(), ESP256: elliptic.P256(),
			ES384: elliptic.P384(), ESP384: elliptic.P384(),
			ES512: elliptic.P521(), ESP512: elliptic.P521(),
		}[alg]
		h := map[elliptic.Curve]crypto.Hash{
			elliptic.P256(): crypto.SHA256, elliptic.P384(): crypto.SHA384, elliptic.P521(): crypto.SHA512,
		}[curve]
		priv, err := ecdsa.GenerateKey(curve, rand.Reader)
		must(err)
		return signer{alg, &priv.PublicKey, func(msg []byte) []byte {
			sig, err := ecdsa.SignASN1(rand.Reader, priv, hashOf(h, msg))
			must(err)
			return sig
		}}
	case EdDSA, Ed25519:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		must(err)
		return signer{alg, pub, func(msg []byte) []byte { return ed25519.Sign(priv, msg) }}
	case Ed448:
		pub, priv, err := ed448.GenerateKey(rand.Reader)
		must(err)
		return signer{alg, pub, func(msg []byte) []byte { return ed448.Sign(priv, msg, "") }}
	case RS256, RS384, RS512, RS1:
		h := map[Algorithm]crypto.Hash{RS256: crypto.SHA256, RS384: crypto.SHA384, RS512: crypto.SHA512, RS1: crypto.SHA1}[alg]
		priv := rsaTestKey()
		return signer{alg, &priv.PublicKey, func(msg []byte) []byte {
			sig, err := rsa.SignPKCS1v15(rand.Reader, priv, h, hashOf(h, msg))
			must(err)
			return sig
		}}
	case PS256, PS384, PS512:
		h := map[Algorithm]crypto.Hash{PS256: crypto.SHA256, PS384: crypto.SHA384, PS512: crypto.SHA512}[alg]
		priv := rsaTestKey()
		return signer{alg, &priv.PublicKey, func(msg []byte) []byte {
			sig, err := rsa.SignPSS(rand.Reader, priv, h, hashOf(h, msg), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			must(err)
			return sig
		}}
	case MLDSA44, MLDSA65, MLDSA87:
		params := map[Algorithm]mldsa.Parameters{MLDSA44: mldsa.MLDSA44(), MLDSA65: mldsa.MLDSA65(), MLDSA87: mldsa.MLDSA87()}[alg]
		priv, err := mldsa.GenerateKey(params)
		must(err)
		return signer{alg, priv.Public(), func(msg []byte) []byte {
			sig, err := priv.Sign(nil, msg, nil)
			must(err)
			return sig
		}}
	}
	t.Fatalf("no signer for %v", alg)
	return signer{}
}

// coseMap is a COSE key under construction: label → value, encoded by the
// project's CBOR encoder (an implementation independent of the reader under
// test) in canonical order.
type coseMap map[any]any

func (m coseMap) clone() coseMap {
	c := make(coseMap, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (m coseMap) encode(t testing.TB) []byte {
	t.Helper()
	b, err := cbor.Marshal(map[any]any(m))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mapOf returns the members of a valid key for alg, decoded from Marshal's
// output so the test starts from the canonical encoding.
func mapOf(t testing.TB, s signer) coseMap {
	t.Helper()
	b, err := Marshal(s.pub, s.alg)
	if err != nil {
		t.Fatalf("Marshal(%v): %v", s.alg, err)
	}
	var raw map[int64]cbor.RawMessage
	if err := cbor.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	m := coseMap{}
	for k, v := range raw {
		var x any
		switch v[0] >> 5 {
		case majorBytes:
			var bs []byte
			err = cbor.Unmarshal(v, &bs)
			x = bs
		default:
			var i int64
			err = cbor.Unmarshal(v, &i)
			x = i
		}
		if err != nil {
			t.Fatal(err)
		}
		m[int(k)] = x
	}
	return m
}

// wantCode checks that err is an *errcode.Error with code and a Check
// anchor, and that its detail mentions detail.
func wantCode(t *testing.T, err error, code errcode.Sentinel, detail string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (%q)", code, detail)
	}
	var e *errcode.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *errcode.Error", err)
	}
	if !errors.Is(err, code) {
		t.Fatalf("error %v: code %s, want %s", err, e.Code, code)
	}
	if e.Check == "" {
		t.Errorf("error %v has no Check anchor", err)
	}
	if !strings.Contains(err.Error(), detail) {
		t.Errorf("error %q does not mention %q", err, detail)
	}
}

// wantSigErr checks that err is a signature failure mentioning detail.
func wantSigErr(t *testing.T, err error, detail string) {
	t.Helper()
	if !errors.Is(err, ErrSignature) {
		t.Fatalf("error %v, want ErrSignature", err)
	}
	if errcode.Code(err) != "" {
		t.Errorf("signature error %v carries code %q, want none", err, errcode.Code(err))
	}
	if !strings.Contains(err.Error(), detail) {
		t.Errorf("error %q does not mention %q", err, detail)
	}
}
