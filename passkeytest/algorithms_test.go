package passkeytest_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

var (
	testRPID   = "example.com"
	testOrigin = "https://example.com"
)

// TestEveryAlgorithmAndAttestation registers a credential for every
// algorithm under every attestation kind, verifies the response with the
// standard library, then signs in with it.
func TestEveryAlgorithmAndAttestation(t *testing.T) {
	kinds := []struct {
		name string
		kind passkeytest.Attestation
		want string
	}{
		{"none", passkeytest.AttestationNone, "none"},
		{"packed-self", passkeytest.AttestationPackedSelf, "self"},
		{"packed", passkeytest.AttestationPacked, "basic"},
		{"fido-u2f", passkeytest.AttestationFIDOU2F, "basic"},
	}
	for _, kind := range kinds {
		for _, alg := range passkeytest.SupportedAlgorithms() {
			t.Run(fmt.Sprintf("%s/%d", kind.name, alg), func(t *testing.T) {
				t.Parallel()
				a := newAuthenticator(t, passkeytest.Config{Attestation: kind.kind, AAGUID: [16]byte{1, 2, 3}})
				opts := newCreateOpts(testRPID, []byte("registration challenge"), alg)
				opts.Attestation = "direct"
				body, err := a.Create(opts.json(t), testOrigin)
				if kind.kind == passkeytest.AttestationFIDOU2F && alg != passkeytest.AlgES256 {
					if !errors.Is(err, passkeytest.ErrNotSupported) {
						t.Fatalf("fido-u2f with alg %d: err %v, want NotSupportedError", alg, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				reg := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("registration challenge")})
				if reg.key.alg != alg {
					t.Fatalf("credential alg %d, want %d", reg.key.alg, alg)
				}
				if got := verifyAttestation(t, reg, a.AttestationRoot()); got != kind.want {
					t.Fatalf("attestation type %s, want %s", got, kind.want)
				}
				// A U2F key has no AAGUID (#sctn-fido-u2f-attestation); the
				// others report the configured one.
				wantAAGUID := []byte{1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
				if kind.kind == passkeytest.AttestationFIDOU2F {
					wantAAGUID = make([]byte, 16)
				}
				if !bytes.Equal(reg.ad.aaguid, wantAAGUID) {
					t.Fatalf("AAGUID %x, want %x", reg.ad.aaguid, wantAAGUID)
				}

				for i := range 2 {
					challenge := fmt.Appendf(nil, "login challenge %d", i)
					body, err := a.Get(newGetOpts(testRPID, challenge, reg.ad.credID).json(t), testOrigin)
					if err != nil {
						t.Fatalf("Get: %v", err)
					}
					as := decodeAssertion(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: challenge})
					if !bytes.Equal(b64(t, as.json.RawID), reg.ad.credID) {
						t.Fatal("assertion names another credential")
					}
					if err := as.verify(reg.key); err != nil {
						t.Fatalf("assertion signature: %v", err)
					}
					if as.ad.count != uint32(i+1) {
						t.Fatalf("counter %d, want %d", as.ad.count, i+1)
					}
					// A signature over other bytes must not verify: the
					// check above is not vacuous.
					as.authData[0] ^= 1
					if as.verify(reg.key) == nil {
						t.Fatal("signature verifies over altered authenticator data")
					}
				}
			})
		}
	}
}

// TestPackedAttestationKeys covers every packed attestation key type, with
// and without an intermediate CA.
func TestPackedAttestationKeys(t *testing.T) {
	for _, attAlg := range []int64{passkeytest.AlgES256, passkeytest.AlgES384, passkeytest.AlgES512, passkeytest.AlgEdDSA,
		passkeytest.AlgRS256, passkeytest.AlgRS384, passkeytest.AlgRS512, passkeytest.AlgPS256, passkeytest.AlgPS384, passkeytest.AlgPS512} {
		for _, intermediate := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d/intermediate=%v", attAlg, intermediate), func(t *testing.T) {
				t.Parallel()
				a := newAuthenticator(t, passkeytest.Config{Attestation: passkeytest.AttestationPacked,
					AttestationAlgorithm: attAlg, Intermediate: intermediate, AAGUID: [16]byte{0xaa, 0xbb}})
				opts := newCreateOpts(testRPID, []byte("c"), passkeytest.AlgES256)
				opts.Attestation = "direct"
				body, err := a.Create(opts.json(t), testOrigin)
				if err != nil {
					t.Fatal(err)
				}
				reg := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
				if verifyAttestation(t, reg, a.AttestationRoot()) != "basic" {
					t.Fatal("not a basic attestation")
				}
				var alg int64
				if err := cborUnmarshal(reg.attStmt["alg"], &alg); err != nil || alg != attAlg {
					t.Fatalf("attStmt alg %d, want %d", alg, attAlg)
				}
				chain := certs(t, reg.attStmt["x5c"])
				if want := map[bool]int{false: 1, true: 2}[intermediate]; len(chain) != want {
					t.Fatalf("x5c has %d certificates, want %d", len(chain), want)
				}
				if !chain[0].Equal(a.AttestationChain()[0]) {
					t.Fatal("x5c[0] is not AttestationChain()[0]")
				}
			})
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]passkeytest.Config{
		"unknown algorithm":       {Algorithms: []int64{-7, 12345}},
		"unknown attestation":     {Attestation: 42},
		"bad attachment":          {Attachment: "usb"},
		"negative ID length":      {CredentialIDLength: -1},
		"ID length over 65535":    {CredentialIDLength: 65536},
		"ML-DSA attestation cert": {Attestation: passkeytest.AttestationPacked, AttestationAlgorithm: passkeytest.AlgMLDSA44},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := passkeytest.New(cfg); err == nil {
				t.Fatal("New accepted the config")
			}
		})
	}
}
