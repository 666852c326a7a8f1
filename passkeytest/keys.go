package passkeytest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"embed"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"filippo.io/mldsa"
	"github.com/cloudflare/circl/sign/ed448"
)

// COSE algorithm identifiers (IANA "COSE Algorithms"), spelled out here
// rather than imported: this package shares no code with the verifiers.
const (
	AlgES256   int64 = -7
	AlgES384   int64 = -35
	AlgES512   int64 = -36
	AlgESP256  int64 = -9
	AlgESP384  int64 = -51
	AlgESP512  int64 = -52
	AlgEdDSA   int64 = -8
	AlgEd25519 int64 = -19
	AlgEd448   int64 = -53
	AlgRS256   int64 = -257
	AlgRS384   int64 = -258
	AlgRS512   int64 = -259
	AlgPS256   int64 = -37
	AlgPS384   int64 = -38
	AlgPS512   int64 = -39
	AlgMLDSA44 int64 = -48
	AlgMLDSA65 int64 = -49
	AlgMLDSA87 int64 = -50
)

// COSE key parameters (RFC 9052 §7, RFC 9053, RFC 8230, RFC 9964).
const (
	coseKty int64 = 1
	coseAlg int64 = 3
	// -1 is crv for EC2/OKP, n for RSA, pub for AKP; -2 x / e; -3 y.
	coseP1 int64 = -1
	coseP2 int64 = -2
	coseP3 int64 = -3

	ktyOKP int64 = 1
	ktyEC2 int64 = 2
	ktyRSA int64 = 3
	ktyAKP int64 = 7

	crvP256    int64 = 1
	crvP384    int64 = 2
	crvP521    int64 = 3
	crvEd25519 int64 = 6
	crvEd448   int64 = 7
)

type keyKind int

const (
	kindEC keyKind = iota + 1
	kindEd25519
	kindEd448
	kindRSAPKCS1
	kindRSAPSS
	kindMLDSA
)

// algSpec describes how one COSE algorithm keys and signs.
type algSpec struct {
	kind  keyKind
	curve elliptic.Curve // kindEC
	crv   int64          // kindEC, kindEd25519, kindEd448
	hash  crypto.Hash    // kindEC, kindRSA*
	ml    mldsa.Parameters
}

// algSpecs is an immutable table, built once.
var algSpecs = map[int64]algSpec{
	AlgES256:   {kind: kindEC, curve: elliptic.P256(), crv: crvP256, hash: crypto.SHA256},
	AlgESP256:  {kind: kindEC, curve: elliptic.P256(), crv: crvP256, hash: crypto.SHA256},
	AlgES384:   {kind: kindEC, curve: elliptic.P384(), crv: crvP384, hash: crypto.SHA384},
	AlgESP384:  {kind: kindEC, curve: elliptic.P384(), crv: crvP384, hash: crypto.SHA384},
	AlgES512:   {kind: kindEC, curve: elliptic.P521(), crv: crvP521, hash: crypto.SHA512},
	AlgESP512:  {kind: kindEC, curve: elliptic.P521(), crv: crvP521, hash: crypto.SHA512},
	AlgEdDSA:   {kind: kindEd25519, crv: crvEd25519},
	AlgEd25519: {kind: kindEd25519, crv: crvEd25519},
	AlgEd448:   {kind: kindEd448, crv: crvEd448},
	AlgRS256:   {kind: kindRSAPKCS1, hash: crypto.SHA256},
	AlgRS384:   {kind: kindRSAPKCS1, hash: crypto.SHA384},
	AlgRS512:   {kind: kindRSAPKCS1, hash: crypto.SHA512},
	AlgPS256:   {kind: kindRSAPSS, hash: crypto.SHA256},
	AlgPS384:   {kind: kindRSAPSS, hash: crypto.SHA384},
	AlgPS512:   {kind: kindRSAPSS, hash: crypto.SHA512},
	AlgMLDSA44: {kind: kindMLDSA, ml: mldsa.MLDSA44()},
	AlgMLDSA65: {kind: kindMLDSA, ml: mldsa.MLDSA65()},
	AlgMLDSA87: {kind: kindMLDSA, ml: mldsa.MLDSA87()},
}

