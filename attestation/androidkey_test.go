package attestation

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// derTagged encodes [n] EXPLICIT inner as DER, in the high-tag-number form
// for n ≥ 31, written independently of readExplicitTag.
func derTagged(n int, inner []byte) []byte {
	var id []byte
	if n < 31 {
		id = []byte{0xa0 | byte(n)}
	} else {
		var num []byte
		for v := n; v > 0; v >>= 7 {
			num = append([]byte{byte(v & 0x7f)}, num...)
		}
		for i := 0; i < len(num)-1; i++ {
			num[i] |= 0x80
		}
		id = append([]byte{0xbf}, num...)
	}
	return append(append(id, derLength(len(inner))...), inner...)
}

func derLength(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n < 0x100:
		return []byte{0x81, byte(n)}
	default:
		return []byte{0x82, byte(n >> 8), byte(n)}
	}
}

func derInt(v int64) []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1Int64(v)
	return b.BytesOrPanic()
}

func derSetOfInts(vs ...int64) []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, v := range vs {
			b.AddASN1Int64(v)
		}
	})
	return b.BytesOrPanic()
}

var derNull = []byte{0x05, 0x00}

// Elements of an AuthorizationList.
func alPurpose(vs ...int64) []byte { return derTagged(kmTagPurpose, derSetOfInts(vs...)) }
func alOrigin(v int64) []byte      { return derTagged(kmTagOrigin, derInt(v)) }
func alAllApplications() []byte    { return derTagged(kmTagAllApplications, derNull) }
func alKeySize(v int64) []byte     { return derTagged(3, derInt(v)) }

// alRootOfTrust is [704], a tag the procedure does not read, holding a
// SEQUENCE as the real one does.
func alRootOfTrust() []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1OctetString(make([]byte, 32))
		b.AddASN1Boolean(true)
		b.AddASN1Enum(0)
	})
	return derTagged(704, b.BytesOrPanic())
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// keyDescriptionDER encodes a KeyDescription (attestation version 200,
// TEE) with the two authorization lists' element bytes.
func keyDescriptionDER(challenge, sw, tee []byte) []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(200)
		b.AddASN1Enum(1)
		b.AddASN1Int64(200)
		b.AddASN1Enum(1)
		b.AddASN1OctetString(challenge)
		b.AddASN1OctetString(nil)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(sw) })
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(tee) })
	})
	return b.BytesOrPanic()
}

// androidInputs is one android-key statement in the making.
type androidInputs struct {
	alg      cose.Algorithm
	certKey  crypto.PublicKey // the attested key; the credential key by default
	sw, tee  []byte
	kd       []byte // the extension value; built from sw and tee when nil
	noKD     bool
	sigKey   crypto.Signer
	sig      []byte
	x5c      [][]byte
	extraKey map[string]any
}

func (in *androidInputs) build(t testing.TB, authData []byte) []byte {
	t.Helper()
	if in.kd == nil {
		in.kd = keyDescriptionDER(testClientDataHash, in.sw, in.tee)
	}
	if in.x5c == nil {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(30),
			Subject:      pkix.Name{CommonName: "Android Keystore Key"},
			NotBefore:    time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter:     time.Date(2048, 1, 1, 0, 0, 0, 0, time.UTC),
			KeyUsage:     x509.KeyUsageDigitalSignature,
		}
		if !in.noKD {
			tmpl.ExtraExtensions = []pkix.Extension{{Id: oidAndroidKeyDescription, Value: in.kd}}
		}
		ca := newTestCA(t)
		in.x5c = [][]byte{ca.issue(t, tmpl, in.certKey), ca.cert.Raw}
	}
	if in.sig == nil {
		in.sig = signWith(t, in.sigKey, in.alg, signedData(authData))
	}
	m := map[string]any{"alg": int64(in.alg), "sig": in.sig, "x5c": in.x5c}
	for k, v := range in.extraKey {
		m[k] = v
	}
	return encode(t, m)
}

func defaultAndroidInputs(signer crypto.Signer, alg cose.Algorithm) *androidInputs {
	return &androidInputs{
		alg: alg, certKey: signer.Public(), sigKey: signer,
		sw:  cat(derTagged(701, derInt(1700000000000))),
		tee: cat(alPurpose(kmPurposeSign), alKeySize(256), alOrigin(kmOriginGenerated), alRootOfTrust()),
	}
}

