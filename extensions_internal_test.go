package passkey

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// TestExtRequestRoundTrip: what Begin keeps in the session, Finish reads
// back unchanged; nothing asked keeps nothing.
func TestExtRequestRoundTrip(t *testing.T) {
	in := map[string]json.RawMessage{
		"credProps": json.RawMessage(`true`),
		"prf":       json.RawMessage(`{"eval":{"first":"AA","second":"AQ"},"evalByCredential":{"Y3JlZA":{"first":"AA"}}}`),
		"largeBlob": json.RawMessage(`{"read":true}`),
		"appid":     json.RawMessage(`"https://example.com/app.json"`),
		"uvm":       json.RawMessage(`true`),
	}
	req, err := parseExtRequest(in, ceremonyLogin, []CredentialDescriptor{{ID: []byte("cred")}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := req.marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, ok := unmarshalExtRequest(data)
	if !ok || !reflect.DeepEqual(got, req) {
		t.Fatalf("round trip %+v, want %+v", got, req)
	}
	if got.PRF.inputsFor([]byte("cred")) != 1 || got.PRF.inputsFor([]byte("other")) != 2 {
		t.Fatalf("prf inputs %+v", got.PRF)
	}
	if data, err := (&extRequest{}).marshal(); err != nil || data != nil {
		t.Fatalf("empty request kept %q", data)
	}
}

// TestCorruptExtensionState: a session whose extension state does not
// decode is refused as unknown.
func TestCorruptExtensionState(t *testing.T) {
	st := &sessionState{extensions: []byte(`{"prf":7}`)}
	_, err := st.extRequest()
	if !errors.Is(err, errcode.ErrChallengeMismatch) {
		t.Fatalf("err %v", err)
	}
}

// TestSolicitedOutputs: which outputs each input asks for, in both layers.
func TestSolicitedOutputs(t *testing.T) {
	req := &extRequest{PRF: &prfRequest{}, CredProtect: 2, MinPINLength: true, Other: []string{"hmacCreateSecret", "credBlob"}}
	for id, want := range map[string]bool{
		"hmac-secret": true, "hmac-secret-mc": true, "credProtect": true, "minPinLength": true, "credBlob": true,
		"hmacCreateSecret": false, "largeBlobKey": false, "prf": false,
	} {
		if got := req.solicitsAuthenticator(id); got != want {
			t.Errorf("authenticator output %s: %v, want %v", id, got, want)
		}
	}
	for id, want := range map[string]bool{
		"prf": true, "hmacCreateSecret": true, "credBlob": true,
		"credProtect": false, "minPinLength": false, "credProps": false, "largeBlob": false, "hmac-secret": false,
	} {
		if got := req.solicitsClient(id); got != want {
			t.Errorf("client output %s: %v, want %v", id, got, want)
		}
	}
}
