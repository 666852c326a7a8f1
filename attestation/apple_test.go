package attestation

import (
	"cmp"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// appleNonceDER encodes the nonce extension value as Apple does:
// SEQUENCE { [1] EXPLICIT OCTET STRING }, written independently of
// parseAppleNonce.
func appleNonceDER(nonce []byte) []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1OctetString(nonce)
		})
	})
	return b.BytesOrPanic()
}

// appleInputs is one apple statement in the making.
type appleInputs struct {
	certKey crypto.PublicKey // the credential key by default
	cn      string           // the certificate's CN; "credential certificate" when empty
	ext     []byte           // the extension value; the right nonce when nil
	noExt   bool
	x5c     [][]byte
	extra   map[string]any
}

func (in *appleInputs) build(t testing.TB, authData []byte) []byte {
	t.Helper()
	if in.x5c == nil {
		if in.ext == nil {
			nonce := sha256.Sum256(signedData(authData))
			in.ext = appleNonceDER(nonce[:])
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(40),
			Subject:      pkix.Name{CommonName: cmp.Or(in.cn, "credential certificate"), Organization: []string{"Example Inc."}},
			NotBefore:    time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter:     time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
			KeyUsage:     x509.KeyUsageDigitalSignature,
		}
		if !in.noExt {
			tmpl.ExtraExtensions = []pkix.Extension{{Id: oidAppleNonce, Value: in.ext}}
		}
		ca := newTestCA(t)
		in.x5c = [][]byte{ca.issue(t, tmpl, in.certKey), ca.cert.Raw}
	}
	m := map[string]any{"x5c": in.x5c}
	for k, v := range in.extra {
		m[k] = v
	}
	return encode(t, m)
}

func TestVerifyApple(t *testing.T) {
	ks := testKeys(t)
	for _, c := range []struct {
		name   string
		signer crypto.Signer
		alg    cose.Algorithm
	}{
		{"ES256", ks.p256, cose.ES256},
		{"ES384", ks.p384, cose.ES384},
		{"RS256", ks.rsa, cose.RS256},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := newCredKey(t, c.signer, c.alg)
			authData := makeAuthData(testAAGUID, []byte("apple"), k.cose)
			in := &appleInputs{certKey: c.signer.Public()}
			v, err := verifyApple(newStatement(t, authData, in.build(t, authData)))
			if err != nil {
				t.Fatal(err)
			}
			if v.typ != TypeAnonCA || len(v.trustPath) != 2 || string(v.trustPath[0].Raw) != string(in.x5c[0]) {
				t.Fatalf("got type %s with %d certificates, want anonca with x5c", v.typ, len(v.trustPath))
			}
		})
	}
}

