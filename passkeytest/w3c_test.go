package passkeytest_test

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/gopasskey/passkey/passkeytest"
)

// vector is the subset of a fixture case (fixtures/SCHEMA.md) these tests
// read.
type vector struct {
	Name         string          `json:"name"`
	Ceremony     string          `json:"ceremony"`
	RPID         string          `json:"rpId"`
	Origins      []string        `json:"origins"`
	Challenge    string          `json:"challenge"`
	TrustAnchors []string        `json:"trustAnchors"`
	Response     json.RawMessage `json:"response"`
	Credential   struct {
		ID        string `json:"id"`
		PublicKey string `json:"publicKey"`
	} `json:"credential"`
}

func loadVectors(t *testing.T, glob string) []vector {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures match %s", glob)
	}
	var out []vector
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v vector
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, v)
	}
	return out
}

// clientDataKnobs turns a recorded clientDataJSON into the knobs that make
// the authenticator write it again: crossOrigin, topOrigin and the extra
// members, in their order.
func clientDataKnobs(t *testing.T, cdj []byte) passkeytest.Tweak {
	t.Helper()
	var members map[string]json.RawMessage
	if err := json.Unmarshal(cdj, &members); err != nil {
		t.Fatal(err)
	}
	return func(k *passkeytest.Knobs) {
		for _, name := range objectKeys(t, cdj) {
			switch name {
			case "type", "challenge", "origin":
			case "crossOrigin":
				k.CrossOrigin = string(members[name]) == "true"
			case "topOrigin":
				var s string
				if err := json.Unmarshal(members[name], &s); err != nil {
					t.Fatal(err)
				}
				k.TopOrigin = s
			default:
				k.ClientDataExtra = append(k.ClientDataExtra, passkeytest.Member{Name: name, Value: members[name]})
			}
		}
	}
}

// flagKnobs forces UP, UV, BE and BS to the recorded flags.
func flagKnobs(flags byte) passkeytest.Tweak {
	force := func(set bool) passkeytest.Force {
		if set {
			return passkeytest.ForceOn
		}
		return passkeytest.ForceOff
	}
	return func(k *passkeytest.Knobs) {
		k.UP, k.UV, k.BE, k.BS = force(flags&fUP != 0), force(flags&fUV != 0), force(flags&fBE != 0), force(flags&fBS != 0)
	}
}

// sameShape fails unless ours has every member theirs has, plus at most the
// allowed extras (members the fixtures' transcription dropped).
func sameShape(t *testing.T, what string, theirs, ours []string, extras ...string) {
	t.Helper()
	for _, m := range theirs {
		if !slices.Contains(ours, m) {
			t.Errorf("%s: member %q missing", what, m)
		}
	}
	for _, m := range ours {
		if !slices.Contains(theirs, m) && !slices.Contains(extras, m) {
			t.Errorf("%s: extra member %q", what, m)
		}
	}
}

// sameCOSEShape compares two COSE keys label by label: same labels, equal
// kty/alg/crv, byte strings of equal length (an RSA modulus only of the same
// type: the vector's key is larger than the embedded 2048-bit ones).
func sameCOSEShape(t *testing.T, theirs, ours []byte) {
	t.Helper()
	var a, b map[int64]cbor.RawMessage
	if err := cbor.Unmarshal(theirs, &a); err != nil {
		t.Fatal(err)
	}
	if err := cbor.Unmarshal(ours, &b); err != nil {
		t.Fatal(err)
	}
	kty := a[1]
	for label, av := range a {
		bv, ok := b[label]
		switch {
		case !ok:
			t.Errorf("COSE label %d missing", label)
		case label == 1 || label == 3 || (label == -1 && !bytes.Equal(kty, []byte{0x03}) && !bytes.Equal(kty, []byte{0x07})):
			if !bytes.Equal(av, bv) {
				t.Errorf("COSE label %d: %x, want %x", label, bv, av)
			}
		case bytes.Equal(kty, []byte{0x03}) && label == -1:
			if av[0]>>5 != bv[0]>>5 {
				t.Errorf("COSE label %d: CBOR major type %d, want %d", label, bv[0]>>5, av[0]>>5)
			}
		case len(av) != len(bv):
			t.Errorf("COSE label %d: %d encoded bytes, want %d", label, len(bv), len(av))
		}
	}
	if len(a) != len(b) {
		t.Errorf("COSE key has %d labels, want %d", len(b), len(a))
	}
}

