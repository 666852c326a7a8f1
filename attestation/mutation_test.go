package attestation_test

import (
	"bytes"
	"crypto/elliptic"
	"encoding/asn1"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/internal/cbor"
	"github.com/gopasskey/passkey/passkeytest"
)

// mutationXORs are the values each byte is XORed with: every single bit,
// and the complement.
var mutationXORs = []byte{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff}

// mutationBudget bounds the time one statement kind's mutations may take;
// past it the rest of the (shuffled) list is skipped and the count logged.
func mutationBudget() time.Duration {
	if testing.Short() {
		return 250 * time.Millisecond
	}
	return time.Second
}

// regMembers are the decoded binary members of a RegistrationResponseJSON
// that the verifier reads.
type regMembers struct {
	clientDataJSON, attestationObject, authenticatorData []byte
}

func decodeRegMembers(t testing.TB, body []byte) regMembers {
	t.Helper()
	var j struct {
		Response struct{ ClientDataJSON, AttestationObject, AuthenticatorData string }
	}
	if err := json.Unmarshal(body, &j); err != nil {
		t.Fatal(err)
	}
	dec := func(s string) []byte {
		b, err := b64.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return regMembers{dec(j.Response.ClientDataJSON), dec(j.Response.AttestationObject), dec(j.Response.AuthenticatorData)}
}

// replaceB64 swaps the base64url spelling of old in body for that of new;
// old must occur exactly once.
func replaceB64(t testing.TB, body []byte, name string, old, new []byte) []byte {
	o := []byte(`"` + name + `":"` + b64.EncodeToString(old) + `"`)
	if bytes.Count(body, o) != 1 {
		t.Fatalf("member %s occurs %d times in the body", name, bytes.Count(body, o))
	}
	return bytes.Replace(body, o, []byte(`"`+name+`":"`+b64.EncodeToString(new)+`"`), 1)
}

// TestMutationProperty flips single bytes of the decoded binary members of
// honest registrations (clientDataJSON, attestationObject and the
// authenticatorData copy), re-encodes each into the JSON body and verifies
// it. A mutation that verifies must:
//   - packed (self, x5c): leave authenticator data and client data as they
//     were; the statement may differ only by an ECDSA sig (r, s) turned
//     into (r, n−s);
//   - fido-u2f: the same, except that flags, counter and AAGUID, which the
//     U2F signature does not cover, may differ;
//   - none: be reported as it is: the result's flags, counter, AAGUID, key
//     and extensions are those the mutated bytes say, and client data may
//     differ only in what no check reads.
func TestMutationProperty(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind passkeytest.Attestation
		// unsigned lists the authenticator data bytes the statement's
		// signature does not cover; all means no signature at all.
		unsigned func(i int) bool
		all      bool
	}{
		{name: "none", kind: passkeytest.AttestationNone, all: true},
		{name: "packed-self", kind: passkeytest.AttestationPackedSelf, unsigned: func(int) bool { return false }},
		{name: "packed-x5c", kind: passkeytest.AttestationPacked, unsigned: func(int) bool { return false }},
		// flags (32), signCount (33–36), AAGUID (37–52).
		{name: "fido-u2f", kind: passkeytest.AttestationFIDOU2F, unsigned: func(i int) bool { return i >= 32 && i < 53 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{Attestation: tc.kind, AAGUID: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}})
			body := register(t, a, creation{})
			x := expectFor(t)
			if tc.kind != passkeytest.AttestationNone && tc.kind != passkeytest.AttestationPackedSelf {
				x.TrustAnchors = anchors(a)
			}
			if _, err := verifyBody(body, x); err != nil {
				t.Fatalf("the honest registration is rejected: %v", err)
			}
			orig := decodeRegMembers(t, body)
			origObj := decodeAttObject(t, orig.attestationObject)
			values := map[string][]byte{
				"clientDataJSON":    orig.clientDataJSON,
				"attestationObject": orig.attestationObject,
				"authenticatorData": orig.authenticatorData,
			}
			type mutation struct {
				member string
				pos    int
				xor    byte
			}
			var list []mutation
			for _, name := range []string{"clientDataJSON", "attestationObject", "authenticatorData"} {
				for i := range values[name] {
					for _, x := range mutationXORs {
						list = append(list, mutation{name, i, x})
					}
				}
			}
			rng := rand.New(rand.NewPCG(uint64(tc.kind), 11))
			rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })

			deadline := time.Now().Add(mutationBudget())
			done, accepted, known := 0, 0, 0
			for _, m := range list {
				if time.Now().After(deadline) {
					break
				}
				done++
				mutated := bytes.Clone(values[m.member])
				mutated[m.pos] ^= m.xor
				res, err := verifyBody(replaceB64(t, body, m.member, values[m.member], mutated), x)
				if err != nil {
					continue
				}
				accepted++
				what := fmt.Sprintf("%s[%d] ^= %#02x verifies", m.member, m.pos, m.xor)
				switch m.member {
				case "authenticatorData":
					t.Errorf("%s: the authenticatorData copy differs from the attestation object's", what)
				case "clientDataJSON":
					switch {
					case !tc.all:
						t.Errorf("%s: client data is signed", what)
					case sameClientData(orig.clientDataJSON, mutated, false):
					case caseFlip(orig.clientDataJSON, m.pos, m.xor) && sameClientData(orig.clientDataJSON, mutated, true):
						known++
						t.Logf("%s: KNOWN DEVIATION, a member name matched case-insensitively: %q", what, mutated)
					default:
						t.Errorf("%s: client data now says %q", what, mutated)
					}
				case "attestationObject":
					err := judgeObject(origObj, mutated, res, tc.all, tc.unsigned)
					if err != nil && caseFlip(orig.attestationObject, m.pos, m.xor) && judgeObjectFolded(origObj, mutated, res, tc.all, tc.unsigned) == nil {
						known++
						t.Logf("%s: KNOWN DEVIATION, a map key matched case-insensitively (%v)", what, err)
						continue
					}
					if err != nil {
						t.Errorf("%s: %v", what, err)
					}
				}
			}
			t.Logf("%d of %d mutations tried, %d verified, %d of them known deviations (see TestMemberNamesAreCaseSensitive)", done, len(list), accepted, known)
		})
	}
}

