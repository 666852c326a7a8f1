package attestation_test

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"slices"
	"testing"
	"time"

	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/internal/cbor"
	"github.com/gopasskey/passkey/passkeytest"
)

// regBench is one honest registration body, made once, its expectations,
// and a bare P-256 ECDSA verification (crypto/ecdsa.VerifyASN1 over SHA-256
// of the signed bytes) to pair it with.
type regBench struct {
	body []byte
	x    attestation.Expect
	bare func() bool
}

func newRegBench(b testing.TB, kind passkeytest.Attestation, anchored bool) regBench {
	b.Helper()
	a := newAuthenticator(b, passkeytest.Config{Attestation: kind, AAGUID: [16]byte{0xaa, 1}})
	body := register(b, a, creation{})
	x := expectFor(b)
	if anchored {
		x.TrustAnchors = anchors(a)
	}
	if _, err := verifyBody(body, x); err != nil {
		b.Fatalf("the honest registration is rejected: %v", err)
	}
	m := decodeRegMembers(b, body)
	obj := decodeAttObject(b, m.attestationObject)
	cdHash := sha256.Sum256(m.clientDataJSON)
	msg := append(append([]byte{}, obj.AuthData...), cdHash[:]...)

	// The signature and key of the statement; for none, which has no
	// signature, the credential's own ES256 key signs the same bytes so
	// that the pairing still measures one P-256 verification.
	var pub *ecdsa.PublicKey
	var sig []byte
	switch kind {
	case passkeytest.AttestationPacked:
		pub = a.AttestationChain()[0].PublicKey.(*ecdsa.PublicKey)
		sig = statementSig(b, obj.AttStmt)
		if anchored {
			return regBench{body: body, x: x, bare: anchoredBare(b, a, msg, sig)}
		}
	case passkeytest.AttestationPackedSelf:
		pub = a.Credentials()[0].PrivateKey.Public().(*ecdsa.PublicKey)
		sig = statementSig(b, obj.AttStmt)
	default:
		priv := a.Credentials()[0].PrivateKey.(*ecdsa.PrivateKey)
		pub = &priv.PublicKey
		d := sha256.Sum256(msg)
		var err error
		if sig, err = ecdsa.SignASN1(nil, priv, d[:]); err != nil {
			b.Fatal(err)
		}
	}
	bare := func() bool { d := sha256.Sum256(msg); return ecdsa.VerifyASN1(pub, d[:], sig) }
	if !bare() {
		b.Fatal("the bare verification fails")
	}
	return regBench{body: body, x: x, bare: bare}
}

// anchoredBare is the reference of a registration whose x5c is verified to
// a trust anchor: the work such a registration cannot avoid, with the
// standard library. Every x5c certificate parsed (x509.ParseCertificate),
// the chain built and verified to the anchor pool (x509.Certificate.Verify),
// and the statement's signature over msg verified with the leaf's key.
func anchoredBare(b testing.TB, a *passkeytest.Authenticator, msg, sig []byte) func() bool {
	b.Helper()
	chain := a.AttestationChain()
	ders := make([][]byte, len(chain))
	for i, c := range chain {
		ders[i] = c.Raw
	}
	roots := anchors(a)
	usages := []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	return func() bool {
		certs := make([]*x509.Certificate, len(ders))
		for i, der := range ders {
			c, err := x509.ParseCertificate(der)
			if err != nil {
				return false
			}
			certs[i] = c
		}
		var inter *x509.CertPool
		if len(certs) > 1 {
			inter = x509.NewCertPool()
			for _, c := range certs[1:] {
				inter.AddCert(c)
			}
		}
		if _, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: usages}); err != nil {
			return false
		}
		pub, ok := certs[0].PublicKey.(*ecdsa.PublicKey)
		d := sha256.Sum256(msg)
		return ok && ecdsa.VerifyASN1(pub, d[:], sig)
	}
}

