package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// tokenTTL is how long a minted token is valid: long enough for a hand-off
// to another server, short enough that nobody mistakes it for a session.
const tokenTTL = 10 * time.Minute

// tokenAudience is the "aud" of the tokens: the OAuth/OIDC server that the
// example pretends to hand the login to.
const tokenAudience = "passkey-example-oidc"

// tokenIssuer mints the signed token that shows the hand-off of a passkey
// login to an OAuth/OIDC server: an ES256 JWT whose key is generated at
// start and published at /.well-known/jwks.json.
type tokenIssuer struct {
	issuer string
	signer jose.Signer
	jwks   jose.JSONWebKeySet
	now    func() time.Time
}

// tokenClaims are the registered claims plus the OIDC ones that describe
// the authentication (OpenID Connect Core §2, RFC 8176 for amr).
type tokenClaims struct {
	jwt.Claims
	PreferredUsername string           `json:"preferred_username"`
	AuthTime          *jwt.NumericDate `json:"auth_time"`
	AMR               []string         `json:"amr"`
}

func newTokenIssuer(issuer string, now func() time.Time) (*tokenIssuer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating the token key: %w", err)
	}
	pub := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.ES256), Use: "sig"}
	thumb, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("token key thumbprint: %w", err)
	}
	pub.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: pub.KeyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("token signer: %w", err)
	}
	return &tokenIssuer{issuer: issuer, signer: signer, jwks: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}, now: now}, nil
}

// mint returns a token for the signed-in user.
func (t *tokenIssuer) mint(a *account, s signIn) (string, error) {
	now := t.now()
	var id [16]byte
	_, _ = rand.Read(id[:])
	c := tokenClaims{
		Claims: jwt.Claims{
			Issuer:    t.issuer,
			Subject:   base64.RawURLEncoding.EncodeToString(a.Handle),
			Audience:  jwt.Audience{tokenAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			Expiry:    jwt.NewNumericDate(now.Add(tokenTTL)),
			ID:        base64.RawURLEncoding.EncodeToString(id[:]),
		},
		PreferredUsername: a.Name,
		AuthTime:          jwt.NewNumericDate(s.AuthTime),
		AMR:               amr(s),
	}
	return jwt.Signed(t.signer).Claims(c).Serialize()
}

// amr names how the user authenticated (RFC 8176): a proof of possession of
// a key, software-held when it is a synced passkey and hardware-bound when
// not, and "user" presence; "mfa" when the authenticator also verified the
// user (PIN or biometrics), which makes the passkey two factors.
func amr(s signIn) []string {
	m := []string{"pop"}
	if s.Synced {
		m = append(m, "swk")
	} else {
		m = append(m, "hwk")
	}
	m = append(m, "user")
	if s.UserVerified {
		m = append(m, "mfa")
	}
	return m
}
