package passkeytest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/gopasskey/passkey/passkeytest"
)

// registered returns an authenticator holding one ES256 passkey and its
// verified registration.
func registered(t *testing.T, cfg passkeytest.Config) (*passkeytest.Authenticator, *registration) {
	t.Helper()
	a := newAuthenticator(t, cfg)
	o := newCreateOpts(testRPID, []byte("c"), passkeytest.AlgES256)
	o.Selection = map[string]any{"residentKey": "required"}
	body, err := a.Create(o.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	return a, decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
}

// rawAssertion decodes an assertion without judging it.
func rawAssertion(t *testing.T, body []byte) (*authJSON, []byte, []byte, []byte) {
	t.Helper()
	var r authJSON
	mustUnmarshal(t, body, &r)
	return &r, b64(t, r.Response.AuthenticatorData), b64(t, r.Response.ClientDataJSON), b64(t, r.Response.Signature)
}

func signedOK(key coseKey, authData, cdj, sig []byte) bool {
	h := sha256.Sum256(cdj)
	return verifySig(key.alg, key.pub, append(slices.Clone(authData), h[:]...), sig) == nil
}

func TestFlagKnobs(t *testing.T) {
	a, reg := registered(t, passkeytest.Config{BackupEligible: true})
	natural := func() byte {
		body, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		_, ad, _, _ := rawAssertion(t, body)
		return ad[32]
	}()
	if natural != fUP|fUV|fBE {
		t.Fatalf("natural flags %08b", natural)
	}
	for _, tc := range []struct {
		name  string
		tweak passkeytest.Tweak
		want  byte
	}{
		{"UP off", func(k *passkeytest.Knobs) { k.UP = passkeytest.ForceOff }, natural &^ fUP},
		{"UV off", func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff }, natural &^ fUV},
		{"BE off", func(k *passkeytest.Knobs) { k.BE = passkeytest.ForceOff }, natural &^ fBE},
		{"BS on", func(k *passkeytest.Knobs) { k.BS = passkeytest.ForceOn }, natural | fBS},
		{"AT on", func(k *passkeytest.Knobs) { k.AT = passkeytest.ForceOn }, natural | fAT},
		{"ED on", func(k *passkeytest.Knobs) { k.ED = passkeytest.ForceOn }, natural | fED},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin, tc.tweak)
			if err != nil {
				t.Fatal(err)
			}
			_, ad, cdj, sig := rawAssertion(t, body)
			if ad[32] != tc.want {
				t.Fatalf("flags %08b, want %08b", ad[32], tc.want)
			}
			// The flags changed only the bit: still 37 bytes, and signed.
			if len(ad) != 37 || !signedOK(reg.key, ad, cdj, sig) {
				t.Fatal("forced flag not signed, or data changed")
			}
		})
	}

	// AT forced off at registration keeps the credential data: the flags
	// then disagree with the bytes.
	o := newCreateOpts(testRPID, []byte("c"), -7)
	body, err := a.Create(o.json(t), testOrigin, func(k *passkeytest.Knobs) { k.AT = passkeytest.ForceOff })
	if err != nil {
		t.Fatal(err)
	}
	var r regJSON
	mustUnmarshal(t, body, &r)
	ad := b64(t, r.Response.AuthenticatorData)
	if ad[32]&fAT != 0 || len(ad) <= 37 {
		t.Fatalf("AT forced off: flags %08b, %d bytes", ad[32], len(ad))
	}
	if _, err := parseAuthData(ad); err == nil {
		t.Fatal("authData with AT clear and credential data parses")
	}
}

