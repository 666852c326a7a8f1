package assertion_test

import (
	"bytes"
	"crypto/elliptic"
	"encoding/asn1"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gopasskey/passkey/passkeytest"
)

// mutationXORs are the values each byte is XORed with: every single bit,
// and the complement.
var mutationXORs = []byte{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff}

// mutationBudget bounds the time one algorithm's mutations may take; past
// it the rest of the (shuffled) list is skipped and the count logged.
func mutationBudget() time.Duration {
	if testing.Short() {
		return 300 * time.Millisecond
	}
	return 1500 * time.Millisecond
}

// mutation is one byte of one member XORed with one value.
type mutation struct {
	member string
	pos    int
	xor    byte
}

// TestMutationProperty flips single bytes of the decoded binary members of
// an honest assertion (clientDataJSON, authenticatorData, signature),
// re-encodes each into the JSON body and verifies it. No mutation may
// verify, except that an ECDSA signature (r, s) may become (r, n−s): the
// signed bytes are covered by the signature, and non-canonical DER is
// refused.
func TestMutationProperty(t *testing.T) {
	for _, tc := range []struct {
		name string
		alg  int64
	}{
		{"ES256", passkeytest.AlgES256},
		{"EdDSA", passkeytest.AlgEdDSA},
		{"RS256", passkeytest.AlgRS256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.alg, passkeytest.Config{})
			body := e.get(t, request{})
			rec, x := e.record(), expectFor(t)
			if _, err := verifyBody(body, rec, x); err != nil {
				t.Fatalf("the honest assertion is rejected: %v", err)
			}
			orig := decodeMembers(t, body)
			values := map[string][]byte{
				"clientDataJSON":    orig.clientDataJSON,
				"authenticatorData": orig.authenticatorData,
				"signature":         orig.signature,
			}
			var list []mutation
			for _, name := range []string{"clientDataJSON", "authenticatorData", "signature"} {
				for i := range values[name] {
					for _, v := range mutationXORs {
						list = append(list, mutation{name, i, v})
					}
				}
			}
			rng := rand.New(rand.NewPCG(uint64(tc.alg), 7))
			rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })

			deadline := time.Now().Add(mutationBudget())
			done := 0
			for _, m := range list {
				if time.Now().After(deadline) {
					break
				}
				done++
				mutated := bytes.Clone(values[m.member])
				mutated[m.pos] ^= m.xor
				b := replaceB64(t, body, values[m.member], mutated)
				res, err := verifyBody(b, rec, x)
				if err != nil {
					continue
				}
				if m.member != "signature" || tc.alg != passkeytest.AlgES256 || !isNegatedS(orig.signature, mutated) {
					t.Errorf("%s[%d] ^= %#02x verifies (result %+v)", m.member, m.pos, m.xor, res)
				}
			}
			t.Logf("%d of %d mutations tried", done, len(list))
		})
	}
}

// replaceB64 swaps the base64url spelling of old in body for that of new;
// old must occur exactly once.
func replaceB64(t testing.TB, body, old, new []byte) []byte {
	o := []byte(b64.EncodeToString(old))
	if bytes.Count(body, o) != 1 {
		t.Fatalf("member occurs %d times in the body", bytes.Count(body, o))
	}
	return bytes.Replace(body, o, []byte(b64.EncodeToString(new)), 1)
}

// ecdsaSig is an ASN.1 ECDSA-Sig-Value.
type ecdsaSig struct{ R, S *big.Int }

// isNegatedS reports whether sig2 is the canonical DER of (r, n−s) where
// sig1 is (r, s) on P-256: the one other spelling of a valid ECDSA
// signature that WebAuthn accepts (high-S is valid).
func isNegatedS(sig1, sig2 []byte) bool {
	var a, b ecdsaSig
	if rest, err := asn1.Unmarshal(sig1, &a); err != nil || len(rest) > 0 {
		return false
	}
	if rest, err := asn1.Unmarshal(sig2, &b); err != nil || len(rest) > 0 {
		return false
	}
	canonical, err := asn1.Marshal(b)
	if err != nil || !bytes.Equal(canonical, sig2) {
		return false
	}
	n := elliptic.P256().Params().N
	return a.R.Cmp(b.R) == 0 && new(big.Int).Sub(n, a.S).Cmp(b.S) == 0
}

// TestECDSAEncodings pins the two sides of the mutation property's one
// exception: (r, n−s) verifies, while a non-canonical DER spelling of the
// same (r, s) does not.
func TestECDSAEncodings(t *testing.T) {
	e := newEnv(t, passkeytest.AlgES256, passkeytest.Config{})
	body := e.get(t, request{})
	rec, x := e.record(), expectFor(t)
	sig := decodeMembers(t, body).signature
	var rs ecdsaSig
	if _, err := asn1.Unmarshal(sig, &rs); err != nil {
		t.Fatal(err)
	}
	negated, err := asn1.Marshal(ecdsaSig{rs.R, new(big.Int).Sub(elliptic.P256().Params().N, rs.S)})
	if err != nil {
		t.Fatal(err)
	}
	if !isNegatedS(sig, negated) {
		t.Fatal("isNegatedS does not recognise (r, n−s)")
	}
	if _, err := verifyBody(replaceB64(t, body, sig, negated), rec, x); err != nil {
		t.Fatalf("(r, n−s) rejected: %v", err)
	}
	for name, enc := range nonCanonicalDER(sig) {
		if isNegatedS(sig, enc) {
			t.Fatalf("%s: isNegatedS accepts a non-canonical spelling", name)
		}
		if _, err := verifyBody(replaceB64(t, body, sig, enc), rec, x); err == nil {
			t.Errorf("%s: a non-canonical DER spelling of (r, s) verifies", name)
		}
	}
}

// nonCanonicalDER spells an ECDSA-Sig-Value (r, s) in BER ways that DER
// forbids.
func nonCanonicalDER(sig []byte) map[string][]byte {
	var rs ecdsaSig
	if _, err := asn1.Unmarshal(sig, &rs); err != nil {
		return nil
	}
	integer := func(v *big.Int) []byte {
		b := v.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return append([]byte{0x02, byte(len(b))}, b...)
	}
	seq := func(long bool, parts ...[]byte) []byte {
		body := bytes.Join(parts, nil)
		if long {
			return append([]byte{0x30, 0x81, byte(len(body))}, body...)
		}
		return append([]byte{0x30, byte(len(body))}, body...)
	}
	r, s := integer(rs.R), integer(rs.S)
	return map[string][]byte{
		"long-form length":  seq(true, r, s),
		"trailing byte":     append(bytes.Clone(sig), 0),
		"r with a zero pad": seq(false, padInteger(r), s),
		"s with a zero pad": seq(false, r, padInteger(s)),
	}
}

// padInteger adds a needless leading zero byte to a DER INTEGER.
func padInteger(der []byte) []byte {
	v := der[2:]
	return append([]byte{0x02, byte(len(v) + 1), 0}, v...)
}
