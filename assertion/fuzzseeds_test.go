package assertion_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/passkeytest"
)

// parseSeed is one seed of FuzzParse.
type parseSeed struct {
	name string
	body []byte
}

// parseSeeds are FuzzParse's seeds: passkeytest assertions with and without
// a userHandle, every recorded authentication response, and bodies for each
// verdict of Parse. TestFuzzSeedsReachCodes checks them.
func parseSeeds(t testing.TB) []parseSeed {
	t.Helper()
	var out []parseSeed
	for _, alg := range []int64{passkeytest.AlgES256, passkeytest.AlgEdDSA, passkeytest.AlgRS256} {
		e := newEnv(t, alg, passkeytest.Config{})
		out = append(out,
			parseSeed{"passkeytest", e.get(t, request{})},
			parseSeed{"passkeytest without userHandle", e.get(t, request{}, func(k *passkeytest.Knobs) { k.OmitUserHandle = true })})
	}
	for _, b := range recordedResponses(t, "authentication") {
		out = append(out, parseSeed{"recorded", b})
	}
	for _, s := range []parseSeed{
		{"empty members, userHandle null", []byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"","authenticatorData":"","signature":"","userHandle":null}}`)},
		{"padded id, empty userHandle", []byte(`{"id":"AA==","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA","userHandle":""},"clientExtensionResults":{}}`)},
		{"id of another credential", []byte(`{"id":"AQ","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`)},
		{"no signature", []byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA"}}`)},
		{"truncated JSON", []byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30"`)},
	} {
		out = append(out, parseSeed{s.name, s.body})
	}
	return out
}

// verifySeed is one seed of FuzzVerify: a target and the members that
// replace its own, with the verdict they must give.
type verifySeed struct {
	name string
	alg  uint8
	m    members
	want errcode.Sentinel // "" for an assertion that verifies
}

// verifySeeds are FuzzVerify's seeds: for every target, its honest
// assertion, its replayed earlier one, and one edit for each check the
// fuzzed members can fail (the edits are unsigned: each check comes before
// the signature's, except the counter's, which the replay reaches).
// TestFuzzSeedsReachCodes checks that each gives its verdict.
func verifySeeds(targets []assertionTarget) []verifySeed {
	var out []verifySeed
	for i, tg := range targets {
		o := tg.orig
		cdj := func(old, new string) members {
			return members{bytes.Replace(o.clientDataJSON, []byte(old), []byte(new), 1), o.authenticatorData, o.signature}
		}
		ad := func(edit func(ad []byte) []byte) members {
			return members{o.clientDataJSON, edit(bytes.Clone(o.authenticatorData)), o.signature}
		}
		flags := func(set, clear byte) members {
			return ad(func(ad []byte) []byte { ad[32] = ad[32]&^clear | set; return ad })
		}
		const up, uv, be, bs = 0x01, 0x04, 0x08, 0x10
		for _, s := range []verifySeed{
			{"honest", 0, o, ""},
			{"replayed", 0, tg.replay, errcode.ErrSignCountRegression},
			{"counter changed", 0, ad(func(ad []byte) []byte { ad[36]++; return ad }), errcode.ErrSignatureInvalid},
			{"signature truncated", 0, members{o.clientDataJSON, o.authenticatorData, o.signature[:len(o.signature)-1]}, errcode.ErrSignatureInvalid},
			{"client data truncated", 0, members{o.clientDataJSON[:len(o.clientDataJSON)-1], o.authenticatorData, o.signature}, errcode.ErrMalformedClientData},
			{"type webauthn.create", 0, cdj(`"webauthn.get"`, `"webauthn.create"`), errcode.ErrTypeMismatch},
			{"another challenge", 0, cdj(b64.EncodeToString(testChallenge), "AAAA"), errcode.ErrChallengeMismatch},
			{"another origin", 0, cdj(`"`+testOrigin+`"`, `"https://evil.example"`), errcode.ErrOriginMismatch},
			{"cross-origin", 0, cdj(`"crossOrigin":false`, `"crossOrigin":true`), errcode.ErrCrossOriginNotAllowed},
			{"authenticator data truncated", 0, ad(func(ad []byte) []byte { return ad[:36] }), errcode.ErrMalformedAuthenticatorData},
			{"another rpIdHash", 0, ad(func(ad []byte) []byte { ad[0] ^= 1; return ad }), errcode.ErrRPIDMismatch},
			{"UP clear", 0, flags(0, up), errcode.ErrUserNotPresent},
			{"UV clear", 0, flags(0, uv), errcode.ErrUserNotVerified},
			{"BS without BE", 0, flags(bs, be), errcode.ErrBackupFlagsInvalid},
			{"BE set", 0, flags(be, 0), errcode.ErrBackupEligibilityChanged},
		} {
			s.name = tg.rec.Alg.String() + " " + s.name
			s.alg = uint8(i)
			out = append(out, s)
		}
	}
	return out
}

// TestFuzzSeedsReachCodes holds the seeds of FuzzParse and FuzzVerify to
// their verdicts. Parse's are malformed-response and
// credential-id-mismatch; FuzzVerify's seeds must each give the verdict
// they are named for, and together reach acceptance and every code that
// the three fuzzed members can lead to. (The others need another record or
// other expectations: unknown-credential, user-handle-mismatch and
// user-handle-missing depend on the id and userHandle members, which
// FuzzVerify keeps; malformed-public-key on the stored key.)
func TestFuzzSeedsReachCodes(t *testing.T) {
	t.Run("FuzzParse", func(t *testing.T) {
		want := []string{"", string(errcode.ErrMalformedResponse), string(errcode.ErrCredentialIDMismatch)}
		reached := map[string][]string{}
		for _, s := range parseSeeds(t) {
			_, err := assertion.Parse(s.body)
			code := ""
			if err != nil {
				var e *errcode.Error
				if !errors.As(err, &e) {
					t.Fatalf("seed %q: error %v is not an *errcode.Error", s.name, err)
				}
				code = e.Code
			}
			reached[code] = append(reached[code], s.name)
		}
		for _, c := range want {
			if len(reached[c]) == 0 {
				t.Errorf("no seed reaches %q", c)
			}
		}
		if len(reached) != len(want) {
			t.Errorf("seeds reach %d verdicts, the test names %d: %v", len(reached), len(want), reached)
		}
	})
	t.Run("FuzzVerify", func(t *testing.T) {
		targets, err := assertionTargets()
		if err != nil {
			t.Fatal(err)
		}
		want := []errcode.Sentinel{"",
			errcode.ErrMalformedClientData, errcode.ErrTypeMismatch, errcode.ErrChallengeMismatch,
			errcode.ErrOriginMismatch, errcode.ErrCrossOriginNotAllowed,
			errcode.ErrMalformedAuthenticatorData, errcode.ErrRPIDMismatch, errcode.ErrUserNotPresent,
			errcode.ErrUserNotVerified, errcode.ErrBackupFlagsInvalid, errcode.ErrBackupEligibilityChanged,
			errcode.ErrSignatureInvalid, errcode.ErrSignCountRegression,
		}
		reached := map[errcode.Sentinel]int{}
		for _, s := range verifySeeds(targets) {
			_, err := verifyMembers(t, targets[s.alg], s.m)
			got := errcode.Sentinel(errcode.Code(err))
			if err != nil && got == "" {
				t.Fatalf("seed %q: error %v carries no code", s.name, err)
			}
			if got != s.want {
				t.Errorf("seed %q: verdict %q, want %q (%v)", s.name, got, s.want, err)
			}
			reached[got]++
		}
		for _, c := range want {
			if reached[c] == 0 {
				t.Errorf("no seed reaches %q", c)
			}
		}
	})
}
