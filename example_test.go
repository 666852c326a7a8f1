package passkey_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"sync"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store/memory"
)

// browser stands in for the page and the user's authenticator: it turns
// options JSON into the JSON that PublicKeyCredential.toJSON() gives.
func browser() *passkeytest.Authenticator {
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("example")})
	if err != nil {
		log.Fatal(err)
	}
	return a
}

func newRelyingParty() *passkey.RelyingParty {
	rp, err := passkey.New(passkey.Config{
		RPID:        "example.com",
		RPName:      "Example",
		Origins:     []string{"https://example.com"},
		Credentials: memory.NewCredentials(),
		Sessions:    memory.NewSessions(), // a shared store (sqlstore) for several instances
	})
	if err != nil {
		log.Fatal(err)
	}
	return rp
}

// signUp registers a passkey for user, as the two handlers of a sign-up page
// would.
func signUp(ctx context.Context, rp *passkey.RelyingParty, a *passkeytest.Authenticator, user passkey.User) {
	opts, sessionID, err := rp.BeginRegistration(ctx, user)
	if err != nil {
		log.Fatal(err)
	}
	optionsJSON, _ := json.Marshal(opts)
	body, err := a.Create(optionsJSON, "https://example.com")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := rp.FinishRegistration(ctx, sessionID, body); err != nil {
		log.Fatal(err)
	}
}

// A registration: BeginRegistration in the handler that serves the options,
// FinishRegistration in the one that receives the browser's response.
func Example_registration() {
	ctx := context.Background()
	rp := newRelyingParty()
	a := browser()

	// Handler 1: the options, and a session ID kept with the page (a
	// cookie, say).
	user := passkey.User{Handle: passkey.NewUserHandle(), Name: "ada@example.com", DisplayName: "Ada Lovelace"}
	opts, sessionID, err := rp.BeginRegistration(ctx, user)
	if err != nil {
		log.Fatal(err)
	}
	optionsJSON, err := json.Marshal(opts) // for PublicKeyCredential.parseCreationOptionsFromJSON()
	if err != nil {
		log.Fatal(err)
	}

	// The page calls navigator.credentials.create() and posts the
	// credential's toJSON().
	body, err := a.Create(optionsJSON, "https://example.com")
	if err != nil {
		log.Fatal(err)
	}

	// Handler 2: verify and store.
	reg, err := rp.FinishRegistration(ctx, sessionID, body)
	if err != nil {
		log.Printf("registration rejected: %s", passkey.Code(err))
		return
	}
	fmt.Println("attestation:", reg.AttestationType)
	fmt.Println("passkey (discoverable):", reg.Record.Discoverable)

	// The session is single use.
	_, err = rp.FinishRegistration(ctx, sessionID, body)
	fmt.Println("replay:", passkey.Code(err))
	// Output:
	// attestation: none
	// passkey (discoverable): true
	// replay: challenge-mismatch
}

