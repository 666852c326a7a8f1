package assertion_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/passkeytest"
)

// benchCase is one honest assertion, made once, and the bare standard
// library verification of its signature.
type benchCase struct {
	body []byte
	rec  *credential.Record
	bare func() bool
}

func newBenchCase(b testing.TB, alg int64) benchCase {
	b.Helper()
	e := newEnv(b, alg, passkeytest.Config{})
	body := e.get(b, request{})
	m := decodeMembers(b, body)
	cdHash := sha256.Sum256(m.clientDataJSON)
	msg := append(append([]byte{}, m.authenticatorData...), cdHash[:]...)
	sig := m.signature
	var bare func() bool
	switch pub := e.cred.PrivateKey.Public().(type) {
	case *ecdsa.PublicKey:
		bare = func() bool { d := sha256.Sum256(msg); return ecdsa.VerifyASN1(pub, d[:], sig) }
	case ed25519.PublicKey:
		bare = func() bool { return ed25519.Verify(pub, msg, sig) }
	case *rsa.PublicKey:
		bare = func() bool {
			d := sha256.Sum256(msg)
			return rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig) == nil
		}
	default:
		b.Fatalf("no bare verifier for %T", pub)
	}
	if !bare() {
		b.Fatal("the bare verification fails")
	}
	return benchCase{body: body, rec: e.record(), bare: bare}
}

// BenchmarkVerify measures Parse+Verify of an assertion from its JSON bytes
// against the bare signature verification of the same algorithm, paired:
// each iteration runs both, timed separately, so machine noise hits both
// sides alike. x-bare is the ratio of their median call times (see
// pairTimes.report).
func BenchmarkVerify(b *testing.B) {
	for _, bc := range []struct {
		name string
		alg  int64
	}{
		{"ES256", passkeytest.AlgES256},
		{"EdDSA", passkeytest.AlgEdDSA},
		{"RS256", passkeytest.AlgRS256},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := newBenchCase(b, bc.alg)
			x := expectFor(b)
			b.ReportAllocs()
			var pt pairTimes
			for b.Loop() {
				t0 := time.Now()
				if _, err := verifyBody(c.body, c.rec, x); err != nil {
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

// TestAllocationBudget counts the allocations of Parse+Verify of an ES256
// assertion. The target is 40; ceiling is the count measured when it was
// last lowered, so that any new allocation fails the test: lower it as
// allocations go.
//
// Where they come from (pprof -sample_index=alloc_objects, per assertion):
// Parse ≈ 8 (encoding/json's decoder state, scanner stack and error
// context ≈ 6, the Response, the one buffer every base64url member is
// decoded into), clientdata.Parse ≈ 6 (5 of them encoding/json's),
// cose.ParseKeyWith 1 (the Key: a stored key's point is checked by the
// verification itself), the ECDSA verification in crypto/ecdsa 10 (the
// bare check pays them too), Verify's own 1 (the Result; the signed
// message is on the stack).
func TestAllocationBudget(t *testing.T) {
	const target, ceiling = 40, 26
	c := newBenchCase(t, passkeytest.AlgES256)
	x := expectFor(t)
	var err error
	n := testing.AllocsPerRun(200, func() {
		_, err = verifyBody(c.body, c.rec, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ES256 assertion Parse+Verify: %.0f allocations (target %d)", n, target)
	if n > ceiling {
		t.Errorf("ES256 assertion Parse+Verify allocates %.0f times, more than the %d measured before (target %d)", n, ceiling, target)
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
