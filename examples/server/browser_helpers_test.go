package main

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds every browser step. The browser itself is started
// without a deadline: a timeout on chromedp's first call would kill it.
const stepTimeout = 30 * time.Second

// findChromium returns the browser to drive: $PASSKEY_CHROMIUM, else the
// first of the usual names on $PATH (Debian's package installs
// /usr/bin/chromium), else "".
func findChromium() string {
	if p := os.Getenv("PASSKEY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needChromium returns the browser path, or skips the test when there is
// none, except in CI (CI set), where a missing browser fails the run: a
// CI that silently skips its browser test proves nothing.
func needChromium(t *testing.T) string {
	t.Helper()
	p := findChromium()
	if p != "" {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium found and CI is set: install it (apt-get install -y chromium) or set PASSKEY_CHROMIUM")
	}
	t.Skip("no Chromium found (apt-get install -y chromium, or set PASSKEY_CHROMIUM); skipping the browser test")
	return ""
}

// startBrowser starts a headless Chromium with the flags these machines
// need and a fresh profile, and returns the context of its first tab.
func startBrowser(t *testing.T, path string, extraFlags map[string]any) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.WindowSize(1100, 900),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	for k, v := range extraFlags {
		opts = append(opts, chromedp.Flag(k, v))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	// Start the browser without a deadline (see stepTimeout).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// tab is one browser tab with its own virtual authenticators (the WebAuthn
// domain belongs to the tab).
type tab struct {
	t   *testing.T
	ctx context.Context
}

// newTab opens a tab in the browser of ctx and enables the WebAuthn domain
// on it.
func newTab(t *testing.T, browser context.Context, first bool) *tab {
	t.Helper()
	ctx := browser
	if !first {
		var cancel context.CancelFunc
		// A browser context of its own: cookies of one tab's user do not
		// leak into the next tab's story.
		ctx, cancel = chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if err := chromedp.Do(ctx); err != nil {
			t.Fatalf("opening a tab: %v", err)
		}
	}
	tb := &tab{t: t, ctx: ctx}
	tb.call("WebAuthn.enable", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{})
		return err
	})
	return tb
}

// call runs f with a step deadline and fails the test on error.
func (tb *tab) call(what string, f func(ctx context.Context) error) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := f(ctx); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// do runs browser actions with a step deadline.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	tb.call(what, func(ctx context.Context) error { return chromedp.Do(ctx, actions...) })
}

// eval evaluates a JavaScript expression and decodes its result; a
// promise is awaited.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	var v T
	tb.call("evaluate "+expr, func(ctx context.Context) error {
		var err error
		v, err = chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
		return err
	})
	return v
}

// addAuthenticator adds a virtual authenticator to the tab.
func (tb *tab) addAuthenticator(opts webauthn.VirtualAuthenticatorOptions) webauthn.AuthenticatorID {
	tb.t.Helper()
	var id webauthn.AuthenticatorID
	tb.call("WebAuthn.addVirtualAuthenticator", func(ctx context.Context) error {
		res, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &opts})
		id = res.AuthenticatorID
		return err
	})
	return id
}

// presence turns the authenticator's automatic user presence on or off.
// Off, it answers no request: the way to make one of two authenticators
// the one that signs.
func (tb *tab) presence(id webauthn.AuthenticatorID, on bool) {
	tb.t.Helper()
	tb.call("WebAuthn.setAutomaticPresenceSimulation", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, webauthn.SetAutomaticPresenceSimulation,
			webauthn.SetAutomaticPresenceSimulationParams{AuthenticatorID: id, Enabled: on})
		return err
	})
}

// credentials lists what the authenticator holds.
func (tb *tab) credentials(id webauthn.AuthenticatorID) []*webauthn.Credential {
	tb.t.Helper()
	var creds []*webauthn.Credential
	tb.call("WebAuthn.getCredentials", func(ctx context.Context) error {
		res, err := chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: id})
		creds = res.Credentials
		return err
	})
	return creds
}

// importedCredential is WebAuthn.addCredential's credential with only the
// members the test sets: cdproto's webauthn.Credential always sends
// generateCmtgKeyOnNextOperation, which this Chromium refuses for an
// authenticator without the cmtgKey extension.
type importedCredential struct {
	CredentialID         []byte `json:"credentialId"`
	IsResidentCredential bool   `json:"isResidentCredential"`
	RpID                 string `json:"rpId"`
	PrivateKey           []byte `json:"privateKey"` // PKCS #8, P-256
	UserHandle           []byte `json:"userHandle,omitempty"`
	UserName             string `json:"userName,omitempty"`
	SignCount            int64  `json:"signCount"`
	BackupEligibility    bool   `json:"backupEligibility"`
	BackupState          bool   `json:"backupState"`
}