func TestCounterKnobs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		counter passkeytest.Counter
		want    []uint32
	}{
		{"default", passkeytest.Counter{}, []uint32{0, 1, 2, 3}},
		{"increment 5", passkeytest.CounterIncrement(5), []uint32{0, 5, 10, 15}},
		{"increment 0", passkeytest.CounterIncrement(0), []uint32{0, 0, 0, 0}},
		{"zero", passkeytest.CounterZero(), []uint32{0, 0, 0, 0}},
		{"fixed", passkeytest.CounterFixed(7), []uint32{7, 7, 7, 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{Tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) { k.Counter = tc.counter }}})
			body, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			var r regJSON
			mustUnmarshal(t, body, &r)
			got := []uint32{binary.BigEndian.Uint32(b64(t, r.Response.AuthenticatorData)[33:37])}
			for range 3 {
				body, err := a.Get(newGetOpts(testRPID, []byte("g"), b64(t, r.RawID)).json(t), testOrigin)
				if err != nil {
					t.Fatal(err)
				}
				_, ad, _, _ := rawAssertion(t, body)
				got = append(got, binary.BigEndian.Uint32(ad[33:37]))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("counters %v, want %v", got, tc.want)
			}
			if a.Credentials()[0].SignCount != tc.want[3] {
				t.Fatalf("stored counter %d", a.Credentials()[0].SignCount)
			}
		})
	}
	t.Run("backwards", func(t *testing.T) {
		a, reg := registered(t, passkeytest.Config{})
		var got []uint32
		for _, c := range []passkeytest.Counter{passkeytest.CounterIncrement(10), {}, passkeytest.CounterBackwards(3), passkeytest.CounterBackwards(100)} {
			body, err := a.Get(newGetOpts(testRPID, []byte("g"), reg.ad.credID).json(t), testOrigin,
				func(k *passkeytest.Knobs) { k.Counter = c })
			if err != nil {
				t.Fatal(err)
			}
			_, ad, _, _ := rawAssertion(t, body)
			got = append(got, binary.BigEndian.Uint32(ad[33:37]))
		}
		if want := []uint32{10, 11, 8, 0}; !slices.Equal(got, want) {
			t.Fatalf("counters %v, want %v", got, want)
		}
	})
}

func TestClientDataKnobs(t *testing.T) {
	std := `{"type":"webauthn.get","challenge":"Zw","origin":"https://example.com","crossOrigin":false}`
	for _, tc := range []struct {
		name  string
		tweak passkeytest.Tweak
		want  string
	}{
		{"chrome", nil, std},
		{"origin", func(k *passkeytest.Knobs) { k.Origin = "https://evil.example" },
			`{"type":"webauthn.get","challenge":"Zw","origin":"https://evil.example","crossOrigin":false}`},
		{"cross origin", func(k *passkeytest.Knobs) { k.CrossOrigin, k.TopOrigin = true, "https://top.example" },
			`{"type":"webauthn.get","challenge":"Zw","origin":"https://example.com","crossOrigin":true,"topOrigin":"https://top.example"}`},
		{"extra appended", func(k *passkeytest.Knobs) {
			k.ClientDataExtra = []passkeytest.Member{{Name: "x", Value: json.RawMessage(`[1]`)}}
		},
			`{"type":"webauthn.get","challenge":"Zw","origin":"https://example.com","crossOrigin":false,"x":[1]}`},
		{"standard member replaced in place", func(k *passkeytest.Knobs) {
			k.ClientDataExtra = []passkeytest.Member{{Name: "type", Value: json.RawMessage(`"webauthn.create"`)},
				{Name: "crossOrigin", Value: json.RawMessage(`"false"`)}}
		}, `{"type":"webauthn.create","challenge":"Zw","origin":"https://example.com","crossOrigin":"false"}`},
		{"omit", func(k *passkeytest.Knobs) { k.ClientDataOmit = []string{"challenge", "crossOrigin"} },
			`{"type":"webauthn.get","origin":"https://example.com"}`},
		{"order", func(k *passkeytest.Knobs) { k.ClientDataOrder = []string{"origin", "crossOrigin"} },
			`{"origin":"https://example.com","crossOrigin":false,"type":"webauthn.get","challenge":"Zw"}`},
		{"escaping as the spec serializes", func(k *passkeytest.Knobs) { k.Origin = "https://ex\"a\\m<p>l\x01é" },
			`{"type":"webauthn.get","challenge":"Zw","origin":"https://ex\"a\\m<p>l\u0001é","crossOrigin":false}`},
		{"raw", func(k *passkeytest.Knobs) { k.ClientDataRaw = []byte("not json") }, "not json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, reg := registered(t, passkeytest.Config{})
			body, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin, tc.tweak)
			if err != nil {
				t.Fatal(err)
			}
			_, ad, cdj, sig := rawAssertion(t, body)
			if string(cdj) != tc.want {
				t.Fatalf("clientDataJSON\n got %s\nwant %s", cdj, tc.want)
			}
			// The RP ID still comes from the call's origin.
			if h := sha256.Sum256([]byte(testRPID)); !bytes.Equal(ad[:32], h[:]) {
				t.Fatal("rpIdHash changed")
			}
			if !signedOK(reg.key, ad, cdj, sig) {
				t.Fatal("the altered clientDataJSON is not what was signed")
			}
		})
	}
}

