package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/gopasskey/passkey/passkeytest"
)

// The virtual authenticators of the test: a platform authenticator that
// makes synced passkeys with user verification, and a USB security key
// without user verification.
var (
	platformAuthenticator = webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
		Transport:      webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true,
		AutomaticPresenceSimulation: true,
		DefaultBackupEligibility:    true, DefaultBackupState: true,
	}
	// Chromium makes discoverable credentials only on keys with user
	// verification (or a PIN), so this key makes server-side ones, which
	// sign in by user name.
	securityKey = webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
		Transport:      webauthn.AuthenticatorTransportUsb,
		HasResidentKey: false, HasUserVerification: false,
		AutomaticPresenceSimulation: true,
	}
)

// chromiumAAGUID is the AAGUID of Chromium's virtual authenticators, which
// the example names.
const chromiumAAGUID = "01020304-0506-0708-0102-030405060708"

// TestBrowser drives the example server with a real Chromium and virtual
// authenticators through the WebAuthn DevTools domain: registration, login
// by user name, autofill (conditional mediation), usernameless login,
// rename, a security key, delete and the deleted passkey's failed login,
// the pages without the browser's JSON helpers, and a page on an origin the
// server does not accept, which the SERVER must refuse with
// origin-mismatch.
//
// It skips only when no Chromium is installed and CI is unset (-skip
// TestBrowser leaves it out on purpose).
// PASSKEY_SCREENSHOT=file.png saves a screenshot of the account page.
func TestBrowser(t *testing.T) {
	chromium := needChromium(t)

	main := startServer(t, "localhost", nil)
	// The second server has RP ID example.test and accepts only
	// https://login.example.test. The test serves its page as
	// http://evil.example.test:PORT, which the flags below make resolve to
	// the server and count as a secure context: the browser accepts the RP
	// ID there (a registrable suffix of the host), the server must not
	// accept the origin.
	alt := startServer(t, "example.test", func(string) []string { return []string{altOrigin} })
	evil := "http://evil.example.test:" + alt.port

	browser := startBrowser(t, chromium, map[string]any{
		"host-resolver-rules":                      "MAP evil.example.test 127.0.0.1",
		"unsafely-treat-insecure-origin-as-secure": evil,
	})

	t.Run("passkey lifecycle", func(t *testing.T) {
		passkeyLifecycle(t, newTab(t, browser, true), main)
	})
	t.Run("without the JSON helpers", func(t *testing.T) {
		withoutJSONHelpers(t, newTab(t, browser, false), main)
	})
	t.Run("origin the server does not accept", func(t *testing.T) {
		wrongOrigin(t, newTab(t, browser, false), alt, evil)
	})
}