// A login for a user who typed their name first: ForUser lists their
// credentials. A name without an account gets ForUnknownUser, whose options
// look the same.
func Example_login() {
	ctx := context.Background()
	rp := newRelyingParty()
	a := browser()
	ada := passkey.User{Handle: passkey.NewUserHandle(), Name: "ada@example.com"}
	signUp(ctx, rp, a, ada)

	lookUpUser := func(name string) (passkey.User, bool) { return ada, name == ada.Name }

	for _, name := range []string{"ada@example.com", "eve@example.com"} {
		var opt passkey.LoginOption
		if u, ok := lookUpUser(name); ok {
			opt = passkey.ForUser(u.Handle)
		} else {
			opt = passkey.ForUnknownUser(name)
		}
		opts, sessionID, err := rp.BeginLogin(ctx, opt)
		if err != nil {
			log.Fatal(err)
		}
		// Both get a non-empty allowCredentials: the options do not say
		// whether the account exists.
		fmt.Printf("%s: credentials offered: %v\n", name, len(opts.AllowCredentials) > 0)

		optionsJSON, _ := json.Marshal(opts)
		body, err := a.Get(optionsJSON, "https://example.com")
		if errors.Is(err, passkeytest.ErrNotAllowed) {
			fmt.Printf("%s: the browser found no passkey\n", name)
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		login, err := rp.FinishLogin(ctx, sessionID, body)
		if err != nil {
			fmt.Printf("%s: rejected (%s)\n", name, passkey.Code(err))
			continue
		}
		fmt.Printf("%s: signed in, user verified: %v, counter %d\n", name, login.UserVerifiedTrusted, login.Record.SignCount)
	}
	// Output:
	// ada@example.com: credentials offered: true
	// ada@example.com: signed in, user verified: true, counter 1
	// eve@example.com: credentials offered: true
	// eve@example.com: the browser found no passkey
}

// A usernameless login, also the one behind conditional UI (passkeys in the
// browser's autofill): no allowCredentials, and the response's userHandle
// names the account.
func Example_usernamelessLogin() {
	ctx := context.Background()
	rp := newRelyingParty()
	a := browser()
	ada := passkey.User{Handle: []byte("ada's handle"), Name: "ada@example.com"}
	signUp(ctx, rp, a, ada)

	opts, sessionID, err := rp.BeginLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	optionsJSON, _ := json.Marshal(opts) // the page: get({publicKey, mediation: "conditional"})
	body, err := a.Get(optionsJSON, "https://example.com")
	if err != nil {
		log.Fatal(err)
	}
	login, err := rp.FinishLogin(ctx, sessionID, body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("allowCredentials: %d\n", len(opts.AllowCredentials))
	fmt.Printf("signed in as %q\n", login.UserHandle)
	// Output:
	// allowCredentials: 0
	// signed in as "ada's handle"
}

// An account page: list the user's passkeys with a name to show, rename one,
// delete one.
func Example_passkeyManagement() {
	ctx := context.Background()
	rp := newRelyingParty()
	ada := passkey.User{Handle: passkey.NewUserHandle(), Name: "ada@example.com"}
	signUp(ctx, rp, browser(), ada)
	phone, _ := passkeytest.New(passkeytest.Config{Seed: []byte("phone")})
	signUp(ctx, rp, phone, ada)

	list, err := rp.Passkeys(ctx, ada.Handle)
	if err != nil {
		log.Fatal(err)
	}
	if err := rp.RenamePasskey(ctx, ada.Handle, list[1].ID, "Ada's phone"); err != nil {
		log.Fatal(err)
	}
	if err := rp.DeletePasskey(ctx, ada.Handle, list[0].ID); err != nil {
		log.Fatal(err)
	}
	err = rp.DeletePasskey(ctx, []byte("someone else"), list[1].ID)
	fmt.Println("another user deleting it:", errors.Is(err, passkey.ErrPasskeyNotFound))

	list, _ = rp.Passkeys(ctx, ada.Handle)
	for _, p := range list {
		fmt.Printf("%s (named by the user: %v)\n", p.Name, p.Named)
	}
	// Output:
	// another user deleting it: true
	// Ada's phone (named by the user: true)
}

// Passkeys as a second factor after a password: the user is known, so the
// login lists their credentials, and the authenticator need not verify the
// user (the password was the first factor). Security keys store no
// discoverable credential.
func Example_secondFactor() {
	ctx := context.Background()
	rp, err := passkey.New(passkey.Config{
		RPID: "example.com", RPName: "Example", Origins: []string{"https://example.com"},
		UserVerification: passkey.VerificationDiscouraged,
		ResidentKey:      passkey.ResidentKeyDiscouraged,
		Credentials:      memory.NewCredentials(),
		Sessions:         memory.NewSessions(),
	})
	if err != nil {
		log.Fatal(err)
	}
	key, _ := passkeytest.New(passkeytest.Config{Seed: []byte("key"), Attachment: "cross-platform", NoResidentKeys: true})
	ada := passkey.User{Handle: passkey.NewUserHandle(), Name: "ada"}
	signUp(ctx, rp, key, ada)

	// After the password check:
	opts, sessionID, err := rp.BeginLogin(ctx, passkey.ForUser(ada.Handle))
	if err != nil {
		log.Fatal(err)
	}
	optionsJSON, _ := json.Marshal(opts)
	body, err := key.Get(optionsJSON, "https://example.com")
	if err != nil {
		log.Fatal(err)
	}
	login, err := rp.FinishLogin(ctx, sessionID, body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("second factor passed for the user:", string(login.UserHandle) == string(ada.Handle))
	// Output:
	// second factor passed for the user: true
}

// accounts is an application's user table, with transactions.
type accounts struct {
	mu    sync.Mutex
	users map[string]passkey.User
}

// inTx runs f with the table locked and undoes f's insertions if it fails:
// a stand-in for a database transaction.
func (a *accounts) inTx(f func(insert func(passkey.User)) error) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var added []string
	err := f(func(u passkey.User) { a.users[u.Name] = u; added = append(added, u.Name) })
	if err != nil {
		for _, name := range added {
			delete(a.users, name)
		}
	}
	return err
}

// Sign-up in one transaction: VerifyRegistration checks everything and
// stores nothing; the account row and the credential are then written
// together, or neither is.
func Example_signUpInOneTransaction() {
	ctx := context.Background()
	rp := newRelyingParty()
	db := &accounts{users: map[string]passkey.User{}}
	a := browser()

	// verify is the sign-up handler up to the transaction.
	verify := func(name string, tweaks ...passkeytest.Tweak) *passkey.Registration {
		user := passkey.User{Handle: passkey.NewUserHandle(), Name: name}
		opts, sessionID, err := rp.BeginRegistration(ctx, user)
		if err != nil {
			log.Fatal(err)
		}
		optionsJSON, _ := json.Marshal(opts)
		body, err := a.Create(optionsJSON, "https://example.com", tweaks...)
		if err != nil {
			log.Fatal(err)
		}
		reg, err := rp.VerifyRegistration(ctx, sessionID, body)
		if err != nil {
			log.Fatal(err) // no account was created
		}
		return reg
	}
	// commit is the rest: the account and its first passkey, or nothing.
	commit := func(reg *passkey.Registration) error {
		return db.inTx(func(insert func(passkey.User)) error {
			insert(passkey.User{Handle: reg.UserHandle, Name: reg.UserName})
			// With a SQL store, save the record in the same transaction.
			return rp.SaveRegistration(ctx, reg)
		})
	}

	// Two sign-ups race with one credential ID: both verify, one commits.
	sameCredential := func(k *passkeytest.Knobs) { k.CredentialID = []byte("one credential ID") }
	ada, eve := verify("ada", sameCredential), verify("eve", sameCredential)
	fmt.Println("ada:", commit(ada) == nil)
	fmt.Println("eve:", passkey.Code(commit(eve)))
	_, eveExists := db.users["eve"]
	fmt.Println("eve's account exists:", eveExists)
	// Output:
	// ada: true
	// eve: credential-already-registered
	// eve's account exists: false
}