// judgeObject checks an accepted mutated attestation object against the
// original: the same fmt, authenticator data equal except where unsigned
// allows (anything when all), a statement equal except for an ECDSA
// (r, n−s) sig, and a result that reports what the mutated bytes say.
func judgeObject(orig attObject, mutated []byte, res *attestation.Result, all bool, unsigned func(int) bool) error {
	o, err := decodeAttObjectExact(mutated)
	if err != nil {
		return fmt.Errorf("accepted an attestation object: %v", err)
	}
	if o.Fmt != orig.Fmt {
		return fmt.Errorf("fmt became %q", o.Fmt)
	}
	if !all {
		if len(o.AuthData) != len(orig.AuthData) {
			return fmt.Errorf("authenticator data length changed")
		}
		for i := range o.AuthData {
			if o.AuthData[i] != orig.AuthData[i] && !unsigned(i) {
				return fmt.Errorf("signed authenticator data byte %d changed", i)
			}
		}
	}
	if !bytes.Equal(o.AttStmt, orig.AttStmt) {
		if err := sameStatement(orig.AttStmt, o.AttStmt); err != nil {
			return err
		}
	}
	return reportsAuthData(o.AuthData, res)
}

// decodeAttObjectExact decodes an attestation object with its member names
// matched exactly, as CBOR text keys are compared (RFC 8949 §5.6).
func decodeAttObjectExact(raw []byte) (attObject, error) {
	var m map[string]cbor.RawMessage
	if err := cbor.Unmarshal(raw, &m); err != nil {
		return attObject{}, err
	}
	var o attObject
	fmtRaw, ok1 := m["fmt"]
	adRaw, ok2 := m["authData"]
	stmt, ok3 := m["attStmt"]
	if !ok1 || !ok2 || !ok3 {
		return attObject{}, fmt.Errorf("fmt, attStmt or authData is missing (keys are case-sensitive)")
	}
	if err := cbor.Unmarshal(fmtRaw, &o.Fmt); err != nil {
		return attObject{}, err
	}
	if err := cbor.Unmarshal(adRaw, &o.AuthData); err != nil {
		return attObject{}, err
	}
	o.AttStmt = stmt
	return o, nil
}

// sameStatement accepts two attestation statements that differ only by an
// ECDSA sig (r, s) against (r, n−s).
func sameStatement(a, b []byte) error {
	var ma, mb map[string]cbor.RawMessage
	if cbor.Unmarshal(a, &ma) != nil || cbor.Unmarshal(b, &mb) != nil || len(ma) != len(mb) {
		return fmt.Errorf("the statement's members changed")
	}
	for k, va := range ma {
		vb, ok := mb[k]
		if !ok {
			return fmt.Errorf("statement member %q went away", k)
		}
		if bytes.Equal(va, vb) {
			continue
		}
		var sa, sb []byte
		if k != "sig" || cbor.Unmarshal(va, &sa) != nil || cbor.Unmarshal(vb, &sb) != nil || !isNegatedS(sa, sb) {
			return fmt.Errorf("statement member %q changed", k)
		}
	}
	return nil
}