// passkeyLifecycle is one user's story on the main server.
func passkeyLifecycle(t *testing.T, tb *tab, srv *testServer) {
	origin := "http://localhost:" + srv.port
	plat := tb.addAuthenticator(platformAuthenticator) // before the page loads, or it sees none

	// Register: a new account "ada" with a passkey.
	tb.navigate(origin + "/")
	tb.setUsername("ada")
	tb.click("#register")
	st := tb.waitFor(`status "registered"`, settled("registered"))
	if st.Status != "registered" {
		t.Fatalf("registration: status %q (code %q, error %q)", st.Status, st.Code, st.Error)
	}
	creds := tb.credentials(plat)
	if len(creds) != 1 || !creds[0].IsResidentCredential || creds[0].RpID != "localhost" || creds[0].UserName != "ada" {
		t.Fatalf("platform authenticator holds %d credentials, want one discoverable for localhost/ada: %+v", len(creds), creds)
	}
	platID := b64(creds[0].CredentialID)
	handle := creds[0].UserHandle
	if got := serverPasskeys(t, srv, handle); len(got) != 1 || got[0].ID != platID || !got[0].Synced {
		t.Fatalf("server passkeys after registration = %+v, want the one synced passkey %s", got, platID)
	}

	// Login by user name (the autofill sign-in was aborted before the
	// registration and does not restart).
	tb.setUsername("ada")
	tb.click("#login")
	st = tb.waitFor("the account page", signedIn("ada"))
	if st.Mediation != "modal" || st.Passkeys != 1 {
		t.Fatalf("after login by name: %+v, want a modal sign-in and one passkey listed", st)
	}
	item := `li[data-id="` + platID + `"]`
	text := eval[string](tb, `document.querySelector('`+item+`').textContent`)
	for _, want := range []string{"Synced", "Chromium virtual authenticator", "Used for this sign-in", "last used"} {
		if !strings.Contains(text, want) {
			t.Errorf("passkey entry %q lacks %q", text, want)
		}
	}
	if info := eval[string](tb, `document.getElementById('signin-info').textContent`); !strings.Contains(info, "with user verification") {
		t.Errorf("sign-in info %q, want it to report user verification", info)
	}
	if claims := eval[string](tb, `document.getElementById('claims').textContent`); !strings.Contains(claims, `"preferred_username": "ada"`) {
		t.Errorf("token claims %q lack the user name", claims)
	}

	// Rename.
	tb.click(item + " .rename")
	tb.do("type the new name", chromedp.SetValue(chromedp.CSS(item+" .rename-input"), "Laptop"))
	tb.click(item + " .save")
	st = tb.waitFor(`status "renamed"`, settled("renamed"))
	if st.Status != "renamed" {
		t.Fatalf("rename: %+v", st)
	}
	if name := eval[string](tb, `document.querySelector('`+item+` .pk-name').textContent`); name != "Laptop" {
		t.Errorf("listed name after rename = %q, want Laptop", name)
	}
	if got := serverPasskeys(t, srv, handle); len(got) != 1 || got[0].Name != "Laptop" || !got[0].Named {
		t.Fatalf("server passkeys after rename = %+v, want the name Laptop", got)
	}

	// Sign out; the index page's autofill sign-in (conditional mediation)
	// finds the passkey at once: the virtual authenticator picks it.
	tb.click("#signout")
	st = tb.waitFor("the autofill sign-in", signedIn("ada"))
	if st.Mediation != "conditional" {
		t.Fatalf("after sign-out with the passkey present: %+v, want a conditional (autofill) sign-in", st)
	}

	// Usernameless: with the authenticator silent while the page loads,
	// the autofill request waits; the button aborts it and asks anew.
	tb.presence(plat, false)
	tb.click("#signout")
	tb.waitFor("the index page with autofill waiting", func(s pageState) bool { return s.Path == "/" && s.Autofill == "started" })
	tb.presence(plat, true)
	if v := eval[string](tb, `document.getElementById('username').value`); v != "" {
		t.Fatalf("#username = %q, want empty for a usernameless login", v)
	}
	tb.click("#login")
	st = tb.waitFor("the account page", signedIn("ada"))
	if st.Mediation != "modal" {
		t.Fatalf("usernameless login: %+v, want a modal sign-in", st)
	}
	if n := len(srv.logs.lines("msg=request", "path=/api/login/begin", "status=200")); n < 4 {
		t.Errorf("server saw %d login begins, want at least 4", n)
	}

	// A security key: a second authenticator, USB, without user
	// verification. "Add a security key" asks for a cross-platform
	// authenticator, so the platform one stays out of it.
	key := tb.addAuthenticator(securityKey)
	tb.click("#add-security-key")
	st = tb.waitFor("the second passkey", func(s pageState) bool { return s.Passkeys == 2 || isFailure(s) })
	if st.Passkeys != 2 || st.Status != "registered" {
		t.Fatalf("adding a security key: %+v", st)
	}
	keyCreds := tb.credentials(key)
	if len(keyCreds) != 1 {
		t.Fatalf("security key holds %d credentials, want 1", len(keyCreds))
	}
	keyID := b64(keyCreds[0].CredentialID)
	if n := len(tb.credentials(plat)); n != 1 {
		t.Fatalf("platform authenticator holds %d credentials after adding a security key, want 1", n)
	}
	keyItem := `li[data-id="` + keyID + `"]`
	if kind := eval[string](tb, `document.querySelector('`+keyItem+`').dataset.kind`); kind != "device-bound" {
		t.Errorf("security key listed as %q, want device-bound", kind)
	}
	if name := eval[string](tb, `document.querySelector('`+keyItem+` .pk-name').textContent`); name != "Security key" {
		t.Errorf("security key listed as %q, want Security key", name)
	}
	screenshot(t, tb)

	// Sign in with the security key: the platform authenticator stays
	// silent, the key answers, without user verification.
	tb.presence(plat, false)
	tb.click("#signout")
	tb.waitFor("the index page", func(s pageState) bool { return s.Path == "/" && s.Autofill != "" })
	tb.setUsername("ada")
	tb.click("#login")
	st = tb.waitFor("the account page", signedIn("ada"))
	if st.Mediation != "modal" {
		t.Fatalf("security key login: %+v", st)
	}
	if cur := eval[string](tb, `(document.querySelector('li .badge.current')?.closest('li')?.dataset.id) || ''`); cur != keyID {
		t.Errorf("the passkey marked as used is %q, want the security key %q", cur, keyID)
	}
	if info := eval[string](tb, `document.getElementById('signin-info').textContent`); !strings.Contains(info, "without user verification") {
		t.Errorf("sign-in info %q, want no user verification", info)
	}

	// Delete the platform passkey (keep a copy of it, as another device
	// would), then try to delete the last one, which the server refuses.
	saved := tb.credentials(plat)[0]
	tb.click(item + " .delete")
	tb.click(item + " .delete") // the second click confirms
	st = tb.waitFor(`status "deleted"`, settled("deleted"))
	if st.Status != "deleted" || st.Passkeys != 1 {
		t.Fatalf("delete: %+v", st)
	}
	if got := serverPasskeys(t, srv, handle); len(got) != 1 || got[0].ID != keyID {
		t.Fatalf("server passkeys after delete = %+v, want only the security key", got)
	}
	tb.click(keyItem + " .delete")
	tb.click(keyItem + " .delete")
	st = tb.waitFor("the refusal", func(s pageState) bool { return isFailure(s) })
	if st.Code != codeLastPasskey || !strings.Contains(st.Status, "failed") {
		t.Fatalf("deleting the last passkey: %+v, want the server's %s", st, codeLastPasskey)
	}

	// The deleted passkey no longer signs in. The page told the browser
	// (signalAllAcceptedCredentials), which may have removed it from the
	// authenticator; put it back, as a device that missed the signal
	// still holds it, so that the SERVER's refusal is what is tested.
	if !slices.ContainsFunc(tb.credentials(plat), func(c *webauthn.Credential) bool { return bytes.Equal(c.CredentialID, saved.CredentialID) }) {
		t.Log("signalAllAcceptedCredentials removed the deleted passkey from the authenticator; adding it back")
		tb.addCredential(plat, imported(saved))
	}
	tb.removeAuthenticator(key)
	tb.click("#signout")
	tb.waitFor("the index page with autofill waiting", func(s pageState) bool { return s.Path == "/" && s.Autofill == "started" })
	tb.presence(plat, true)
	tb.click("#login")
	st = tb.waitFor("the failed login", func(s pageState) bool { return isFailure(s) || s.Path == "/account" })
	if st.Path != "/" || st.Code != "unknown-credential" || !strings.Contains(st.Status, "failed") {
		t.Fatalf("login with the deleted passkey: %+v, want the server's unknown-credential", st)
	}
	if len(srv.logs.lines("path=/api/login/finish", "status=400", "code=unknown-credential")) == 0 {
		t.Error("the server log has no refused login with unknown-credential")
	}
}