// TestVerifyAppleRejects breaks one rule at a time; each case fails when
// its rule is removed, because everything else about the statement is
// valid.
func TestVerifyAppleRejects(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("apple"), k.cose)
	right := sha256.Sum256(signedData(authData))
	wrongHash := sha256.Sum256(append(signedData(authData), 0))
	// The nonce is over authData ‖ clientDataHash, not clientDataHash alone
	// nor the two the other way round.
	hashOnly := sha256.Sum256(testClientDataHash)
	swapped := sha256.Sum256(append(append([]byte(nil), testClientDataHash...), authData...))

	tagged := func(tag cbasn1.Tag, inner func(*cryptobyte.Builder)) []byte {
		b := cryptobyte.NewBuilder(nil)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1(tag, inner) })
		return b.BytesOrPanic()
	}
	octets := func(b *cryptobyte.Builder) { b.AddASN1OctetString(right[:]) }

	cases := []struct {
		name   string
		mod    func(*appleInputs)
		check  string
		detail string
	}{
		{"nonce of other data", func(in *appleInputs) { in.ext = appleNonceDER(wrongHash[:]) }, checkApple, "nonce is not SHA-256"},
		{"nonce of clientDataHash alone", func(in *appleInputs) { in.ext = appleNonceDER(hashOnly[:]) }, checkApple, "nonce is not SHA-256"},
		{"nonce over the swapped concatenation", func(in *appleInputs) { in.ext = appleNonceDER(swapped[:]) }, checkApple, "nonce is not SHA-256"},
		{"nonce truncated", func(in *appleInputs) { in.ext = appleNonceDER(right[:31]) }, checkApple, "nonce is not SHA-256"},
		{"no nonce extension", func(in *appleInputs) { in.noExt = true }, checkApple, "has no nonce extension"},
		{"nonce under [0]", func(in *appleInputs) {
			in.ext = tagged(cbasn1.Tag(0).Constructed().ContextSpecific(), octets)
		}, checkApple, "nonce extension is malformed"},
		{"nonce [1] IMPLICIT", func(in *appleInputs) {
			b := cryptobyte.NewBuilder(nil)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(1).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(right[:]) })
			})
			in.ext = b.BytesOrPanic()
		}, checkApple, "nonce extension is malformed"},
		{"nonce as a BIT STRING", func(in *appleInputs) {
			in.ext = tagged(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1BitString(right[:])
			})
		}, checkApple, "nonce extension is malformed"},
		{"bare OCTET STRING", func(in *appleInputs) {
			b := cryptobyte.NewBuilder(nil)
			b.AddASN1OctetString(right[:])
			in.ext = b.BytesOrPanic()
		}, checkApple, "nonce extension is malformed"},
		{"second element in the SEQUENCE", func(in *appleInputs) {
			b := cryptobyte.NewBuilder(nil)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), octets)
				b.AddASN1Int64(1)
			})
			in.ext = b.BytesOrPanic()
		}, checkApple, "nonce extension is malformed"},
		{"second element under [1]", func(in *appleInputs) {
			in.ext = tagged(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1OctetString(right[:])
				b.AddASN1OctetString(nil)
			})
		}, checkApple, "nonce extension is malformed"},
		{"trailing byte", func(in *appleInputs) { in.ext = append(appleNonceDER(right[:]), 0) }, checkApple, "nonce extension is malformed"},
		{"key not the credential key", func(in *appleInputs) { in.certKey = ks.p256b.Public() }, checkApple, "key is not the credential key"},
		{"key of another type", func(in *appleInputs) { in.certKey = ks.rsa.Public() }, checkApple, "key is not the credential key"},
		{"x5c empty", func(in *appleInputs) { in.x5c = [][]byte{} }, checkApple, "x5c is empty"},
		{"x5c not a certificate", func(in *appleInputs) { in.x5c = [][]byte{[]byte("certificate")} }, checkApple, "not a valid X.509 certificate"},
		{"member alg", func(in *appleInputs) { in.extra = map[string]any{"alg": -7} }, checkApple, "does not define"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := &appleInputs{certKey: ks.p256.Public()}
			c.mod(in)
			_, err := verifyApple(newStatement(t, authData, in.build(t, authData)))
			wantError(t, err, errcode.ErrAttestationInvalid, c.check, c.detail)
		})
	}

	// A nonce that matches but sits in a certificate other than x5c[0]
	// does not count: only the credential certificate is read.
	t.Run("nonce in the CA certificate only", func(t *testing.T) {
		in := &appleInputs{certKey: ks.p256.Public(), noExt: true}
		in.build(t, authData)
		other := &appleInputs{certKey: ks.p256.Public(), cn: "another certificate"}
		other.build(t, authData)
		in.x5c = [][]byte{in.x5c[0], other.x5c[0]}
		_, err := verifyApple(newStatement(t, authData, in.build(t, authData)))
		wantError(t, err, errcode.ErrAttestationInvalid, checkApple, "has no nonce extension")
	})
}

func TestAppleStatementShape(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(credential.AAGUID{}, []byte("shape"), k.cose)
	for _, c := range []struct {
		name   string
		v      any
		detail string
	}{
		{"empty map", map[string]any{}, "lacks a required member"},
		{"x5c as bytes", map[string]any{"x5c": []byte{1}}, "x5c has the wrong type"},
		{"array", []any{[][]byte{{1}}}, "not a map"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifyApple(newStatement(t, authData, encode(t, c.v)))
			wantError(t, err, errcode.ErrAttestationInvalid, checkApple, c.detail)
		})
	}
}

func TestParseAppleNonce(t *testing.T) {
	nonce := make([]byte, 32)
	for i := range nonce {
		nonce[i] = byte(i)
	}
	got, ok := parseAppleNonce(appleNonceDER(nonce))
	if !ok || string(got) != string(nonce) {
		t.Fatalf("parseAppleNonce = %x, %v", got, ok)
	}
	// Apple's own encoding, from the recorded iPhone certificate of
	// py_webauthn's apple-passkey fixture: 30 24 a1 22 04 20 ‖ 32 bytes.
	recorded := append([]byte{0x30, 0x24, 0xa1, 0x22, 0x04, 0x20}, nonce...)
	if got, ok := parseAppleNonce(recorded); !ok || string(got) != string(nonce) {
		t.Fatalf("Apple's layout: %x, %v", got, ok)
	}
	for name, der := range map[string][]byte{
		"empty":               {},
		"long-form length":    append([]byte{0x30, 0x81, 0x24, 0xa1, 0x22, 0x04, 0x20}, nonce...),
		"truncated":           recorded[:len(recorded)-1],
		"empty SEQUENCE":      {0x30, 0x00},
		"indefinite length":   append(append([]byte{0x30, 0x80, 0xa1, 0x22, 0x04, 0x20}, nonce...), 0, 0),
		"OCTET STRING at top": append([]byte{0x04, 0x20}, nonce...),
	} {
		if _, ok := parseAppleNonce(der); ok {
			t.Errorf("%s: accepted", name)
		}
	}
}
