package attestation

import (
	"testing"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
)

// The benchmarks time one format procedure on a valid statement, as a
// registration runs it: statement decoding, certificate parsing and
// requirements, and the signature.

func benchmarkFormat(b *testing.B, verify formatVerifier, s *statement) {
	if _, err := verify(s); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := verify(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPackedSelfES256(b *testing.B) {
	ks := testKeys(b)
	k := newCredKey(b, ks.p256, cose.ES256)
	authData := makeAuthData(credential.AAGUID{}, []byte("bench"), k.cose)
	raw := encode(b, map[string]any{"alg": int64(cose.ES256), "sig": signWith(b, ks.p256, cose.ES256, signedData(authData))})
	benchmarkFormat(b, verifyPacked, newStatement(b, authData, raw))
}

func BenchmarkPackedX5CES256(b *testing.B) {
	ks := testKeys(b)
	ca := newTestCA(b)
	k := newCredKey(b, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("bench"), k.cose)
	leaf := ca.issue(b, packedLeafTemplate(), ks.p256b.Public())
	raw := packedX5CStatement(b, authData, ks.p256b, cose.ES256, leaf, ca.cert.Raw)
	benchmarkFormat(b, verifyPacked, newStatement(b, authData, raw))
}

func BenchmarkFIDOU2F(b *testing.B) {
	ks := testKeys(b)
	ca := newTestCA(b)
	credID := []byte("bench key handle")
	k := newCredKey(b, ks.p256, cose.ES256)
	authData := makeAuthData(credential.AAGUID{}, credID, k.cose)
	cert := ca.issue(b, u2fCertTemplate(), ks.p256b.Public())
	raw := u2fStatement(b, ks.p256b, u2fData(credID, &ks.p256.PublicKey), cert)
	benchmarkFormat(b, verifyFIDOU2F, newStatement(b, authData, raw))
}

func BenchmarkTPMES256(b *testing.B) {
	ks := testKeys(b)
	k := newCredKey(b, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("bench"), k.cose)
	in := defaultTPMInputs(b, ks.p256b, cose.ES256)
	benchmarkFormat(b, verifyTPM, newStatement(b, authData, in.build(b, &ks.p256.PublicKey, authData)))
}

func BenchmarkAndroidKeyES256(b *testing.B) {
	ks := testKeys(b)
	k := newCredKey(b, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("bench"), k.cose)
	in := defaultAndroidInputs(ks.p256, cose.ES256)
	benchmarkFormat(b, verifyAndroidKey, newStatement(b, authData, in.build(b, authData)))
}

func BenchmarkSafetyNetRS256(b *testing.B) {
	ks := testKeys(b)
	k := newCredKey(b, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("bench"), k.cose)
	in := defaultSafetyNetInputs(ks)
	benchmarkFormat(b, verifySafetyNet, safetyNetStatement(b, authData, in.build(b, authData)))
}

func BenchmarkAppleES256(b *testing.B) {
	ks := testKeys(b)
	k := newCredKey(b, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("bench"), k.cose)
	in := &appleInputs{certKey: ks.p256.Public()}
	benchmarkFormat(b, verifyApple, newStatement(b, authData, in.build(b, authData)))
}

// BenchmarkCompoundPackedX5CAndSelf is the cost of a compound statement
// over its two statements' own: the array's parse and the dispatch.
func BenchmarkCompoundPackedX5CAndSelf(b *testing.B) {
	f := makeCompoundFixture(b)
	raw := encode(b, []any{part("packed", f.x5c), part("packed", f.self)})
	benchmarkFormat(b, verifyCompound, newStatement(b, f.authData, raw))
}

func BenchmarkParseAppleNonce(b *testing.B) {
	der := appleNonceDER(make([]byte, 32))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := parseAppleNonce(der); !ok {
			b.Fatal("refused")
		}
	}
}

func BenchmarkParseCompound(b *testing.B) {
	f := makeCompoundFixture(b)
	raw := encode(b, []any{part("packed", f.x5c), part("packed", f.self), part("none", f.none)})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseCompound(raw); err != nil {
			b.Fatal(err)
		}
	}
}