// withoutJSONHelpers runs a registration and a login with
// parseCreationOptionsFromJSON, parseRequestOptionsFromJSON and toJSON
// removed, as in browsers that lack them: the page's own base64url
// conversion must do.
func withoutJSONHelpers(t *testing.T, tb *tab, srv *testServer) {
	origin := "http://localhost:" + srv.port
	tb.onNewDocument(`delete PublicKeyCredential.parseCreationOptionsFromJSON;
delete PublicKeyCredential.parseRequestOptionsFromJSON;
delete PublicKeyCredential.prototype.toJSON;`)
	plat := platformAuthenticator
	plat.DefaultBackupEligibility, plat.DefaultBackupState = false, false
	tb.addAuthenticator(plat)

	tb.navigate(origin + "/")
	if got := eval[string](tb, `[typeof PublicKeyCredential.parseCreationOptionsFromJSON, typeof PublicKeyCredential.parseRequestOptionsFromJSON, typeof PublicKeyCredential.prototype.toJSON].join()`); got != "undefined,undefined,undefined" {
		t.Fatalf("the JSON helpers are still there: %s", got)
	}
	tb.setUsername("bob")
	tb.click("#register")
	if st := tb.waitFor(`status "registered"`, settled("registered")); st.Status != "registered" {
		t.Fatalf("registration without the JSON helpers: %+v", st)
	}
	tb.setUsername("bob")
	tb.click("#login")
	st := tb.waitFor("the account page", signedIn("bob"))
	if st.Passkeys != 1 {
		t.Fatalf("account page of bob: %+v", st)
	}
	if kind := eval[string](tb, `document.querySelector('#passkeys > li').dataset.kind`); kind != "device-bound" {
		t.Errorf("bob's passkey listed as %q, want device-bound", kind)
	}
}

