package passkey_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"io"
	"testing"
	"time"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/store/memory"
)

// The time budgets of SECURITY.md, measured over the worst inputs of
// hardening_test.go (worstRegistrations, worstAssertions): every input is a
// body of at most 64 KiB built to make the verifier do the most work it can
// be made to do. Compare ns/op with 5 ms (assertion) and 60 ms
// (registration), B/op with 4 MiB; on a busy machine cpu-ns/op is the
// steadier figure. Run with
//
//	go test -run '^$' -bench 'Worst' -benchtime 20x .

// BenchmarkWorstRegistration is the stateless layer: attestation.Parse and
// Response.Verify.
func BenchmarkWorstRegistration(b *testing.B) {
	for _, w := range mustWorst(b, worstRegistrations) {
		b.Run(w.name, func(b *testing.B) {
			x := expectReg(b)
			if w.expect != nil {
				w.expect(&x)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(w.body)))
			cpu := startCPU(b)
			for range b.N {
				_, err := verifyReg(w.body, x)
				if errcode.Code(err) != string(w.want) {
					b.Fatalf("got %v, want %q", err, w.want)
				}
			}
			cpu.stop()
		})
	}
}

// BenchmarkWorstAssertion is the stateless layer: assertion.Parse and
// Response.Verify against the stored record.
func BenchmarkWorstAssertion(b *testing.B) {
	for _, w := range mustWorst(b, worstAssertions) {
		b.Run(w.name, func(b *testing.B) {
			x := expectLogin(b)
			b.ReportAllocs()
			b.SetBytes(int64(len(w.body)))
			cpu := startCPU(b)
			for range b.N {
				_, err := verifyLogin(w.body, w.rec, x)
				if errcode.Code(err) != string(w.want) {
					b.Fatalf("got %v, want %q", err, w.want)
				}
			}
			cpu.stop()
		})
	}
}

// constantRand makes every challenge and session ID hardChallenge, so that
// one hand-built body answers every session a benchmark begins.
type constantRand struct{}

func (constantRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = hardChallenge[0]
	}
	return len(p), nil
}

var _ io.Reader = constantRand{}

// hardRP is a relying party that issues hardChallenge and accepts every
// algorithm of the worst inputs.
func hardRP(b testing.TB, mods ...func(*passkey.Config)) (*passkey.RelyingParty, *memory.Credentials) {
	b.Helper()
	creds := memory.NewCredentials()
	cfg := passkey.Config{
		RPID: testRPID, RPName: "Example", Origins: []string{testOrigin},
		Algorithms:  []cose.Algorithm{cose.ES256, cose.RS512, cose.MLDSA87},
		Clock:       func() time.Time { return hardNow },
		Rand:        constantRand{},
		Credentials: creds,
		Sessions:    memory.NewSessions(),
	}
	for _, m := range mods {
		m(&cfg)
	}
	rp, err := passkey.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return rp, creds
}

// BenchmarkWorstVerifyRegistration is the relying party's path: take the
// session, verify, and, with a trust source, verify again against its
// roots (VerifyRegistration, which stores nothing, so that one body serves
// every iteration).
func BenchmarkWorstVerifyRegistration(b *testing.B) {
	ctx := context.Background()
	for _, w := range mustWorst(b, worstRegistrations) {
		b.Run(w.name, func(b *testing.B) {
			var mods []func(*passkey.Config)
			if w.expect != nil {
				x := expectReg(b)
				w.expect(&x)
				mods = append(mods, func(c *passkey.Config) { c.TrustSource = fixedRoots{x.TrustAnchors} })
			}
			rp, _ := hardRP(b, mods...)
			user := passkey.User{Handle: []byte("hardening"), Name: "h"}
			b.ReportAllocs()
			b.SetBytes(int64(len(w.body)))
			cpu := startCPU(b)
			for range b.N {
				b.StopTimer()
				_, sid, err := rp.BeginRegistration(ctx, user)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				_, err = rp.VerifyRegistration(ctx, sid, w.body)
				if passkey.Code(err) != string(w.want) {
					b.Fatalf("got %v, want %q", err, w.want)
				}
			}
			cpu.stop()
		})
	}
}

// BenchmarkWorstFinishLogin is the relying party's login path: take the
// session, look the record up, verify and compare-and-swap the record.
// The counter does not move between iterations, so the relying party
// accepts regressions (and records each as a suspected clone).
func BenchmarkWorstFinishLogin(b *testing.B) {
	ctx := context.Background()
	for _, w := range mustWorst(b, worstAssertions) {
		b.Run(w.name, func(b *testing.B) {
			rp, creds := hardRP(b, func(c *passkey.Config) { c.AcceptCounterRegression = true })
			if err := creds.Create(ctx, w.rec.Clone()); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(w.body)))
			cpu := startCPU(b)
			for range b.N {
				b.StopTimer()
				_, sid, err := rp.BeginLogin(ctx)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := rp.FinishLogin(ctx, sid, w.body); err != nil {
					b.Fatal(err)
				}
			}
			cpu.stop()
		})
	}
}

// BenchmarkCapRefusals measures what an over-limit input costs before it is
// refused: the limits are only worth having if refusing is cheap.
func BenchmarkCapRefusals(b *testing.B) {
	over := append([]byte("{"), bytes.Repeat([]byte(" "), attestation.MaxBodySize)...)
	b.Run("registration body over 64 KiB", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := attestation.Parse(over); err == nil {
				b.Fatal("accepted")
			}
		}
	})
	b.Run("assertion body over 64 KiB", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := assertion.Parse(over); err == nil {
				b.Fatal("accepted")
			}
		}
	})
}

// BenchmarkWorstReference is the floor the worst inputs stand on: one bare
// signature verification with the costliest key each accepts, to tell the
// library's share of a worst input from the cryptography's.
func BenchmarkWorstReference(b *testing.B) {
	max := mustKey(b, rsaMax)
	msg := []byte("authenticator data and the client data hash")
	digest := sha512.Sum512(msg)
	sig, err := rsa.SignPKCS1v15(nil, max, crypto.SHA512, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	b.Run("RSA-8192 e=65537 PKCS#1 v1.5 verify", func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU(b)
		for range b.N {
			if err := rsa.VerifyPKCS1v15(&max.PublicKey, crypto.SHA512, digest[:], sig); err != nil {
				b.Fatal(err)
			}
		}
		cpu.stop()
	})
	es := newES256(b)
	d256 := sha256.Sum256(msg)
	esSig, err := ecdsa.SignASN1(rand.Reader, es, d256[:])
	if err != nil {
		b.Fatal(err)
	}
	b.Run("ES256 verify", func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU(b)
		for range b.N {
			if !ecdsa.VerifyASN1(&es.PublicKey, d256[:], esSig) {
				b.Fatal("no")
			}
		}
		cpu.stop()
	})
}