func TestVerifyAndroidKey(t *testing.T) {
	ks := testKeys(t)
	cases := []struct {
		name     string
		signer   crypto.Signer
		alg      cose.Algorithm
		mod      func(*androidInputs)
		software bool
	}{
		{name: "ES256", signer: ks.p256, alg: cose.ES256},
		{name: "RS256", signer: ks.rsa, alg: cose.RS256},
		{name: "purpose sign and verify", signer: ks.p256, alg: cose.ES256, mod: func(in *androidInputs) {
			in.tee = cat(alPurpose(kmPurposeSign, 3), alOrigin(kmOriginGenerated))
		}},
		{name: "software lists allowed by policy", signer: ks.p256, alg: cose.ES256, software: true, mod: func(in *androidInputs) {
			in.sw, in.tee = cat(alPurpose(kmPurposeSign), alOrigin(kmOriginGenerated)), nil
		}},
		{name: "origin in tee, purpose in software, by policy", signer: ks.p256, alg: cose.ES256, software: true, mod: func(in *androidInputs) {
			in.sw, in.tee = alPurpose(kmPurposeSign), alOrigin(kmOriginGenerated)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := newCredKey(t, c.signer, c.alg)
			authData := makeAuthData(testAAGUID, []byte("android"), k.cose)
			in := defaultAndroidInputs(c.signer, c.alg)
			if c.mod != nil {
				c.mod(in)
			}
			s := newStatement(t, authData, in.build(t, authData))
			s.androidKeySoftware = c.software
			v, err := verifyAndroidKey(s)
			if err != nil {
				t.Fatal(err)
			}
			if v.typ != TypeBasic || len(v.trustPath) != 2 || string(v.trustPath[0].Raw) != string(in.x5c[0]) {
				t.Fatalf("got type %s with %d certificates, want basic with x5c", v.typ, len(v.trustPath))
			}
		})
	}
}