func TestIdentityKnobs(t *testing.T) {
	t.Run("rp id hash", func(t *testing.T) {
		a, reg := registered(t, passkeytest.Config{})
		body, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin, func(k *passkeytest.Knobs) { k.RPID = "evil.example" })
		if err != nil {
			t.Fatal(err)
		}
		_, ad, cdj, sig := rawAssertion(t, body)
		if h := sha256.Sum256([]byte("evil.example")); !bytes.Equal(ad[:32], h[:]) || !signedOK(reg.key, ad, cdj, sig) {
			t.Fatal("rpIdHash is not the override, or not signed")
		}
	})
	t.Run("user handle", func(t *testing.T) {
		a, _ := registered(t, passkeytest.Config{})
		body, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin, func(k *passkeytest.Knobs) { k.UserHandle = []byte("someone else") })
		if err != nil {
			t.Fatal(err)
		}
		r, _, _, _ := rawAssertion(t, body)
		if r.Response.UserHandle == nil || string(b64(t, *r.Response.UserHandle)) != "someone else" {
			t.Fatal("userHandle not replaced")
		}
		body, err = a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin, func(k *passkeytest.Knobs) { k.OmitUserHandle = true })
		if err != nil {
			t.Fatal(err)
		}
		if r, _, _, _ := rawAssertion(t, body); r.Response.UserHandle != nil {
			t.Fatal("userHandle not omitted")
		}
	})
	t.Run("aaguid, credential id, transports, attachment", func(t *testing.T) {
		a := newAuthenticator(t, passkeytest.Config{AAGUID: [16]byte{9}})
		aaguid := [16]byte{1, 2, 3, 4}
		for _, id := range [][]byte{{}, bytes.Repeat([]byte{7}, 1024)} {
			body, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), testOrigin, func(k *passkeytest.Knobs) {
				k.AAGUID, k.CredentialID = &aaguid, id
				k.Transports, k.Attachment = []string{"usb", "nfc", "smart-card"}, "cross-platform"
			})
			if err != nil {
				t.Fatal(err)
			}
			var r regJSON
			mustUnmarshal(t, body, &r)
			ad := b64(t, r.Response.AuthenticatorData)
			if !bytes.Equal(ad[37:53], aaguid[:]) || int(binary.BigEndian.Uint16(ad[53:55])) != len(id) || !bytes.Equal(ad[55:55+len(id)], id) {
				t.Fatal("AAGUID or credential ID not as set")
			}
			if !slices.Equal(r.Response.Transports, []string{"usb", "nfc", "smart-card"}) || *r.AuthenticatorAttachment != "cross-platform" {
				t.Fatal("transports or attachment not as set")
			}
		}
		body, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), testOrigin, func(k *passkeytest.Knobs) { k.CredentialIDLength = 1023 })
		if err != nil {
			t.Fatal(err)
		}
		r := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
		if len(r.ad.credID) != 1023 || !bytes.Equal(r.ad.aaguid, []byte{9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) {
			t.Fatalf("credential ID of %d bytes, AAGUID %x", len(r.ad.credID), r.ad.aaguid)
		}
	})
	t.Run("authenticator extensions", func(t *testing.T) {
		a, reg := registered(t, passkeytest.Config{})
		ext := []byte("\xa1\x63abc\x01") // {"abc": 1}
		body, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin, func(k *passkeytest.Knobs) { k.AuthenticatorExtensions = ext })
		if err != nil {
			t.Fatal(err)
		}
		_, ad, cdj, sig := rawAssertion(t, body)
		if ad[32]&fED == 0 || !bytes.Equal(ad[37:], ext) || !signedOK(reg.key, ad, cdj, sig) {
			t.Fatalf("extensions not appended and signed: %x", ad)
		}
	})
}

