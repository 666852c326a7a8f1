package passkeytest_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/gopasskey/passkey/passkeytest"
)

// tinyRP is a deliberately minimal relying party, only to show the
// authenticator at work: it records the ES256 public key a registration
// reports (response.publicKey) and checks assertion signatures with it.
// A real RP checks far more (see the passkey package).
type tinyRP struct {
	mu        sync.Mutex
	challenge []byte
	key       *ecdsa.PublicKey
}

const tinyOrigin, tinyRPID = "https://example.com", "example.com"

func (rp *tinyRP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	b64 := base64.RawURLEncoding
	switch r.URL.Path {
	case "/register/options", "/login/options":
		rp.challenge = make([]byte, 32)
		rand.Read(rp.challenge)
		opts := map[string]any{"challenge": b64.EncodeToString(rp.challenge), "rpId": tinyRPID}
		if r.URL.Path == "/register/options" {
			opts = map[string]any{
				"rp":                     map[string]any{"id": tinyRPID, "name": "Example"},
				"user":                   map[string]any{"id": b64.EncodeToString([]byte("ada")), "name": "ada", "displayName": "Ada"},
				"challenge":              b64.EncodeToString(rp.challenge),
				"pubKeyCredParams":       []any{map[string]any{"type": "public-key", "alg": -7}},
				"authenticatorSelection": map[string]any{"residentKey": "required"},
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"publicKey": opts})
	case "/register", "/login":
		var body struct {
			Response struct {
				ClientDataJSON, AuthenticatorData, Signature, UserHandle, PublicKey string
			}
		}
		json.NewDecoder(r.Body).Decode(&body)
		cdj, _ := b64.DecodeString(body.Response.ClientDataJSON)
		var cd struct{ Type, Challenge, Origin string }
		json.Unmarshal(cdj, &cd)
		want := map[string]string{"/register": "webauthn.create", "/login": "webauthn.get"}[r.URL.Path]
		if cd.Type != want || cd.Challenge != b64.EncodeToString(rp.challenge) || cd.Origin != tinyOrigin {
			http.Error(w, "client data mismatch", http.StatusForbidden)
			return
		}
		rp.challenge = nil // single use
		if r.URL.Path == "/register" {
			der, _ := b64.DecodeString(body.Response.PublicKey)
			pub, err := x509.ParsePKIXPublicKey(der)
			if key, ok := pub.(*ecdsa.PublicKey); err == nil && ok {
				rp.key = key
				fmt.Fprint(w, "registered")
				return
			}
			http.Error(w, "unusable public key", http.StatusBadRequest)
			return
		}
		authData, _ := b64.DecodeString(body.Response.AuthenticatorData)
		sig, _ := b64.DecodeString(body.Response.Signature)
		rpIDHash, cdHash := sha256.Sum256([]byte(tinyRPID)), sha256.Sum256(cdj)
		digest := sha256.Sum256(append(authData, cdHash[:]...))
		if rp.key == nil || len(authData) < 37 || !bytes.Equal(authData[:32], rpIDHash[:]) || authData[32]&1 == 0 ||
			!ecdsa.VerifyASN1(rp.key, digest[:], sig) {
			http.Error(w, "signature invalid", http.StatusForbidden)
			return
		}
		user, _ := b64.DecodeString(body.Response.UserHandle)
		fmt.Fprintf(w, "welcome %s", user)
	default:
		http.NotFound(w, r)
	}
}

// Example drives an http.Handler through a registration and a usernameless
// sign-in, then shows that a response with one flipped signature byte is
// refused.
func Example() {
	server := httptest.NewServer(&tinyRP{})
	defer server.Close()
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("example")})
	if err != nil {
		panic(err)
	}
	post := func(path string, body []byte) string {
		resp, err := http.Post(server.URL+path, "application/json", bytes.NewReader(body))
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		text, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(text))
	}
	options := func(path string) []byte {
		resp, err := http.Get(server.URL + path)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return body
	}

	// The page at https://example.com calls navigator.credentials.create().
	reg, err := a.Create(options("/register/options"), "https://example.com")
	if err != nil {
		panic(err)
	}
	fmt.Println(post("/register", reg))

	login, err := a.Get(options("/login/options"), "https://example.com")
	if err != nil {
		panic(err)
	}
	fmt.Println(post("/login", login))

	tampered, err := a.Get(options("/login/options"), "https://example.com", func(k *passkeytest.Knobs) {
		k.TamperAfterSign = func(r *passkeytest.RawResponse) { r.Signature[10] ^= 1 }
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(post("/login", tampered))
	// Output:
	// 200 registered
	// 200 welcome ada
	// 403 signature invalid
}

// ExampleAuthenticator_Get_clonedAuthenticator shows knobs: an assertion
// whose counter went backwards, as a cloned authenticator's would.
func ExampleAuthenticator_Get_clonedAuthenticator() {
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("example")})
	if err != nil {
		panic(err)
	}
	create := `{"rp":{"name":"Example"},"user":{"id":"YWRh","name":"ada","displayName":"Ada"},
		"challenge":"AAAAAAAAAAAAAAAAAAAAAA","pubKeyCredParams":[{"type":"public-key","alg":-8}],
		"authenticatorSelection":{"residentKey":"required"}}`
	if _, err := a.Create([]byte(create), "https://example.com"); err != nil {
		panic(err)
	}
	get := []byte(`{"challenge":"AQIDBAUGBwgJCgsMDQ4PEA"}`)
	for _, c := range []passkeytest.Counter{passkeytest.CounterIncrement(5), passkeytest.CounterIncrement(5), passkeytest.CounterBackwards(3)} {
		body, err := a.Get(get, "https://example.com", func(k *passkeytest.Knobs) { k.Counter = c })
		if err != nil {
			panic(err)
		}
		var resp struct {
			Response struct{ AuthenticatorData string }
		}
		json.Unmarshal(body, &resp)
		authData, _ := base64.RawURLEncoding.DecodeString(resp.Response.AuthenticatorData)
		fmt.Println("signCount", authData[36])
	}
	fmt.Println("stored", a.Credentials()[0].SignCount)
	// Output:
	// signCount 5
	// signCount 10
	// signCount 7
	// stored 7
}