// reportsAuthData parses authenticator data on its own (AT set, ED clear or
// one trailing item) and compares the result with it.
func reportsAuthData(ad []byte, res *attestation.Result) error {
	if len(ad) < 55 {
		return fmt.Errorf("accepted %d bytes of authenticator data", len(ad))
	}
	flags := ad[32]
	count := binary.BigEndian.Uint32(ad[33:37])
	var aaguid [16]byte
	copy(aaguid[:], ad[37:53])
	n := int(binary.BigEndian.Uint16(ad[53:55]))
	if len(ad) < 55+n {
		return fmt.Errorf("accepted a truncated credential ID")
	}
	credID, rest := ad[55:55+n], ad[55+n:]
	keyLen, err := cbor.ItemLen(rest)
	if err != nil {
		return fmt.Errorf("accepted a malformed key: %v", err)
	}
	key, ext := rest[:keyLen], rest[keyLen:]
	rec := res.Record
	switch {
	case byte(res.Flags) != flags:
		return fmt.Errorf("flags %#02x reported as %#02x", flags, byte(res.Flags))
	case rec.SignCount != count:
		return fmt.Errorf("counter %d reported as %d", count, rec.SignCount)
	case rec.AAGUID != aaguid:
		return fmt.Errorf("AAGUID %x reported as %x", aaguid, rec.AAGUID)
	case !bytes.Equal(rec.ID, credID):
		return fmt.Errorf("credential ID reported wrongly")
	case !bytes.Equal(rec.PublicKey, key):
		return fmt.Errorf("key reported wrongly")
	case !bytes.Equal(res.Extensions, ext):
		return fmt.Errorf("extensions %x reported as %x", ext, res.Extensions)
	case rec.UVInitialized != (flags&0x04 != 0), rec.BackupState != (flags&0x10 != 0):
		return fmt.Errorf("UV or BS recorded wrongly")
	}
	return nil
}

// sameClientData reports whether two clientDataJSON documents say the same
// thing to a case-sensitive JSON reader (or, with folded, to one that
// matches member names case-insensitively): type, challenge, origin,
// crossOrigin (absent = false) and topOrigin.
func sameClientData(a, b []byte, folded bool) bool {
	read := func(raw []byte) (map[string]any, bool) {
		var m map[string]any
		if json.Unmarshal(raw, &m) != nil {
			return nil, false
		}
		out := map[string]any{}
		for _, k := range []string{"type", "challenge", "origin", "crossOrigin", "topOrigin"} {
			for name, v := range m {
				if name == k || folded && strings.EqualFold(name, k) {
					out[k] = v
				}
			}
		}
		if out["crossOrigin"] == false {
			delete(out, "crossOrigin")
		}
		return out, true
	}
	ma, okA := read(a)
	mb, okB := read(b)
	if !okA || !okB || len(ma) != len(mb) {
		return false
	}
	for k, v := range ma {
		if mb[k] != v {
			return false
		}
	}
	return true
}

// caseFlip reports a mutation that only changes the case of an ASCII letter.
func caseFlip(orig []byte, pos int, xor byte) bool {
	c := orig[pos] | 0x20
	return xor == 0x20 && c >= 'a' && c <= 'z'
}

// judgeObjectFolded is judgeObject with the attestation object's keys
// matched case-insensitively, as the verifier currently matches them: a
// mutation it accepts is the known deviation and nothing worse.
func judgeObjectFolded(orig attObject, mutated []byte, res *attestation.Result, all bool, unsigned func(int) bool) error {
	var m map[string]cbor.RawMessage
	if err := cbor.Unmarshal(mutated, &m); err != nil {
		return err
	}
	exact := map[string]cbor.RawMessage{}
	for k, v := range m {
		for _, name := range []string{"fmt", "attStmt", "authData"} {
			if strings.EqualFold(k, name) {
				if _, dup := exact[name]; dup {
					return fmt.Errorf("two keys spell %s", name)
				}
				exact[name] = v
			}
		}
	}
	again, err := cbor.Marshal(exact)
	if err != nil {
		return err
	}
	return judgeObject(orig, again, res, all, unsigned)
}

type ecdsaSig struct{ R, S *big.Int }

// isNegatedS reports whether sig2 is the canonical DER of (r, n−s) where
// sig1 is (r, s) on P-256.
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

// TestStatementNegatedS pins the exception the mutation property allows:
// a packed statement whose ECDSA sig is (r, n−s) verifies.
func TestStatementNegatedS(t *testing.T) {
	for _, kind := range []passkeytest.Attestation{passkeytest.AttestationPackedSelf, passkeytest.AttestationPacked} {
		a := newAuthenticator(t, passkeytest.Config{Attestation: kind})
		body := register(t, a, creation{}, func(k *passkeytest.Knobs) {
			k.TamperStatement = func(st *passkeytest.Statement) {
				var rs ecdsaSig
				if _, err := asn1.Unmarshal(st.AttStmt["sig"].([]byte), &rs); err != nil {
					panic(err)
				}
				rs.S.Sub(elliptic.P256().Params().N, rs.S)
				neg, err := asn1.Marshal(rs)
				if err != nil {
					panic(err)
				}
				st.AttStmt["sig"] = neg
			}
		})
		if _, err := verifyBody(body, expectFor(t)); err != nil {
			t.Errorf("kind %d: (r, n−s) rejected: %v", kind, err)
		}
	}
}
