package attestation

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// fuzzKey derives a fixed Ed25519 key, so that corpus entries saved by one
// run still hold valid signatures in the next.
func fuzzKey(label byte) ed25519.PrivateKey {
	seed := bytes.Repeat([]byte{label}, ed25519.SeedSize)
	return ed25519.NewKeyFromSeed(seed)
}

// FuzzPackedStatement feeds arbitrary attStmt bytes to verifyPacked with one
// fixed, valid authenticator data. It must never panic, must fail only with
// the two codes a statement can earn, and must accept only statements that
// carry one of the two signatures the seeds were made with.
//
// The keys are Ed25519 on purpose: its signatures are not malleable, so the
// property "a mutated statement that verifies has the original sig" holds
// exactly (with ECDSA, (r, n-s) would be a second valid sig). The alg of an
// x5c statement may still change between EdDSA (-8) and its fully-specified
// alias Ed25519 (-19), which verify alike; self attestation compares alg
// literally, so it may not.
func FuzzPackedStatement(f *testing.F) {
	credKey := fuzzKey(1)
	leafKey := fuzzKey(2)
	caKey := fuzzKey(3)

	coseKey, err := cose.Marshal(credKey.Public(), cose.EdDSA)
	if err != nil {
		f.Fatal(err)
	}
	authData := makeAuthData(testAAGUID, []byte("fuzz"), coseKey)
	msg := signedData(authData)
	selfSig := ed25519.Sign(credKey, msg)
	x5cSig := ed25519.Sign(leafKey, msg)

	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Fuzz Root"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		f.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		f.Fatal(err)
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, packedLeafTemplate(), caCert, leafKey.Public(), caKey)
	if err != nil {
		f.Fatal(err)
	}

	f.Add(encode(f, map[string]any{"alg": int64(cose.EdDSA), "sig": selfSig}))
	f.Add(encode(f, map[string]any{"alg": int64(cose.EdDSA), "sig": x5cSig, "x5c": [][]byte{leafDER}}))
	f.Add(encode(f, map[string]any{"alg": int64(cose.EdDSA), "sig": x5cSig, "x5c": [][]byte{leafDER, caDER}}))
	f.Add([]byte{0xa0})
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, raw []byte) {
		s := newStatement(t, authData, raw)
		v, err := verifyPacked(s)
		if err != nil {
			var e *errcode.Error
			if !errors.As(err, &e) || (e.Code != string(errcode.ErrAttestationInvalid) && e.Code != string(errcode.ErrMalformedAttestationObject)) {
				t.Fatalf("error is not attestation-invalid or malformed-attestation-object: %v", err)
			}
			return
		}
		var st packedStmt
		if err := cbor.Unmarshal(raw, &st); err != nil {
			t.Fatalf("accepted a statement that does not decode: %v", err)
		}
		alg := cose.Algorithm(st.Alg)
		switch v.typ {
		case TypeSelf:
			if alg != cose.EdDSA || !bytes.Equal(st.Sig, selfSig) {
				t.Fatalf("self attestation accepted with alg %s and another sig", alg)
			}
			if len(v.trustPath) != 0 {
				t.Fatal("self attestation with a trust path")
			}
		case TypeBasic:
			if (alg != cose.EdDSA && alg != cose.Ed25519) || !bytes.Equal(st.Sig, x5cSig) {
				t.Fatalf("x5c attestation accepted with alg %s and another sig", alg)
			}
			if len(v.trustPath) == 0 || !leafKey.Public().(ed25519.PublicKey).Equal(v.trustPath[0].PublicKey) {
				t.Fatal("x5c attestation whose trust path does not start with the signing certificate")
			}
		default:
			t.Fatalf("packed yielded type %s", v.typ)
		}
	})
}

// FuzzTPMStructures feeds arbitrary bytes to the TPMT_PUBLIC and TPMS_ATTEST
// parsers: they must never panic, and a pubArea they accept must have a
// Name or a clean error.
func FuzzTPMStructures(f *testing.F) {
	ks := testKeys(f)
	f.Add(tpmPubArea(f, &ks.p256.PublicKey, tpmAlgSHA256, 0))
	f.Add(tpmPubArea(f, &ks.rsa.PublicKey, tpmAlgSHA1, 0))
	f.Add(tpmAttestFields{magic: tpmGeneratedValue, typ: tpmSTAttestCertify, extraData: make([]byte, 32), name: make([]byte, 34)}.encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := parseTPMPublic(b); err == nil {
			if _, err := p.name(); err != nil && errcode.Code(err) != string(errcode.ErrAttestationInvalid) {
				t.Fatal(err)
			}
		} else if errcode.Code(err) != string(errcode.ErrAttestationInvalid) {
			t.Fatal(err)
		}
		if _, err := parseTPMAttest(b); err != nil && errcode.Code(err) != string(errcode.ErrAttestationInvalid) {
			t.Fatal(err)
		}
	})
}

// FuzzKeyDescription feeds arbitrary bytes to the Android key description
// parser, which must never panic and must fail only with attestation-invalid.
func FuzzKeyDescription(f *testing.F) {
	good := cat(alPurpose(kmPurposeSign), alOrigin(kmOriginGenerated), alRootOfTrust())
	f.Add(keyDescriptionDER(testClientDataHash, nil, good))
	f.Add(keyDescriptionDER(testClientDataHash, alAllApplications(), good))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := parseKeyDescription(b); err != nil && errcode.Code(err) != string(errcode.ErrAttestationInvalid) {
			t.Fatal(err)
		}
	})
}