// TestW3CRegistrationVectors feeds the inputs of the spec's §16 test vectors
// (#sctn-test-vectors) to the authenticator and compares the output with the
// vector's structure: clientDataJSON byte for byte, the authenticator data
// layout, the attestation statement's members and the JSON members. Keys
// and signatures differ, of course: both sides must verify.
func TestW3CRegistrationVectors(t *testing.T) {
	for _, v := range loadVectors(t, "w3c/*.json") {
		if v.Ceremony != "registration" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			var theirs regJSON
			if err := json.Unmarshal(v.Response, &theirs); err != nil {
				t.Fatal(err)
			}
			challenge := b64(t, v.Challenge)
			want := expectation{rpID: v.RPID, origin: v.Origins[0], challenge: challenge}
			tr := decodeRegistration(t, v.Response, expectation{rpID: v.RPID, origin: v.Origins[0], challenge: challenge, transcribed: true})
			var root *x509.Certificate
			if len(v.TrustAnchors) > 0 {
				der, err := base64.StdEncoding.DecodeString(v.TrustAnchors[0])
				if err != nil {
					t.Fatal(err)
				}
				if root, err = x509.ParseCertificate(der); err != nil {
					t.Fatal(err)
				}
			}
			theirType := verifyAttestation(t, tr, root)

			kind := map[string]passkeytest.Attestation{"none": passkeytest.AttestationNone, "self": passkeytest.AttestationPackedSelf,
				"basic": passkeytest.AttestationPacked}[theirType]
			if tr.format == "fido-u2f" {
				kind = passkeytest.AttestationFIDOU2F
			}
			aaguid := [16]byte(tr.ad.aaguid)
			a := newAuthenticator(t, passkeytest.Config{Attestation: kind, AAGUID: aaguid})
			opts := newCreateOpts(v.RPID, challenge, tr.key.alg)
			opts.Attestation = "direct"
			body, err := a.Create(opts.json(t), v.Origins[0], clientDataKnobs(t, tr.cdj), flagKnobs(tr.ad.flags),
				func(k *passkeytest.Knobs) {
					k.CredentialIDLength = len(tr.ad.credID)
					k.Transports = theirs.Response.Transports
					k.AAGUID = &aaguid // the spec's fido-u2f vector has a non-zero AAGUID
				})
			if err != nil {
				t.Fatal(err)
			}
			ours := decodeRegistration(t, body, want)
			if ourType := verifyAttestation(t, ours, a.AttestationRoot()); ourType != theirType {
				t.Errorf("attestation type %s, want %s", ourType, theirType)
			}

			if !bytes.Equal(ours.cdj, tr.cdj) {
				t.Errorf("clientDataJSON\n got %s\nwant %s", ours.cdj, tr.cdj)
			}
			// rpIdHash ‖ flags ‖ signCount ‖ AAGUID ‖ credentialIdLength
			if !bytes.Equal(ours.authData[:55], tr.authData[:55]) {
				t.Errorf("authenticator data head\n got %x\nwant %x", ours.authData[:55], tr.authData[:55])
			}
			sameCOSEShape(t, tr.ad.coseKey, ours.ad.coseKey)
			if (ours.ad.ext == nil) != (tr.ad.ext == nil) {
				t.Error("extension presence differs")
			}
			if ours.format != tr.format {
				t.Errorf("fmt %s, want %s", ours.format, tr.format)
			}
			sameShape(t, "attStmt", slices.Sorted(mapKeys(tr.attStmt)), slices.Sorted(mapKeys(ours.attStmt)))
			if x5c := tr.attStmt["x5c"]; x5c != nil && len(certs(t, x5c)) != len(certs(t, ours.attStmt["x5c"])) {
				t.Error("x5c length differs")
			}
			// CTAP2 canonical attestation object: fmt, attStmt, authData.
			for _, obj := range [][]byte{b64(t, theirs.Response.AttestationObject), b64(t, ours.json.Response.AttestationObject)} {
				if !bytes.HasPrefix(obj, []byte("\xa3\x63fmt")) {
					t.Errorf("attestation object does not start with fmt: %x", obj[:8])
				}
			}
			// The fixtures drop authenticatorAttachment and publicKey,
			// which toJSON() includes when known.
			sameShape(t, "top level", objectKeys(t, v.Response), objectKeys(t, body), "authenticatorAttachment")
			sameShape(t, "response", objectKeys(t, member(t, v.Response, "response")), objectKeys(t, member(t, body, "response")), "publicKey")
		})
	}
}

