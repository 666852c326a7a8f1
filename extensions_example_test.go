package passkey_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/store/memory"
)

// The prf extension: a secret per passkey for client-side encryption. The
// results come back to the caller, never into the record or a log.
func Example_prf() {
	ctx := context.Background()
	rp, a := newRelyingParty(), browser()
	user := passkey.User{Handle: []byte("user-ada"), Name: "ada@example.com"}
	salt := []byte("vault key v1")

	opts, sessionID, err := rp.BeginRegistration(ctx, user, passkey.WithPRF(nil, nil))
	if err != nil {
		log.Fatal(err)
	}
	optionsJSON, _ := json.Marshal(opts)
	body, _ := a.Create(optionsJSON, "https://example.com")
	reg, err := rp.FinishRegistration(ctx, sessionID, body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("prf enabled:", reg.Extensions.PRF.Enabled)

	ro, sessionID, err := rp.BeginLogin(ctx, passkey.WithPRF(salt, nil))
	if err != nil {
		log.Fatal(err)
	}
	optionsJSON, _ = json.Marshal(ro)
	body, _ = a.Get(optionsJSON, "https://example.com")
	login, err := rp.FinishLogin(ctx, sessionID, body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("key bytes:", len(login.Extensions.PRF.First))
	// Output:
	// prf enabled: true
	// key bytes: 32
}

// After a failed login with a passkey the server no longer holds, the page
// tells the authenticator to forget it (signalUnknownCredential); after a
// login, the full list keeps the authenticator in step.
func Example_signals() {
	ctx := context.Background()
	rp, a := newRelyingParty(), browser()
	user := passkey.User{Handle: []byte("user-ada"), Name: "ada@example.com"}
	signUp(ctx, rp, a, user)
	id := a.Credentials()[0].ID
	if err := rp.DeletePasskey(ctx, user.Handle, id); err != nil {
		log.Fatal(err)
	}

	opts, sessionID, _ := rp.BeginLogin(ctx)
	optionsJSON, _ := json.Marshal(opts)
	body, _ := a.Get(optionsJSON, "https://example.com")
	_, err := rp.FinishLogin(ctx, sessionID, body)
	var unknown *passkey.UnknownCredentialError
	if errors.As(err, &unknown) {
		// json.Marshal(unknown.Signal) is {"rpId": …, "credentialId": …}.
		fmt.Println(passkey.Code(err), "→ signalUnknownCredential for the deleted passkey:",
			bytes.Equal(unknown.Signal.CredentialID, id))
	}

	all, _ := rp.SignalAllAcceptedCredentials(ctx, user.Handle)
	payload, _ := json.Marshal(all)
	fmt.Println("signalAllAcceptedCredentials", string(payload))
	// Output:
	// unknown-credential → signalUnknownCredential for the deleted passkey: true
	// signalAllAcceptedCredentials {"rpId":"example.com","userId":"dXNlci1hZGE","allAcceptedCredentialIds":[]}
}

// The related origins document for a site that also runs on example.co.uk.
func ExampleRelyingParty_WellKnownWebAuthn() {
	rp, err := passkey.New(passkey.Config{
		RPID:           "example.com",
		RPName:         "Example",
		Origins:        []string{"https://example.com"},
		RelatedOrigins: []string{"https://example.co.uk", "https://example.de"},
		Credentials:    memory.NewCredentials(),
		Sessions:       memory.NewSessions(),
	})
	if err != nil {
		log.Fatal(err)
	}
	doc, err := rp.WellKnownWebAuthn()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(doc))
	// Output: {"origins":["https://example.co.uk","https://example.de"]}
}