// fuzzP256 derives a fixed P-256 key, as fuzzKey does for Ed25519.
func fuzzP256(t testing.TB, label byte) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), bytes.Repeat([]byte{label}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// FuzzSafetyNetStatement feeds arbitrary attStmt bytes to verifySafetyNet
// with one fixed authenticator data and clock. It must never panic, must
// fail only with the two codes a statement can earn, and may accept only a
// response signed by the seed's certificate: nothing in attStmt lets a
// mutation bring its own key.
func FuzzSafetyNetStatement(f *testing.F) {
	credKey := fuzzKey(1)
	coseKey, err := cose.Marshal(credKey.Public(), cose.EdDSA)
	if err != nil {
		f.Fatal(err)
	}
	authData := makeAuthData(testAAGUID, []byte("fuzz"), coseKey)
	leafKey := fuzzP256(f, 5)
	in := &safetyNetInputs{alg: jose.ES256, signKey: leafKey, leafKey: leafKey.Public()}
	f.Add(in.build(f, authData))
	in = &safetyNetInputs{alg: jose.ES256, signKey: leafKey, leafKey: leafKey.Public(),
		mod: func(p map[string]any) { p["ctsProfileMatch"] = false }}
	f.Add(in.build(f, authData))
	f.Add([]byte{0xa0})

	f.Fuzz(func(t *testing.T, raw []byte) {
		v, err := verifySafetyNet(safetyNetStatement(t, authData, raw))
		if err != nil {
			if c := errcode.Code(err); c != string(errcode.ErrAttestationInvalid) && c != string(errcode.ErrMalformedAttestationObject) {
				t.Fatalf("error is not attestation-invalid or malformed-attestation-object: %v", err)
			}
			return
		}
		if v.typ != TypeBasic || len(v.trustPath) == 0 || !leafKey.PublicKey.Equal(v.trustPath[0].PublicKey) {
			t.Fatal("accepted a response not signed by the seed's certificate")
		}
	})
}

// FuzzSafetyNetPayload feeds arbitrary bytes to the payload decoder: it
// must never panic, and what it accepts has every member the procedure
// reads.
func FuzzSafetyNetPayload(f *testing.F) {
	f.Add([]byte(`{"nonce":"bm9uY2U=","timestampMs":1749501642989,"ctsProfileMatch":true,"basicIntegrity":true}`))
	f.Add([]byte(`{"nonce":null,"timestampMs":1.5,"ctsProfileMatch":"true"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parseSafetyNetPayload(body)
		if err != nil {
			if errcode.Code(err) != string(errcode.ErrAttestationInvalid) {
				t.Fatal(err)
			}
			return
		}
		if p.Nonce == nil || p.TimestampMs == nil || p.CTSProfileMatch == nil {
			t.Fatal("accepted a payload without a member the procedure reads")
		}
	})
}

// FuzzAppleNonce feeds arbitrary bytes to the nonce extension parser: it
// must never panic, and what it accepts must be exactly the DER encoding of
// the nonce it returns.
func FuzzAppleNonce(f *testing.F) {
	f.Add(appleNonceDER(make([]byte, 32)))
	f.Add(appleNonceDER(nil))
	f.Add([]byte{0x30, 0x03, 0xa1, 0x01, 0x04})
	f.Fuzz(func(t *testing.T, der []byte) {
		nonce, ok := parseAppleNonce(der)
		if ok && !bytes.Equal(appleNonceDER(nonce), der) {
			t.Fatalf("accepted %x, which is not the DER encoding of its nonce", der)
		}
	})
}

// FuzzCompoundStatement feeds arbitrary attStmt bytes to verifyCompound
// with one fixed authenticator data. It must never panic, must fail only
// with the codes a statement can earn, and what it accepts holds 2 to 3
// statements, none of them compound, each of a type its format yields.
func FuzzCompoundStatement(f *testing.F) {
	credKey := fuzzKey(1)
	coseKey, err := cose.Marshal(credKey.Public(), cose.EdDSA)
	if err != nil {
		f.Fatal(err)
	}
	authData := makeAuthData(testAAGUID, []byte("fuzz"), coseKey)
	self := encode(f, map[string]any{"alg": int64(cose.EdDSA), "sig": ed25519.Sign(credKey, signedData(authData))})
	f.Add(encode(f, []any{part("packed", self), part("none", []byte{0xa0})}))
	f.Add(encode(f, []any{part("none", []byte{0xa0}), part("none", []byte{0xa0}), part("packed", self)}))
	f.Add(encode(f, []any{part("compound", []byte{0x80}), part("none", []byte{0xa0})}))

	f.Fuzz(func(t *testing.T, raw []byte) {
		v, err := verifyCompound(newStatement(t, authData, raw))
		if err != nil {
			switch errcode.Code(err) {
			case string(errcode.ErrAttestationInvalid), string(errcode.ErrMalformedAttestationObject),
				string(errcode.ErrUnsupportedAttestationFormat):
			default:
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(v.subs) < 2 || len(v.subs) > maxCompound {
			t.Fatalf("accepted %d statements", len(v.subs))
		}
		for _, s := range v.subs {
			if s.format == "compound" || s.subs != nil {
				t.Fatal("accepted a nested compound statement")
			}
			if (s.typ == TypeNone) != (s.format == "none") {
				t.Fatalf("%s yielded %s", s.format, s.typ)
			}
		}
	})
}