func statementSig(t testing.TB, attStmt []byte) []byte {
	t.Helper()
	var st struct {
		Sig []byte `cbor:"sig"`
	}
	if err := cbor.Unmarshal(attStmt, &st); err != nil || st.Sig == nil {
		t.Fatalf("statement without sig: %v", err)
	}
	return st.Sig
}

// BenchmarkVerify measures Parse+Verify of a registration from its JSON
// bytes against a bare reference, paired: each iteration runs both, timed
// separately, so machine noise hits both sides alike. x-bare is the ratio
// of their median call times (see pairTimes.report). The reference is one
// P-256 ECDSA verification for none and packed self (none has no
// signature; its ratio says what the ceremony's parsing and checks cost in
// units of one signature check), and for packed x5c verified to a trust
// anchor the work that cannot be avoided (anchoredBare).
func BenchmarkVerify(b *testing.B) {
	for _, bc := range []struct {
		name     string
		kind     passkeytest.Attestation
		anchored bool
	}{
		{"none", passkeytest.AttestationNone, false},
		{"packed-self", passkeytest.AttestationPackedSelf, false},
		{"packed-x5c", passkeytest.AttestationPacked, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := newRegBench(b, bc.kind, bc.anchored)
			b.ReportAllocs()
			var pt pairTimes
			for b.Loop() {
				t0 := time.Now()
				if _, err := verifyBody(c.body, c.x); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if !c.bare() {
					b.Fatal("bare verification failed")
				}
				pt.add(t1.Sub(t0), time.Since(t1))
			}
			pt.report(b)
		})
	}
}

// TestAllocationBudget counts the allocations of Parse+Verify of a none
// registration. The target is 45; ceiling is the count measured when it was
// last lowered, so that any new allocation fails the test: lower it as
// allocations go.
//
// Where they come from (pprof -sample_index=alloc_objects, per
// registration): Parse ≈ 9 (encoding/json's decoder state, scanner stack
// and error context ≈ 6, the Response, the one buffer every base64url
// member is decoded into, the transports list), clientdata.Parse ≈ 6,
// Verify's own 3 (the statement with the authenticator data and client
// data hash it points to, the Result, the public key's copy),
// cose.ParseKey 3 (the Key, and two inside the point check); the
// attestation object and attStmt are read in place.
func TestAllocationBudget(t *testing.T) {
	const target, ceiling = 45, 22
	c := newRegBench(t, passkeytest.AttestationNone, false)
	var err error
	n := testing.AllocsPerRun(200, func() {
		_, err = verifyBody(c.body, c.x)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("none registration Parse+Verify: %.0f allocations (target %d)", n, target)
	if n > ceiling {
		t.Errorf("none registration Parse+Verify allocates %.0f times, more than the %d measured before (target %d)", n, ceiling, target)
	}
}

// pairTimes holds the paired timings of a benchmark: contender and bare
// verification, call by call.
type pairTimes struct{ contender, bare []time.Duration }

func (p *pairTimes) add(contender, bare time.Duration) {
	p.contender = append(p.contender, contender)
	p.bare = append(p.bare, bare)
}

// report gives x-bare, the ratio of the two sides' median call times: on a
// shared machine a call that was preempted is an outlier on one side only,
// which a median ignores and a mean does not. x-bare-mean is the ratio of
// the totals, and verify-ns and bare-ns the medians.
func (p *pairTimes) report(b *testing.B) {
	mc, mb := median(p.contender), median(p.bare)
	var sc, sb time.Duration
	for i := range p.contender {
		sc += p.contender[i]
		sb += p.bare[i]
	}
	b.ReportMetric(float64(mc)/float64(mb), "x-bare")
	b.ReportMetric(float64(sc)/float64(sb), "x-bare-mean")
	b.ReportMetric(float64(mc.Nanoseconds()), "verify-ns")
	b.ReportMetric(float64(mb.Nanoseconds()), "bare-ns")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