type importCredentialParams struct {
	AuthenticatorID webauthn.AuthenticatorID `json:"authenticatorId"`
	Credential      importedCredential       `json:"credential"`
}

var importCredential = cdp.Command[importCredentialParams, cdp.Empty]{Method: webauthn.CommandAddCredential}

// imported converts a credential read with getCredentials for addCredential.
func imported(c *webauthn.Credential) importedCredential {
	return importedCredential{
		CredentialID: c.CredentialID, IsResidentCredential: c.IsResidentCredential, RpID: c.RpID,
		PrivateKey: c.PrivateKey, UserHandle: c.UserHandle, UserName: c.UserName, SignCount: int64(c.SignCount),
		BackupEligibility: c.BackupEligibility, BackupState: c.BackupState,
	}
}

// addCredential puts a credential (with its private key) into an
// authenticator: another device that still holds a passkey.
func (tb *tab) addCredential(id webauthn.AuthenticatorID, c importedCredential) {
	tb.t.Helper()
	tb.call("WebAuthn.addCredential", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, importCredential, importCredentialParams{AuthenticatorID: id, Credential: c})
		return err
	})
}

// removeAuthenticator unplugs a virtual authenticator.
func (tb *tab) removeAuthenticator(id webauthn.AuthenticatorID) {
	tb.t.Helper()
	tb.call("WebAuthn.removeVirtualAuthenticator", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, webauthn.RemoveVirtualAuthenticator, webauthn.RemoveVirtualAuthenticatorParams{AuthenticatorID: id})
		return err
	})
}

// onNewDocument runs a script before any page script of later documents.
func (tb *tab) onNewDocument(src string) {
	tb.t.Helper()
	tb.call("Page.addScriptToEvaluateOnNewDocument", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return err
	})
}

// pageState is what the test reads off a page.
type pageState struct {
	Href      string `json:"href"`
	Path      string `json:"path"`
	Status    string `json:"status"`
	Code      string `json:"code"`      // the server's error code (#status data-code)
	Error     string `json:"error"`     // a browser exception's name (#status data-error)
	Mediation string `json:"mediation"` // how the sign-in happened
	Autofill  string `json:"autofill"`  // the autofill sign-in's state on the index page
	Busy      string `json:"busy"`
	Passkeys  int    `json:"passkeys"` // entries listed on the account page
}

const pageStateJS = `(() => {
  const s = document.getElementById('status');
  const d = (k) => (s && s.dataset[k]) || '';
  return {
    href: location.href, path: location.pathname,
    status: s ? s.textContent : '', code: d('code'), error: d('error'), mediation: d('mediation'),
    autofill: (document.body && document.body.dataset.autofill) || '',
    busy: (document.body && document.body.dataset.busy) || '',
    passkeys: document.querySelectorAll('#passkeys > li').length,
  };
})()`

// waitFor polls the page until ok holds, tolerating the errors of a page
// in the middle of a navigation, and returns the state it saw.
func (tb *tab) waitFor(what string, ok func(pageState) bool) pageState {
	tb.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	var last pageState
	var lastErr error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
		st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](pageStateJS))
		cancel()
		if err == nil {
			last = st
			if ok(st) {
				return st
			}
		} else {
			lastErr = err
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.t.Fatalf("waiting for %s: timed out; last state %+v (last error %v)", what, last, lastErr)
	return last
}

// navigate opens url and waits for the page's script to have run.
func (tb *tab) navigate(url string) {
	tb.t.Helper()
	tb.do("navigate "+url, chromedp.Navigate(url))
	tb.waitFor("the page at "+url, func(s pageState) bool {
		return strings.HasPrefix(s.Href, url) && (s.Autofill != "" || s.Path == "/account")
	})
}

// setUsername puts v into #username.
func (tb *tab) setUsername(v string) {
	tb.t.Helper()
	tb.do("set #username", chromedp.SetValue(chromedp.ID("username"), v))
	if got := eval[string](tb, `document.getElementById('username').value`); got != v {
		tb.t.Fatalf("#username = %q, want %q", got, v)
	}
}

// click clicks the element sel.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// b64 is base64url without padding, as the page names credentials.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
