package passkeytest_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// ceremonies runs one registration and two assertions and returns the
// bodies.
func ceremonies(t *testing.T, cfg passkeytest.Config, alg int64) [][]byte {
	t.Helper()
	a := newAuthenticator(t, cfg)
	opts := newCreateOpts(testRPID, []byte("same challenge"), alg)
	opts.Attestation = "direct"
	opts.Selection = map[string]any{"residentKey": "preferred"}
	opts.Extensions = map[string]any{"prf": map[string]any{"eval": map[string]any{"first": "AQID"}}}
	reg, err := a.Create(opts.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	out := [][]byte{reg}
	for i := range 2 {
		g := newGetOpts(testRPID, fmt.Appendf(nil, "login %d", i), a.Credentials()[0].ID)
		g.Extensions = map[string]any{"prf": map[string]any{"eval": map[string]any{"first": "AQID", "second": "BAUG"}}}
		body, err := a.Get(g.json(t), testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, body)
	}
	out = append(out, a.AttestationRoot().Raw, a.AttestationChain()[0].Raw, a.U2FAttestationCertificate().Raw)
	return out
}

// TestDeterministic: the same seed gives the same bytes, for every algorithm
// (ECDSA per RFC 6979, PSS with derived salts, deterministic ML-DSA) and
// every attestation kind; another seed gives other bytes.
func TestDeterministic(t *testing.T) {
	kinds := []passkeytest.Config{
		{Attestation: passkeytest.AttestationNone},
		{Attestation: passkeytest.AttestationPackedSelf},
		{Attestation: passkeytest.AttestationPacked, Intermediate: true},
		{Attestation: passkeytest.AttestationPacked, AttestationAlgorithm: passkeytest.AlgPS256},
		{Attestation: passkeytest.AttestationFIDOU2F},
	}
	for i, base := range kinds {
		for _, alg := range passkeytest.SupportedAlgorithms() {
			if base.Attestation == passkeytest.AttestationFIDOU2F && alg != passkeytest.AlgES256 {
				continue
			}
			t.Run(fmt.Sprintf("kind%d/%d", i, alg), func(t *testing.T) {
				t.Parallel()
				cfg := base
				cfg.Seed = []byte("seed one")
				first, second := ceremonies(t, cfg, alg), ceremonies(t, cfg, alg)
				cfg.Seed = []byte("seed two")
				other := ceremonies(t, cfg, alg)
				for j := range first {
					if !bytes.Equal(first[j], second[j]) {
						t.Errorf("output %d differs under the same seed", j)
					}
					if bytes.Equal(first[j], other[j]) {
						t.Errorf("output %d is the same under another seed", j)
					}
				}
			})
		}
	}
}

// TestRandomSeed: without a seed the authenticator draws one, reports it,
// and replays with it.
func TestRandomSeed(t *testing.T) {
	a, err := passkeytest.New(passkeytest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := passkeytest.New(passkeytest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Seed(), b.Seed()) || len(a.Seed()) != 32 {
		t.Fatal("random seeds are not random")
	}
	replay := newAuthenticator(t, passkeytest.Config{Seed: a.Seed()})
	opts := newCreateOpts(testRPID, []byte("c"), passkeytest.AlgES256).json(t)
	x, err := a.Create(opts, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	y, err := replay.Create(opts, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x, y) {
		t.Fatal("replaying the reported seed gives other bytes")
	}
}