// altOrigin is the one origin of the second server.
const altOrigin = "https://login.example.test"

// wrongOrigin serves the page under a host name the server does not
// accept. The browser goes ahead (the RP ID example.test is a registrable
// suffix of evil.example.test, and the flags make the origin secure); the
// SERVER must refuse both ceremonies with origin-mismatch. A refusal by
// the browser (a DOMException in #status, data-error) fails the test.
func wrongOrigin(t *testing.T, tb *tab, srv *testServer, evil string) {
	// carol registers at the accepted origin, with a software
	// authenticator over the HTTP API (the positive control: this server
	// takes a registration from its own origin) ...
	carol := registerOverHTTP(t, srv, "carol", altOrigin)
	// ... and the browser's authenticator gets the same passkey, as a
	// synced passkey would reach another device.
	plat := tb.addAuthenticator(platformAuthenticator)
	tb.addCredential(plat, carol)

	// The authenticator stays silent while the page loads, so that the
	// autofill request does not answer with carol's passkey before the
	// test asks.
	tb.presence(plat, false)
	tb.navigate(evil + "/")
	tb.presence(plat, true)

	tb.setUsername("mallory")
	tb.click("#register")
	st := tb.waitFor("the refused registration", func(s pageState) bool { return isFailure(s) || s.Status == "registered" })
	if st.Code != "origin-mismatch" || st.Error != "" || !strings.Contains(st.Status, "failed") {
		t.Fatalf("registration at %s: %+v, want the SERVER's origin-mismatch (a browser refusal does not count)", evil, st)
	}
	if len(srv.logs.lines("msg=request", "path=/api/register/finish", "status=400", "code=origin-mismatch")) != 1 {
		t.Error("the server log has no refused registration with origin-mismatch")
	}
	if _, err := srv.app.accounts.ByName(t.Context(), "mallory"); err == nil {
		t.Error("the refused registration created the account mallory")
	}

	// carol's real passkey, from the wrong origin.
	tb.setUsername("carol")
	tb.click("#login")
	st = tb.waitFor("the refused login", func(s pageState) bool { return isFailure(s) || s.Path == "/account" })
	if st.Code != "origin-mismatch" || st.Error != "" || st.Path != "/" {
		t.Fatalf("login at %s: %+v, want the SERVER's origin-mismatch", evil, st)
	}
	if len(srv.logs.lines("msg=request", "path=/api/login/finish", "status=400", "code=origin-mismatch")) != 1 {
		t.Error("the server log has no refused login with origin-mismatch")
	}
	if len(srv.logs.lines(`msg="passkey: registration rejected"`, "code=origin-mismatch")) != 1 ||
		len(srv.logs.lines(`msg="passkey: login rejected"`, "code=origin-mismatch")) != 1 {
		t.Error("the library did not log both rejections with origin-mismatch")
	}
}