// TestTamperHooks: bytes changed before signing are signed; bytes changed
// after are not, so a single flipped byte in any member breaks verification.
func TestTamperHooks(t *testing.T) {
	a, reg := registered(t, passkeytest.Config{})
	t.Run("before sign", func(t *testing.T) {
		body, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin, func(k *passkeytest.Knobs) {
			k.TamperBeforeSign = func(in *passkeytest.SignInput) {
				in.AuthenticatorData[0] ^= 0xff
				in.AuthenticatorData = append(in.AuthenticatorData, 0xee)
				in.ClientDataJSON = append(in.ClientDataJSON, ' ')
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		_, ad, cdj, sig := rawAssertion(t, body)
		if len(ad) != 38 || ad[37] != 0xee || cdj[len(cdj)-1] != ' ' || !signedOK(reg.key, ad, cdj, sig) {
			t.Fatal("tampered input not returned as signed")
		}
	})
	for _, field := range []string{"authenticatorData", "clientDataJSON", "signature"} {
		t.Run("after sign/"+field, func(t *testing.T) {
			body, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin, func(k *passkeytest.Knobs) {
				k.TamperAfterSign = func(r *passkeytest.RawResponse) {
					b := map[string][]byte{"authenticatorData": r.AuthenticatorData, "clientDataJSON": r.ClientDataJSON, "signature": r.Signature}[field]
					b[len(b)/2] ^= 0x01
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			_, ad, cdj, sig := rawAssertion(t, body)
			if signedOK(reg.key, ad, cdj, sig) {
				t.Fatalf("a flipped byte of %s still verifies", field)
			}
		})
	}
	t.Run("before sign/registration", func(t *testing.T) {
		a := newAuthenticator(t, passkeytest.Config{Attestation: passkeytest.AttestationPacked})
		o := newCreateOpts(testRPID, []byte("c"), -7)
		o.Attestation = "direct"
		body, err := a.Create(o.json(t), testOrigin, func(k *passkeytest.Knobs) {
			k.TamperBeforeSign = func(in *passkeytest.SignInput) { in.AuthenticatorData[36] = 0x42 }
		})
		if err != nil {
			t.Fatal(err)
		}
		r := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
		if r.ad.count != 0x42 {
			t.Fatalf("counter %d", r.ad.count)
		}
		verifyAttestation(t, r, a.AttestationRoot()) // signed over the tampered bytes
	})
	t.Run("after sign/attestationObject", func(t *testing.T) {
		a := newAuthenticator(t, passkeytest.Config{Attestation: passkeytest.AttestationPackedSelf})
		o := newCreateOpts(testRPID, []byte("c"), -7)
		o.Attestation = "direct"
		body, err := a.Create(o.json(t), testOrigin, func(k *passkeytest.Knobs) {
			k.TamperAfterSign = func(r *passkeytest.RawResponse) {
				// The last byte belongs to the embedded authData's key.
				r.AttestationObject[len(r.AttestationObject)-1] ^= 0x01
				r.ID = "not-the-raw-id"
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		var r regJSON
		mustUnmarshal(t, body, &r)
		if r.ID == r.RawID {
			t.Fatal("id not replaced")
		}
		obj := b64(t, r.Response.AttestationObject)
		copyAD := b64(t, r.Response.AuthenticatorData)
		if bytes.HasSuffix(obj, copyAD) {
			t.Fatal("attestation object unchanged")
		}
	})
	t.Run("extra JSON members", func(t *testing.T) {
		body, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin, func(k *passkeytest.Knobs) {
			k.TamperAfterSign = func(r *passkeytest.RawResponse) {
				r.ResponseExtra = map[string]json.RawMessage{"userHandle": json.RawMessage("null")}
				r.Extra = map[string]json.RawMessage{"type": json.RawMessage(`"public-key-2"`)}
				r.RawID = nil
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(body), `"userHandle":null`) || !strings.Contains(string(body), `"type":"public-key-2"`) ||
			strings.Contains(string(body), "rawId") {
			t.Fatalf("extra members not applied: %s", body)
		}
	})
}

func TestStatementAndKeyHooks(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{Attestation: passkeytest.AttestationPacked})
	o := newCreateOpts(testRPID, []byte("c"), -7)
	o.Attestation = "direct"
	body, err := a.Create(o.json(t), testOrigin, func(k *passkeytest.Knobs) {
		k.TamperCOSEKey = func(key map[int64]any) { key[-4] = []byte{1, 2, 3} }
		k.TamperStatement = func(st *passkeytest.Statement) {
			st.Format = "Packed"
			delete(st.AttStmt, "x5c")
			st.AttStmt["ecdaaKeyId"] = []byte{4}
			st.AttStmt["raw"] = passkeytest.RawCBOR{0xf6}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var r regJSON
	mustUnmarshal(t, body, &r)
	var obj struct {
		Fmt      string                     `cbor:"fmt"`
		AttStmt  map[string]cbor.RawMessage `cbor:"attStmt"`
		AuthData []byte                     `cbor:"authData"`
	}
	if err := cbor.Unmarshal(b64(t, r.Response.AttestationObject), &obj); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(mapKeys(obj.AttStmt))
	if obj.Fmt != "Packed" || !slices.Equal(keys, []string{"alg", "ecdaaKeyId", "raw", "sig"}) || !bytes.Equal(obj.AttStmt["raw"], []byte{0xf6}) {
		t.Fatalf("statement %s %v", obj.Fmt, keys)
	}
	ad, err := parseAuthData(obj.AuthData)
	if err != nil {
		t.Fatal(err)
	}
	var key map[int64]cbor.RawMessage
	if err := cbor.Unmarshal(ad.coseKey, &key); err != nil || key[-4] == nil {
		t.Fatal("COSE key lacks the planted d")
	}
}

// TestConveyance: with attestation "none" a browser replaces the statement
// (#sctn-createCredential), keeping a self attestation with a zero AAGUID and
// (Level 3) the AAGUID.
func TestConveyance(t *testing.T) {
	for _, tc := range []struct {
		name       string
		kind       passkeytest.Attestation
		aaguid     [16]byte
		conveyance string
		keep       bool
		want       string
	}{
		{"packed, none asked", passkeytest.AttestationPacked, [16]byte{5}, "", false, "none"},
		{"packed, none asked, kept", passkeytest.AttestationPacked, [16]byte{5}, "none", true, "basic"},
		{"packed, direct", passkeytest.AttestationPacked, [16]byte{5}, "direct", false, "basic"},
		{"packed, indirect", passkeytest.AttestationPacked, [16]byte{5}, "indirect", false, "basic"},
		{"packed, enterprise", passkeytest.AttestationPacked, [16]byte{5}, "enterprise", false, "basic"},
		{"packed, unknown value", passkeytest.AttestationPacked, [16]byte{5}, "everything", false, "none"},
		{"self with an AAGUID, none asked", passkeytest.AttestationPackedSelf, [16]byte{5}, "none", false, "none"},
		{"self with a zero AAGUID, none asked", passkeytest.AttestationPackedSelf, [16]byte{}, "none", false, "self"},
		{"fido-u2f, none asked", passkeytest.AttestationFIDOU2F, [16]byte{}, "none", false, "none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{Attestation: tc.kind, AAGUID: tc.aaguid})
			o := newCreateOpts(testRPID, []byte("c"), -7)
			o.Attestation = tc.conveyance
			body, err := a.Create(o.json(t), testOrigin, func(k *passkeytest.Knobs) { k.KeepAttestation = tc.keep })
			if err != nil {
				t.Fatal(err)
			}
			r := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
			if got := verifyAttestation(t, r, a.AttestationRoot()); got != tc.want {
				t.Fatalf("attestation %s, want %s", got, tc.want)
			}
			if tc.kind != passkeytest.AttestationFIDOU2F && !bytes.Equal(r.ad.aaguid, tc.aaguid[:]) {
				t.Fatal("AAGUID not kept")
			}
		})
	}
}

func TestConfigTweaksRunFirst(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{Tweaks: []passkeytest.Tweak{
		func(k *passkeytest.Knobs) { k.Origin, k.CrossOrigin = "https://config.example", true },
	}})
	body, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), testOrigin,
		func(k *passkeytest.Knobs) { k.Origin = "https://call.example" })
	if err != nil {
		t.Fatal(err)
	}
	r := decodeRegistration(t, body, expectation{rpID: testRPID, origin: "https://call.example", challenge: []byte("c")})
	if r.clientData["crossOrigin"] != true {
		t.Fatal("the configured tweak did not apply")
	}
}