func TestVerifyAndroidKeyRejects(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(credential.AAGUID{}, []byte("android"), k.cose)
	rawHex := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := cat(alPurpose(kmPurposeSign), alOrigin(kmOriginGenerated))

	cases := []struct {
		name     string
		mod      func(*androidInputs)
		software bool
		check    string
		detail   string
	}{
		// attStmt and the signature.
		{name: "no x5c", mod: func(in *androidInputs) { in.x5c = [][]byte{} }, check: checkAndroidKey, detail: "x5c is empty"},
		{name: "unknown member", mod: func(in *androidInputs) { in.extraKey = map[string]any{"ver": "1"} }, check: checkAndroidKey, detail: "does not define"},
		{name: "signed by another key", mod: func(in *androidInputs) { in.sigKey = ks.p256b }, check: checkAndroidKey, detail: "sig does not verify"},
		{name: "RS256 from an EC certificate", mod: func(in *androidInputs) { in.alg, in.sig = cose.RS256, []byte{1} }, check: checkAndroidKey, detail: "does not fit"},

		// The certificate key.
		{name: "certificate for another key", mod: func(in *androidInputs) { in.certKey, in.sigKey = ks.p256b.Public(), ks.p256b },
			check: checkAndroidKey, detail: "not the credential key"},

		// The key description: its presence and encoding.
		{name: "no key description", mod: func(in *androidInputs) { in.noKD = true }, check: checkAndroidKeyCertReqs, detail: "no Android key description"},
		{name: "not DER", mod: func(in *androidInputs) { in.kd = []byte{0x04, 0x00} }, check: checkAndroidKeyCertReqs, detail: "not one DER SEQUENCE"},
		{name: "trailing bytes after the SEQUENCE", mod: func(in *androidInputs) {
			in.kd = append(keyDescriptionDER(testClientDataHash, nil, good), 0)
		}, check: checkAndroidKeyCertReqs, detail: "not one DER SEQUENCE"},
		{name: "a field after hardwareEnforced", mod: func(in *androidInputs) {
			kd := keyDescriptionDER(testClientDataHash, nil, good)
			in.kd = cat([]byte{0x30}, derLength(len(kd)-2+3), kd[2:], derInt(1))
		}, check: checkAndroidKeyCertReqs, detail: "do not follow the schema"},
		{name: "security level as an INTEGER", mod: func(in *androidInputs) {
			kd := keyDescriptionDER(testClientDataHash, nil, good)
			kd[6] = 0x02 // the ENUMERATED after 30 LL and attestationVersion 200 (02 02 00 c8)
			in.kd = kd
		}, check: checkAndroidKeyCertReqs, detail: "do not follow the schema"},
		{name: "duplicate purpose", mod: func(in *androidInputs) { in.tee = cat(good, alPurpose(3)) },
			check: checkAndroidKeyCertReqs, detail: "[1] appears twice"},
		{name: "duplicate origin", mod: func(in *androidInputs) { in.tee = cat(good, alOrigin(1)) },
			check: checkAndroidKeyCertReqs, detail: "[702] appears twice"},
		{name: "purpose not a SET", mod: func(in *androidInputs) { in.tee = cat(derTagged(kmTagPurpose, derInt(2)), alOrigin(0)) },
			check: checkAndroidKeyCertReqs, detail: "purpose is not a SET OF INTEGER"},
		{name: "purpose holding a NULL", mod: func(in *androidInputs) {
			in.tee = cat(derTagged(kmTagPurpose, rawHex("31020500")), alOrigin(0))
		}, check: checkAndroidKeyCertReqs, detail: "purpose is not a SET OF INTEGER"},
		{name: "origin not an INTEGER", mod: func(in *androidInputs) { in.tee = cat(alPurpose(2), derTagged(kmTagOrigin, derNull)) },
			check: checkAndroidKeyCertReqs, detail: "origin is not an INTEGER"},
		{name: "origin with a second element", mod: func(in *androidInputs) {
			in.tee = cat(alPurpose(2), derTagged(kmTagOrigin, cat(derInt(0), derInt(1))))
		}, check: checkAndroidKeyCertReqs, detail: "origin is not an INTEGER"},
		{name: "allApplications not NULL", mod: func(in *androidInputs) { in.sw = derTagged(kmTagAllApplications, derInt(1)) },
			check: checkAndroidKeyCertReqs, detail: "allApplications is not NULL"},
		{name: "element not context-specific", mod: func(in *androidInputs) { in.tee = cat(good, derInt(5)) },
			check: checkAndroidKeyCertReqs, detail: "not a DER context-specific"},
		{name: "high tag with a leading zero octet", mod: func(in *androidInputs) {
			in.tee = cat(good, rawHex("bf80853e03020100")) // [702], its number padded with a 0x80 octet
		}, check: checkAndroidKeyCertReqs, detail: "not a DER context-specific"},
		{name: "high form for a low tag", mod: func(in *androidInputs) {
			in.tee = cat(rawHex("bf01"), derLength(len(derSetOfInts(2))), derSetOfInts(2), alOrigin(0)) // [1] in high form
		}, check: checkAndroidKeyCertReqs, detail: "not a DER context-specific"},
		{name: "long-form length below 128", mod: func(in *androidInputs) {
			in.tee = cat(good, rawHex("a38103020101")) // [3] with a length of 0x81 0x03
		}, check: checkAndroidKeyCertReqs, detail: "not a DER context-specific"},
		{name: "element longer than the list", mod: func(in *androidInputs) { in.tee = cat(good, rawHex("a305020101")) },
			check: checkAndroidKeyCertReqs, detail: "not a DER context-specific"},

		// The key description: its contents.
		{name: "challenge of other client data", mod: func(in *androidInputs) {
			in.kd = keyDescriptionDER(make([]byte, 32), nil, good)
		}, check: checkAndroidKey, detail: "attestationChallenge"},
		{name: "allApplications in softwareEnforced", mod: func(in *androidInputs) { in.sw = alAllApplications() },
			check: checkAndroidKey, detail: "allApplications"},
		{name: "allApplications in teeEnforced", mod: func(in *androidInputs) {
			in.tee = cat(alPurpose(2), derTagged(kmTagAllApplications, derNull), alOrigin(0))
		}, check: checkAndroidKey, detail: "allApplications"},
		{name: "no origin", mod: func(in *androidInputs) { in.tee = alPurpose(kmPurposeSign) }, check: checkAndroidKey, detail: "no origin in teeEnforced"},
		{name: "origin only in softwareEnforced", mod: func(in *androidInputs) {
			in.sw, in.tee = alOrigin(kmOriginGenerated), alPurpose(kmPurposeSign)
		}, check: checkAndroidKey, detail: "no origin in teeEnforced"},
		{name: "imported key", mod: func(in *androidInputs) { in.tee = cat(alPurpose(kmPurposeSign), alOrigin(2)) },
			check: checkAndroidKey, detail: "not generated in the keystore"},
		{name: "imported in softwareEnforced under the software policy", software: true, mod: func(in *androidInputs) {
			in.sw = alOrigin(2)
		}, check: checkAndroidKey, detail: "not generated in the keystore"},
		{name: "no purpose", mod: func(in *androidInputs) { in.tee = alOrigin(kmOriginGenerated) }, check: checkAndroidKey, detail: "does not include signing"},
		{name: "purpose verify only", mod: func(in *androidInputs) { in.tee = cat(alPurpose(3), alOrigin(0)) },
			check: checkAndroidKey, detail: "does not include signing"},
		{name: "purpose only in softwareEnforced", mod: func(in *androidInputs) {
			in.sw, in.tee = alPurpose(kmPurposeSign), alOrigin(kmOriginGenerated)
		}, check: checkAndroidKey, detail: "does not include signing"},
		{name: "nothing in either list under the software policy", software: true, mod: func(in *androidInputs) { in.sw, in.tee = nil, nil },
			check: checkAndroidKey, detail: "no origin in teeEnforced or softwareEnforced"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := defaultAndroidInputs(ks.p256, cose.ES256)
			if c.mod != nil {
				c.mod(in)
			}
			s := newStatement(t, authData, in.build(t, authData))
			s.androidKeySoftware = c.software
			_, err := verifyAndroidKey(s)
			wantError(t, err, errcode.ErrAttestationInvalid, c.check, c.detail)
		})
	}
}
