package migrate_test

import (
	"fmt"

	"github.com/gopasskey/passkey/migrate"
)

// A credential as an application on go-webauthn stored it: json.Marshal of
// its webauthn.Credential. This one comes from a release that recorded no
// flags, so its backup eligibility is unknown until the first login.
const goWebAuthnCredential = `{
	"id": "BXu7T55P9n+NBgE6rY+C+87jIhCKO/UuTE1wAa6MuYs=",
	"publicKey": "pQECAyYgASFYICxVRyyFiAc5YaTmrXbc3dO/sfSwtmZOfP/yW0W3LOOyIlggtCG77C0oNdQkD19l/Ip+0JlFWOucDAY32Y5WnoeygyA=",
	"attestationType": "none",
	"transport": ["usb"],
	"authenticator": {"AAGUID": "AAAAAAAAAAAAAAAAAAAAAA==", "signCount": 41}
}`

func ExampleFromGoWebAuthn() {
	// go-webauthn keeps the user handle on its User (WebAuthnID()).
	rec, err := migrate.FromGoWebAuthn([]byte(goWebAuthnCredential), "example.com",
		migrate.WithUserHandle([]byte("user-7f3a")))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("alg:", rec.Alg)
	fmt.Println("sign count:", rec.SignCount)
	fmt.Println("backup eligible:", rec.BackupEligible)
	fmt.Println("transports:", rec.Transports)

	// Store rec with the relying party's store.Credentials.Create; the
	// user signs in with the passkey they already have.

	// Output:
	// alg: ES256
	// sign count: 41
	// backup eligible: unknown
	// transports: [usb]
}

func ExampleFromSimpleWebAuthnJSON() {
	// A row of SimpleWebAuthn's guide, exported as JSON with the public
	// key as base64url.
	row := `{
		"id": "BXu7T55P9n-NBgE6rY-C-87jIhCKO_UuTE1wAa6MuYs",
		"publicKey": "pQECAyYgASFYICxVRyyFiAc5YaTmrXbc3dO_sfSwtmZOfP_yW0W3LOOyIlggtCG77C0oNdQkD19l_Ip-0JlFWOucDAY32Y5WnoeygyA",
		"webauthnUserID": "dXNlci03ZjNh",
		"counter": 0,
		"deviceType": "multiDevice",
		"backedUp": true,
		"transports": ["internal", "hybrid"]
	}`
	// Its verifyRegistrationResponse required user verification (the
	// default), so UV at registration can be taken as done.
	rec, err := migrate.FromSimpleWebAuthnJSON([]byte(row), "example.com", migrate.UVInitialized(true))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("user handle: %s\n", rec.UserHandle)
	fmt.Println("backup eligible:", rec.BackupEligible, "backed up:", rec.BackupState)
	fmt.Println("uvInitialized:", rec.UVInitialized)
	// Output:
	// user handle: user-7f3a
	// backup eligible: true backed up: true
	// uvInitialized: true
}