// SupportedAlgorithms lists every COSE algorithm the authenticator can create
// credentials for, in no particular preference: the authenticator takes the
// first entry of the RP's pubKeyCredParams that it supports.
func SupportedAlgorithms() []int64 {
	algs := make([]int64, 0, len(algSpecs))
	for alg := range algSpecs {
		algs = append(algs, alg)
	}
	slices.Sort(algs)
	return algs
}

//go:embed keys/*.pem
var rsaKeyFiles embed.FS

const rsaPoolSize = 4

func parseRSAKey(name string) (*rsa.PrivateKey, error) {
	data, err := rsaKeyFiles.ReadFile("keys/" + name)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("passkeytest: %s holds no PEM block", name)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("passkeytest: %s: %w", name, err)
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("passkeytest: %s is not an RSA key", name)
	}
	return rk, nil
}

// rsaCredentialKey hands out the embedded TEST ONLY keys round-robin,
// starting at a seed-chosen offset: Go 1.26's rsa.GenerateKey ignores a
// caller's random source, so RSA keys cannot be derived from the seed.
// Parsed keys are cached: parsing validates the key, which costs
// milliseconds. a.mu is held.
func (a *Authenticator) rsaCredentialKey(n int) (*rsa.PrivateKey, error) {
	i := (int(a.derive(1, "rsa pool offset")[0]) + n) % rsaPoolSize
	if a.rsaKeys[i] == nil {
		key, err := parseRSAKey(fmt.Sprintf("rsa2048-credential-%d.TEST-ONLY.pem", i+1))
		if err != nil {
			return nil, err
		}
		a.rsaKeys[i] = key
	}
	return a.rsaKeys[i], nil
}

// ecKey derives an ECDSA key: a scalar in [1, n-1] from the seed, reduced
// with 128 extra bits so the bias is negligible.
func (a *Authenticator) ecKey(curve elliptic.Curve, label string, args ...any) (*ecdsa.PrivateKey, error) {
	n := curve.Params().N
	size := (n.BitLen() + 7) / 8
	k := new(big.Int).SetBytes(a.derive(size+16, label, args...))
	one := big.NewInt(1)
	k.Mod(k, new(big.Int).Sub(n, one)).Add(k, one)
	return ecdsa.ParseRawPrivateKey(curve, k.FillBytes(make([]byte, size)))
}

// newKey derives the private key for alg. rsaIndex picks the pool key for
// RSA algorithms.
func (a *Authenticator) newKey(alg int64, label string, rsaIndex int) (crypto.Signer, error) {
	spec, ok := algSpecs[alg]
	if !ok {
		return nil, fmt.Errorf("passkeytest: unsupported algorithm %d", alg)
	}
	switch spec.kind {
	case kindEC:
		return a.ecKey(spec.curve, "%s ec", label)
	case kindEd25519:
		return ed25519.NewKeyFromSeed(a.derive(ed25519.SeedSize, "%s ed25519", label)), nil
	case kindEd448:
		return ed448.NewKeyFromSeed(a.derive(ed448.SeedSize, "%s ed448", label)), nil
	case kindRSAPKCS1, kindRSAPSS:
		return a.rsaCredentialKey(rsaIndex)
	case kindMLDSA:
		return mldsa.NewPrivateKey(spec.ml, a.derive(mldsa.PrivateKeySize, "%s %s", label, spec.ml))
	}
	return nil, fmt.Errorf("passkeytest: unsupported algorithm %d", alg)
}

