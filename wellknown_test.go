package passkey_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/passkeytest"
)

// TestWellKnownWebAuthn: the document lists the related origins, in
// order, as {"origins": [...]}.
func TestWellKnownWebAuthn(t *testing.T) {
	e := newEnv(t, func(c *passkey.Config) {
		c.RelatedOrigins = []string{"https://example.co.uk", "https://example.de:443", "https://shop.example.net"}
	})
	doc, err := e.rp.WellKnownWebAuthn()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "well-known-webauthn.json", doc)
	if want := `{"origins":["https://example.co.uk","https://example.de","https://shop.example.net"]}`; string(doc) != want {
		t.Fatalf("document %s, want %s", doc, want)
	}

	var ce *passkey.ConfigError
	if _, err := newEnv(t).rp.WellKnownWebAuthn(); !errors.As(err, &ce) || ce.Field != "Config.RelatedOrigins" {
		t.Fatalf("without related origins: %v", err)
	}
}

// TestRelatedOriginLabels: New refuses related origins that a client
// would skip: a sixth registrable origin label, or none at all.
func TestRelatedOriginLabels(t *testing.T) {
	five := []string{"https://one.example", "https://two.co.uk", "https://two.de", "https://login.three.example",
		"https://three.example", "https://four.com.au", "https://five.example"}
	cases := []struct {
		name    string
		related []string
		field   string // "" when accepted
		label   string // the label past the limit
	}{
		{"five labels", five, "", ""},
		{"five labels, a known one repeated last", append(five, "https://www.one.example"), "", ""},
		{"sixth label", append(five, "https://six.example"), "Config.RelatedOrigins[7]", "(six after"},
		{"sixth label first", append([]string{"https://six.example"}, five...), "Config.RelatedOrigins[7]", "(five after"},
		{"a public suffix", []string{"https://co.uk"}, "Config.RelatedOrigins[0]", ""},
		{"localhost", []string{"https://example.org", "http://localhost:8080"}, "Config.RelatedOrigins[1]", ""},
		{"a private suffix's site", []string{"https://ada.github.io"}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := passkey.New(passkey.Config{
				RPID: testRPID, RPName: "Example", Origins: []string{testOrigin}, RelatedOrigins: tc.related,
				Credentials: newEnv(t).creds, Sessions: newEnv(t).sessions,
			})
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ce *passkey.ConfigError
			if !errors.As(err, &ce) || ce.Field != tc.field {
				t.Fatalf("err %v, want a ConfigError for %s", err, tc.field)
			}
			if !strings.Contains(ce.Problem, tc.label) {
				t.Errorf("problem %q does not name the label", ce.Problem)
			}
		})
	}
}

// TestRelatedOriginCeremonies: a page on a related origin registers and
// signs in through the RP ID when the emulated browser fetches the
// document the relying party serves, and not without it.
func TestRelatedOriginCeremonies(t *testing.T) {
	const related = "https://example.co.uk"
	e := newEnv(t, func(c *passkey.Config) { c.RelatedOrigins = []string{related} })
	fetched := 0
	a := newAuthenticator(t, passkeytest.Config{WellKnown: func(rpID string) ([]byte, error) {
		fetched++
		if rpID != testRPID {
			return nil, errors.New("404")
		}
		return e.rp.WellKnownWebAuthn()
	}})
	u := newUser("ada")
	o, sid, err := e.rp.BeginRegistration(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	body, err := a.Create(mustJSON(t, o), related)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.rp.FinishRegistration(t.Context(), sid, body); err != nil {
		t.Fatal(err)
	}
	ro, sid, err := e.rp.BeginLogin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	body, err = a.Get(mustJSON(t, ro), related)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.rp.FinishLogin(t.Context(), sid, body); err != nil {
		t.Fatal(err)
	}
	if fetched != 2 {
		t.Fatalf("document fetched %d times", fetched)
	}

	// A relying party that does not list the origin: the browser refuses
	// (the document lacks it), and so does the server.
	plain := e.withConfig(t)
	if _, err := plain.rp.WellKnownWebAuthn(); err == nil {
		t.Fatal("a document without related origins")
	}
	ro, sid, err = plain.rp.BeginLogin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	body, err = a.Get(mustJSON(t, ro), related)
	if err != nil {
		t.Fatal(err) // the browser still reads e's document
	}
	_, err = plain.rp.FinishLogin(t.Context(), sid, body)
	wantCode(t, err, passkey.ErrOriginMismatch)
}

// TestCrossOriginIframe: a login and a registration in a cross-origin
// iframe pass only when iframes are allowed and the embedding page is an
// accepted top origin (#sctn-validating-origin).
func TestCrossOriginIframe(t *testing.T) {
	const partner = "https://partner.example"
	iframe := func(top string) passkeytest.Tweak {
		return func(k *passkeytest.Knobs) {
			k.CrossOrigin = true
			k.TopOrigin = top
		}
	}
	allow := func(tops ...string) func(*passkey.Config) {
		return func(c *passkey.Config) {
			c.AllowCrossOrigin = true
			c.TopOrigins = tops
		}
	}
	cases := []struct {
		name  string
		mod   func(*passkey.Config)
		tweak passkeytest.Tweak
		want  passkey.Sentinel
	}{
		{"allowed top origin", allow(partner), iframe(partner), ""},
		{"refused top origin", allow(partner), iframe("https://evil.example"), passkey.ErrCrossOriginNotAllowed},
		{"own origin embeds itself", allow(), iframe(testOrigin), ""},
		{"another site without top origins", allow(), iframe(partner), passkey.ErrCrossOriginNotAllowed},
		{"iframes not allowed", func(*passkey.Config) {}, iframe(partner), passkey.ErrCrossOriginNotAllowed},
		{"Level 2 client, no topOrigin", allow(partner), func(k *passkeytest.Knobs) { k.CrossOrigin = true }, ""},
		{"topOrigin without crossOrigin", allow(partner), func(k *passkeytest.Knobs) { k.TopOrigin = partner }, passkey.ErrCrossOriginNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.mod)
			a := newAuthenticator(t, passkeytest.Config{})
			u := newUser("ada")
			register(t, e, a, u)
			sid, body := getBody(t, e, a, nil, tc.tweak)
			_, err := e.rp.FinishLogin(t.Context(), sid, body)
			wantCode(t, err, tc.want)

			sid, body = createBody(t, e, a, newUser("bob"), nil, tc.tweak)
			_, err = e.rp.FinishRegistration(t.Context(), sid, body)
			wantCode(t, err, tc.want)
		})
	}
}
