package cose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Wycheproof vectors (testdata/wycheproof, Apache-2.0, see its README) run
// through the path credential keys take: the group's key is encoded with
// Marshal, parsed with ParseKey and every signature checked with Key.Verify.

// hexBytes decodes a JSON hex string.
type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := hex.DecodeString(s)
	*h = v
	return err
}

type wycheproofFile struct {
	Algorithm  string `json:"algorithm"`
	TestGroups []struct {
		PublicKey struct {
			Uncompressed   hexBytes `json:"uncompressed"`   // ECDSA
			Curve          string   `json:"curve"`          // ECDSA, EdDSA
			PK             hexBytes `json:"pk"`             // EdDSA
			Modulus        hexBytes `json:"modulus"`        // RSA
			PublicExponent hexBytes `json:"publicExponent"` // RSA
		} `json:"publicKey"`
		SHA    string `json:"sha"`
		MGF    string `json:"mgf"`
		MGFSHA string `json:"mgfSha"`
		SLen   int    `json:"sLen"`
		Tests  []struct {
			TcID    int      `json:"tcId"`
			Comment string   `json:"comment"`
			Msg     hexBytes `json:"msg"`
			Sig     hexBytes `json:"sig"`
			Result  string   `json:"result"`
			Flags   []string `json:"flags"`
		} `json:"tests"`
	} `json:"testGroups"`
}

// acceptableDecisions says, for each Wycheproof flag that marks an
// "acceptable" vector in our files, whether the library accepts such a
// signature and why. A vector whose flags are not all here fails the test,
// so a new kind of acceptable vector forces a decision.
var acceptableDecisions = map[string]struct {
	accept bool
	reason string
}{
	"MissingNull": {false, "PKCS #1 v1.5 DigestInfo without the NULL parameter: crypto/rsa compares " +
		"against the encoding with NULL only; authenticators and TPMs sign with NULL (RFC 8017 §9.2 " +
		"note 2 allows either, WebAuthn does not ask for the variant), so rejecting is safe"},
}

type wycheproofCase struct {
	file string
	alg  Algorithm
	// key builds the group's public key, or reports why it cannot.
	key func(t *testing.T, f *wycheproofFile, g int) crypto.PublicKey
}

func ecdsaKey(curve elliptic.Curve, name string) func(*testing.T, *wycheproofFile, int) crypto.PublicKey {
	return func(t *testing.T, f *wycheproofFile, g int) crypto.PublicKey {
		pk := f.TestGroups[g].PublicKey
		if pk.Curve != name {
			t.Fatalf("group %d: curve %s, want %s", g, pk.Curve, name)
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, pk.Uncompressed)
		if err != nil {
			t.Fatalf("group %d: %v", g, err)
		}
		return pub
	}
}

func TestWycheproof(t *testing.T) {
	cases := []wycheproofCase{
		{"ecdsa_secp256r1_sha256", ES256, ecdsaKey(elliptic.P256(), "secp256r1")},
		{"ecdsa_secp384r1_sha384", ES384, ecdsaKey(elliptic.P384(), "secp384r1")},
		{"ecdsa_secp521r1_sha512", ES512, ecdsaKey(elliptic.P521(), "secp521r1")},
		{"ed25519", EdDSA, func(t *testing.T, f *wycheproofFile, g int) crypto.PublicKey {
			return ed25519.PublicKey(f.TestGroups[g].PublicKey.PK)
		}},
		{"rsa_signature_2048_sha256", RS256, rsaKey},
		{"rsa_pss_2048_sha256_mgf1_32", PS256, func(t *testing.T, f *wycheproofFile, g int) crypto.PublicKey {
			grp := f.TestGroups[g]
			if grp.SHA != "SHA-256" || grp.MGF != "MGF1" || grp.MGFSHA != "SHA-256" || grp.SLen != 32 {
				t.Fatalf("group %d: PSS parameters %s/%s/%s/%d are not PS256's", g, grp.SHA, grp.MGF, grp.MGFSHA, grp.SLen)
			}
			return rsaKey(t, f, g)
		}},
	}
	var mu sync.Mutex // serialises the summary lines
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", "wycheproof", c.file+"_test.json"))
			if err != nil {
				t.Fatal(err)
			}
			var f wycheproofFile
			if err := json.Unmarshal(data, &f); err != nil {
				t.Fatal(err)
			}
			passed, failed, viaPublic := 0, 0, 0
			for g := range f.TestGroups {
				grp := f.TestGroups[g]
				if c.alg.Hash() != 0 && grp.SHA != c.alg.Hash().String() {
					t.Fatalf("group %d hashes with %s, want %s", g, grp.SHA, c.alg.Hash())
				}
				pub := c.key(t, &f, g)
				// The credential path. A group key the strict parser rejects
				// is still tested through VerifySignature, and counted.
				verify := func(msg, sig []byte) error {
					return VerifySignature(c.alg, pub, msg, sig, VerifyOptions{})
				}
				if b, err := Marshal(pub, c.alg); err == nil {
					k, err := ParseKey(b)
					if err != nil {
						t.Fatalf("group %d: Marshal output does not parse: %v", g, err)
					}
					verify = k.Verify
				} else {
					viaPublic++
					t.Logf("group %d: key rejected by the parser (%v); using VerifySignature", g, err)
				}
				for _, tc := range grp.Tests {
					want, why := tc.Result == "valid", ""
					switch tc.Result {
					case "valid", "invalid":
					case "acceptable":
						want, why = decide(t, tc.Flags)
					default:
						t.Fatalf("tcId %d: unknown result %q", tc.TcID, tc.Result)
					}
					err := verify(tc.Msg, tc.Sig)
					if got := err == nil; got != want {
						failed++
						t.Errorf("tcId %d (%s, %s, flags %v): verified=%v, want %v %s (err: %v)",
							tc.TcID, tc.Comment, tc.Result, tc.Flags, got, want, why, err)
						continue
					}
					passed++
				}
			}
			if viaPublic > 0 {
				t.Logf("%d groups tested through VerifySignature", viaPublic)
			}
			line := fmt.Sprintf("wycheproof %s: %d passed, %d failed", c.file, passed, failed)
			t.Log(line)
			mu.Lock()
			fmt.Println(line)
			mu.Unlock()
		})
	}
}

func rsaKey(t *testing.T, f *wycheproofFile, g int) crypto.PublicKey {
	pk := f.TestGroups[g].PublicKey
	e := new(big.Int).SetBytes(pk.PublicExponent)
	if !e.IsInt64() {
		t.Fatalf("group %d: exponent too large", g)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(pk.Modulus), E: int(e.Int64())}
}

// decide returns the decision for an "acceptable" vector from its flags.
func decide(t *testing.T, flags []string) (bool, string) {
	t.Helper()
	if len(flags) == 0 {
		t.Fatal("acceptable vector without flags")
	}
	var reasons []string
	accept := false
	for i, fl := range flags {
		d, ok := acceptableDecisions[fl]
		if !ok {
			t.Fatalf("acceptable vector with flag %q: add a decision to acceptableDecisions", fl)
		}
		if i > 0 && d.accept != accept {
			t.Fatalf("flags %v have conflicting decisions", flags)
		}
		accept = d.accept
		reasons = append(reasons, fl+": "+d.reason)
	}
	return accept, "(decision: " + strings.Join(reasons, "; ") + ")"
}