// coseKey returns the COSE_Key map of the public half of signer, as an
// authenticator puts it in attested credential data.
func coseKey(alg int64, signer crypto.Signer) (map[int64]any, error) {
	spec := algSpecs[alg]
	switch spec.kind {
	case kindEC:
		priv, ok := signer.(*ecdsa.PrivateKey)
		if !ok {
			break
		}
		point, err := priv.PublicKey.Bytes()
		if err != nil {
			return nil, err
		}
		size := (len(point) - 1) / 2
		return map[int64]any{coseKty: ktyEC2, coseAlg: alg, coseP1: spec.crv,
			coseP2: point[1 : 1+size], coseP3: point[1+size:]}, nil
	case kindEd25519:
		pub, ok := signer.Public().(ed25519.PublicKey)
		if !ok {
			break
		}
		return map[int64]any{coseKty: ktyOKP, coseAlg: alg, coseP1: spec.crv, coseP2: []byte(pub)}, nil
	case kindEd448:
		pub, ok := signer.Public().(ed448.PublicKey)
		if !ok {
			break
		}
		return map[int64]any{coseKty: ktyOKP, coseAlg: alg, coseP1: spec.crv, coseP2: []byte(pub)}, nil
	case kindRSAPKCS1, kindRSAPSS:
		pub, ok := signer.Public().(*rsa.PublicKey)
		if !ok {
			break
		}
		e := big.NewInt(int64(pub.E)).Bytes()
		return map[int64]any{coseKty: ktyRSA, coseAlg: alg, coseP1: pub.N.Bytes(), coseP2: e}, nil
	case kindMLDSA:
		pub, ok := signer.Public().(*mldsa.PublicKey)
		if !ok {
			break
		}
		return map[int64]any{coseKty: ktyAKP, coseAlg: alg, coseP1: pub.Bytes()}, nil
	}
	return nil, fmt.Errorf("passkeytest: key %T does not fit algorithm %d", signer, alg)
}

// spki is the DER SubjectPublicKeyInfo a browser returns from
// getPublicKey(), or nil for algorithms browsers cannot convert (ML-DSA,
// Ed448), which toJSON() then omits.
func spki(alg int64, signer crypto.Signer) ([]byte, error) {
	switch algSpecs[alg].kind {
	case kindEC, kindEd25519, kindRSAPKCS1, kindRSAPSS:
		return x509.MarshalPKIXPublicKey(signer.Public())
	}
	return nil, nil
}

func hashOf(h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		return d[:]
	default:
		d := sha512.Sum512(msg)
		return d[:]
	}
}

// sign produces the WebAuthn signature encoding for alg
// (#sctn-signature-attestation-types): DER Ecdsa-Sig-Value for ECDSA, raw
// bytes for EdDSA, RSA and ML-DSA. Every algorithm signs deterministically:
// ECDSA per RFC 6979 (ecdsa.PrivateKey.Sign with a nil reader), PSS with a
// salt derived from the seed and the digest, ML-DSA in its deterministic
// variant.
func (a *Authenticator) sign(alg int64, signer crypto.Signer, msg []byte) ([]byte, error) {
	spec, ok := algSpecs[alg]
	if !ok {
		return nil, fmt.Errorf("passkeytest: unsupported algorithm %d", alg)
	}
	switch spec.kind {
	case kindEC:
		priv, ok := signer.(*ecdsa.PrivateKey)
		if !ok {
			break
		}
		return priv.Sign(nil, hashOf(spec.hash, msg), spec.hash)
	case kindEd25519:
		priv, ok := signer.(ed25519.PrivateKey)
		if !ok {
			break
		}
		return ed25519.Sign(priv, msg), nil
	case kindEd448:
		priv, ok := signer.(ed448.PrivateKey)
		if !ok {
			break
		}
		return ed448.Sign(priv, msg, ""), nil
	case kindRSAPKCS1:
		priv, ok := signer.(*rsa.PrivateKey)
		if !ok {
			break
		}
		return rsa.SignPKCS1v15(nil, priv, spec.hash, hashOf(spec.hash, msg))
	case kindRSAPSS:
		priv, ok := signer.(*rsa.PrivateKey)
		if !ok {
			break
		}
		digest := hashOf(spec.hash, msg)
		// crypto/rsa (Go 1.26) reads exactly the salt from the reader it is
		// given, so a seeded reader makes PSS deterministic too.
		salt := bytes.NewReader(a.derive(spec.hash.Size(), "pss salt %x", digest))
		return rsa.SignPSS(salt, priv, spec.hash, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case kindMLDSA:
		priv, ok := signer.(*mldsa.PrivateKey)
		if !ok {
			break
		}
		// Pure ML-DSA over the message, empty context.
		return priv.SignDeterministic(msg, nil)
	}
	return nil, errors.New("passkeytest: signing key does not fit its algorithm")
}
