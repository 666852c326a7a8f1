// Command server is the example relying party of package passkey: sign up
// and sign in with passkeys, an account page to manage them, and a signed
// token that shows how a login is handed to an OAuth/OIDC server.
//
//	go run ./examples/server                     # http://localhost:8080, SQLite file passkey.db
//	go run ./examples/server -db memory          # nothing kept
//	go run ./examples/server -addr 127.0.0.1:9000 # RP ID localhost, origin http://localhost:9000
//
// The pages run the WebAuthn ceremonies in the browser: registration
// (#sctn-createCredential) and authentication
// (#sctn-discover-from-external-source), also with conditional mediation
// (the autofill sign-in), through the JSON forms of the options
// (#sctn-parseCreationOptionsFromJSON, #sctn-parseRequestOptionsFromJSON)
// and the credential's toJSON(), and they tell the browser about deleted
// passkeys with the signal methods (#sctn-signal-methods). The server
// verifies the ceremonies with package passkey.
//
// See examples/README.md for the endpoints and for running it on a real
// domain.
package main
