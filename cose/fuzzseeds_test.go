package cose

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// parseKeySeed is one seed of FuzzParseKey, named so that a test failure
// says which one.
type parseKeySeed struct {
	name string
	data []byte
}

// parseKeySeeds are FuzzParseKey's seeds: a valid key of every algorithm in
// both forms (bare and with a tolerated extra member), and one key for each
// verdict ParseKey gives, so the fuzzer starts on both sides of every check
// and TestFuzzSeedsReachCodes can hold the list to that.
func parseKeySeeds(t testing.TB) []parseKeySeed {
	t.Helper()
	var out []parseKeySeed
	var es256 coseMap
	for _, alg := range allAlgs {
		s := newSigner(t, alg)
		m := mapOf(t, s)
		if alg == ES256 {
			es256 = m
		}
		out = append(out,
			parseKeySeed{alg.String(), m.encode(t)},
			parseKeySeed{alg.String() + " with kid", with(m, map[any]any{2: []byte("kid")}).encode(t)})
	}
	offCurve := bytes.Clone(es256[labelY].([]byte))
	offCurve[len(offCurve)-1] ^= 1
	return append(out,
		parseKeySeed{"empty map", []byte{0xa0}},
		parseKeySeed{"kty alone", []byte{0xa1, 0x01, 0x02}},
		// ES256K (-47): an ECDSA algorithm WebAuthn registers but the
		// library does not verify.
		parseKeySeed{"unsupported alg", with(es256, map[any]any{3: -47}).encode(t)},
		parseKeySeed{"point off the curve", with(es256, map[any]any{labelY: offCurve}).encode(t)},
		parseKeySeed{"private member d", with(es256, map[any]any{labelD: bytes.Repeat([]byte{1}, 32)}).encode(t)},
	)
}

// TestFuzzSeedsReachCodes holds FuzzParseKey's seeds to reaching every
// verdict ParseKey can give, each under every spec anchor it can carry, and
// acceptance.
func TestFuzzSeedsReachCodes(t *testing.T) {
	type verdict struct{ code, check string }
	want := []verdict{
		{"", ""}, // accepted
		{string(errcode.ErrMalformedPublicKey), checkKeyEncoding},
		{string(errcode.ErrMalformedPublicKey), checkAlgIdentifier},
		{string(errcode.ErrUnsupportedAlgorithm), checkAlgIdentifier},
	}
	reached := map[verdict][]string{}
	for _, s := range parseKeySeeds(t) {
		_, err := ParseKey(s.data)
		v := verdict{}
		if err != nil {
			var e *errcode.Error
			if !errors.As(err, &e) {
				t.Fatalf("seed %q: error %v is not an *errcode.Error", s.name, err)
			}
			v = verdict{e.Code, e.Check}
		}
		reached[v] = append(reached[v], s.name)
	}
	for _, v := range want {
		if len(reached[v]) == 0 {
			t.Errorf("no seed reaches code %q at %q", v.code, v.check)
		}
	}
	if len(reached) != len(want) {
		t.Errorf("seeds reach %d verdicts, the test names %d: %v", len(reached), len(want), reached)
	}
}

// TestFuzzVerifySeedsReach holds FuzzVerify's seeds to reaching, for every
// target, acceptance and a refusal, and across targets each refusal of
// Verify: a wrong length, a signature that is not canonical DER, and one
// that does not verify. All are ErrSignature, without a code; the message
// names the refusal. It also checks that the targets are the same every
// time they are made, as every fuzzing worker makes them.
func TestFuzzVerifySeedsReach(t *testing.T) {
	targets := newVerifyTargets(t)
	for i, again := range newVerifyTargets(t) {
		if !bytes.Equal(again.sig, targets[i].sig) || !again.key.Equal(targets[i].key.Public()) {
			t.Errorf("%v: the target differs from one making to the next", again.key.Algorithm())
		}
	}
	refusals := []string{"has the wrong length", "not one canonical DER", "does not verify"}
	reached := map[string]int{}
	for i, tg := range targets {
		var ok, refused int
		for _, s := range verifySeeds(targets) {
			if int(s.target) != i {
				continue
			}
			err := tg.key.Verify(s.msg, s.sig)
			if err == nil {
				ok++
				continue
			}
			if !errors.Is(err, ErrSignature) || errcode.Code(err) != "" {
				t.Fatalf("seed %q: error %v is not a bare ErrSignature", s.name, err)
			}
			refused++
			for _, r := range refusals {
				if strings.Contains(err.Error(), r) {
					reached[r]++
				}
			}
		}
		if ok == 0 || refused == 0 {
			t.Errorf("%v: %d seeds verify, %d are refused; want both", tg.key.Algorithm(), ok, refused)
		}
	}
	for _, r := range refusals {
		if reached[r] == 0 {
			t.Errorf("no seed is refused with %q", r)
		}
	}
}