// registerOverHTTP signs name up at srv with passkeytest's authenticator
// (ES256, the only key type the virtual authenticator imports) answering
// as the page at origin, and returns the new credential in the form
// WebAuthn.addCredential takes.
func registerOverHTTP(t *testing.T, srv *testServer, name, origin string) importedCredential {
	t.Helper()
	auth, err := passkeytest.New(passkeytest.Config{Seed: []byte("browser test " + name), Algorithms: []int64{passkeytest.AlgES256}})
	if err != nil {
		t.Fatal(err)
	}
	c := newAPIClient(t, srv)
	opts := c.post("/api/register/begin", map[string]string{"username": name}, http.StatusOK)
	body, err := auth.Create(opts, origin)
	if err != nil {
		t.Fatalf("passkeytest create: %v", err)
	}
	c.postRaw("/api/register/finish", body, http.StatusOK)

	cred := auth.Credentials()[0]
	key, err := x509.MarshalPKCS8PrivateKey(cred.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	return importedCredential{
		CredentialID: cred.ID, IsResidentCredential: true, RpID: cred.RPID, PrivateKey: key,
		UserHandle: cred.UserHandle, UserName: name, SignCount: int64(cred.SignCount),
		// passkeytest made a device-bound credential (BE clear); the copy
		// must say the same, as BE never changes for a credential.
		BackupEligibility: false, BackupState: false,
	}
}

// settled is the predicate "the status says want, or a failure".
func settled(want string) func(pageState) bool {
	return func(s pageState) bool { return s.Status == want || isFailure(s) }
}

// signedIn is the predicate "on the account page, signed in as name", or
// a failure on the way.
func signedIn(name string) func(pageState) bool {
	return func(s pageState) bool {
		return (s.Path == "/account" && s.Status == "signed in as "+name) || isFailure(s)
	}
}

// isFailure reports a failure shown in #status.
func isFailure(s pageState) bool {
	return s.Code != "" || s.Error != "" || strings.Contains(s.Status, "failed") || strings.Contains(s.Status, "error")
}

// shownPasskey is a passkey as the server lists it.
type shownPasskey struct {
	ID     string
	Name   string
	Named  bool
	Synced bool
}

// serverPasskeys asks the relying party itself, not the page.
func serverPasskeys(t *testing.T, srv *testServer, handle []byte) []shownPasskey {
	t.Helper()
	list, err := srv.app.rp.Passkeys(context.Background(), handle)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]shownPasskey, len(list))
	for i, p := range list {
		out[i] = shownPasskey{ID: b64(p.ID), Name: p.Name, Named: p.Named, Synced: p.Synced}
	}
	return out
}

// screenshot saves the page to $PASSKEY_SCREENSHOT, if set.
func screenshot(t *testing.T, tb *tab) {
	path := os.Getenv("PASSKEY_SCREENSHOT")
	if path == "" {
		return
	}
	var png []byte
	tb.call("screenshot", func(ctx context.Context) error {
		var err error
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		return err
	})
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("account page screenshot: %s", path)
}
