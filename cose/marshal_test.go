package cose

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"math/big"
	"testing"
)

// TestMarshalCanonical: Marshal's output is what the project's canonical
// CBOR encoder (an independent implementation) makes of the same members,
// and holds exactly the required members.
func TestMarshalCanonical(t *testing.T) {
	wantMembers := map[keyType]int{ktyEC2: 5, ktyOKP: 4, ktyRSA: 4, ktyAKP: 3}
	for _, alg := range allAlgs {
		t.Run(alg.String(), func(t *testing.T) {
			s := newSigner(t, alg)
			b := mustMarshal(t, s.pub, alg)
			m := mapOf(t, s)
			if !bytes.Equal(m.encode(t), b) {
				t.Error("Marshal output is not canonical CBOR")
			}
			info, _ := lookupAlg(alg)
			if len(m) != wantMembers[info.kty] {
				t.Errorf("%d members, want %d", len(m), wantMembers[info.kty])
			}
			if m[1] != int64(info.kty) || m[3] != int64(alg) {
				t.Errorf("kty %v alg %v", m[1], m[3])
			}
		})
	}
}

func TestMarshalLayoutES256(t *testing.T) {
	s := newSigner(t, ES256)
	b := mustMarshal(t, s.pub, ES256)
	pt, err := s.pub.(*ecdsa.PublicKey).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20}
	want = append(want, pt[1:33]...)
	want = append(want, 0x22, 0x58, 0x20)
	want = append(want, pt[33:]...)
	if !bytes.Equal(b, want) {
		t.Errorf("ES256 key encodes as %x, want %x", b, want)
	}
}

func TestMarshalRSAMinimal(t *testing.T) {
	pub := &rsaTestKey().PublicKey
	m := mapOf(t, signer{alg: RS256, pub: pub})
	if e := m[-2].([]byte); !bytes.Equal(e, []byte{1, 0, 1}) {
		t.Errorf("e = %x, want 010001", e)
	}
	if n := m[-1].([]byte); n[0] == 0 || len(n) != 256 {
		t.Errorf("n is not minimal: %d bytes, first %x", len(n), n[0])
	}
}

func TestMarshalRejectsInvalidKeys(t *testing.T) {
	s := newSigner(t, ES256)
	p := s.pub.(*ecdsa.PublicKey)
	offCurve := &ecdsa.PublicKey{Curve: elliptic.P256(), X: p.X, Y: new(big.Int).Add(p.Y, big.NewInt(1))}
	if _, err := Marshal(offCurve, ES256); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("off-curve point: %v, want ErrKeyMismatch", err)
	}
	even := &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 2047), E: 65537}
	if _, err := Marshal(even, RS256); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("even modulus: %v, want ErrKeyMismatch", err)
	}
}