// TestW3CAuthenticationVectors does the same for the §16 assertions: the
// assertion's authenticator data and clientDataJSON must come out byte for
// byte; the signature verifies under each side's key.
func TestW3CAuthenticationVectors(t *testing.T) {
	for _, v := range loadVectors(t, "w3c/*.json") {
		if v.Ceremony != "authentication" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			challenge := b64(t, v.Challenge)
			want := expectation{rpID: v.RPID, origin: v.Origins[0], challenge: challenge}
			theirs := decodeAssertion(t, v.Response, want)
			theirKey, err := parseCOSE(b64(t, v.Credential.PublicKey))
			if err != nil {
				t.Fatal(err)
			}
			if err := theirs.verify(theirKey); err != nil {
				t.Fatalf("the vector does not verify under the test verifier: %v", err)
			}

			a := newAuthenticator(t, passkeytest.Config{})
			if _, err := a.Create(newCreateOpts(v.RPID, []byte("setup"), theirKey.alg).json(t), v.Origins[0],
				func(k *passkeytest.Knobs) { k.CredentialIDLength = len(b64(t, v.Credential.ID)) }); err != nil {
				t.Fatal(err)
			}
			cred := a.Credentials()[0]
			ourKey, err := parseCOSE(cred.PublicKey)
			if err != nil {
				t.Fatal(err)
			}
			body, err := a.Get(newGetOpts(v.RPID, challenge, cred.ID).json(t), v.Origins[0],
				clientDataKnobs(t, theirs.cdj), flagKnobs(theirs.ad.flags),
				func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterFixed(theirs.ad.count) })
			if err != nil {
				t.Fatal(err)
			}
			ours := decodeAssertion(t, body, want)
			if err := ours.verify(ourKey); err != nil {
				t.Fatalf("our assertion: %v", err)
			}
			if !bytes.Equal(ours.cdj, theirs.cdj) {
				t.Errorf("clientDataJSON\n got %s\nwant %s", ours.cdj, theirs.cdj)
			}
			if !bytes.Equal(ours.authData, theirs.authData) {
				t.Errorf("authenticator data\n got %x\nwant %x", ours.authData, theirs.authData)
			}
			if len(b64(t, ours.json.RawID)) != len(b64(t, v.Credential.ID)) {
				t.Error("credential ID length differs")
			}
			if got, want := sigShape(ourKey.alg, ours.sig), sigShape(theirKey.alg, theirs.sig); got != want {
				t.Errorf("signature encoding %s, want %s", got, want)
			}
			sameShape(t, "top level", objectKeys(t, v.Response), objectKeys(t, body), "authenticatorAttachment")
			sameShape(t, "response", objectKeys(t, member(t, v.Response, "response")), objectKeys(t, member(t, body, "response")))
		})
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// sigShape names a signature's encoding (#sctn-signature-attestation-types):
// ECDSA as a DER Ecdsa-Sig-Value, EdDSA raw, RSA raw (its length is the
// modulus size, which differs between the vector's key and ours).
func sigShape(alg int64, sig []byte) string {
	switch alg {
	case -7, -35, -36:
		var v struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(sig, &v); err != nil || len(rest) != 0 {
			return "not DER"
		}
		return "DER Ecdsa-Sig-Value"
	case -257, -258, -259, -37, -38, -39:
		return "raw RSA"
	}
	return fmt.Sprintf("raw %d bytes", len(sig))
}
