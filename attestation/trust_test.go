package attestation

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
	"github.com/gopasskey/passkey/origin"
)

// The trust tests run whole registrations: the trust decision is the
// ceremony's, after the statement's procedure.

// testClientDataJSON is the client data whose hash is testClientDataHash.
const testClientDataJSON = `{"type":"webauthn.create","challenge":"AAAAAAAAAAAAAAAAAAAAAA","origin":"https://example.com"}`

// trustNow is the verification time of the trust tests.
var trustNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// registrationBody lays out a RegistrationResponseJSON around a statement.
func registrationBody(t testing.TB, format string, attStmt, authData, credID []byte) []byte {
	t.Helper()
	obj := encode(t, map[string]any{"fmt": format, "attStmt": cbor.RawMessage(attStmt), "authData": authData})
	enc := base64.RawURLEncoding.EncodeToString
	body, err := json.Marshal(map[string]any{
		"id": enc(credID), "rawId": enc(credID), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON":    enc([]byte(testClientDataJSON)),
			"attestationObject": enc(obj),
		},
		"clientExtensionResults": map[string]any{},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// testExpect is what the relying party expected of the registrations the
// tests build.
func testExpect(t testing.TB) Expect {
	t.Helper()
	set, err := origin.NewSet(testRPID, []string{"https://example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return Expect{
		RPID: testRPID, Origins: set, Challenge: make([]byte, 16),
		Algorithms: []cose.Algorithm{cose.ES256, cose.EdDSA, cose.RS256},
		Now:        trustNow,
	}
}

// register parses body and verifies it with e.
func register(t testing.TB, body []byte, e Expect) (*Result, error) {
	t.Helper()
	resp, err := Parse(body)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return resp.Verify(e)
}

// newCA makes a self-signed CA other than newTestCA's.
func newCA(t testing.TB, cn string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{key: key, cert: cert}
}

func poolOf(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

// trustBodies are registrations of each kind the trust decision tells
// apart: packed with x5c under newTestCA, packed self, none.
type trustBodies struct {
	x5c, self, none []byte
	leaf            []byte // the x5c statement's leaf
}

func makeTrustBodies(t testing.TB) trustBodies {
	t.Helper()
	ks := testKeys(t)
	ca := newTestCA(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	credID := []byte("trust")
	authData := makeAuthData(testAAGUID, credID, k.cose)
	leaf := ca.issue(t, packedLeafTemplate(), ks.p256b.Public())
	self := encode(t, map[string]any{"alg": int64(cose.ES256), "sig": signWith(t, ks.p256, cose.ES256, signedData(authData))})
	return trustBodies{
		x5c:  registrationBody(t, "packed", packedX5CStatement(t, authData, ks.p256b, cose.ES256, leaf, ca.cert.Raw), authData, credID),
		self: registrationBody(t, "packed", self, authData, credID),
		none: registrationBody(t, "none", []byte{0xa0}, authData, credID),
		leaf: leaf,
	}
}

// statusError is a trust source's refusal of a distrusted model, shaped as
// metadata.StatusError is.
type statusError struct{ status string }

func (e *statusError) Error() string               { return "authenticator has status " + e.status }
func (e *statusError) AuthenticatorStatus() string { return e.status }

// sourceCall records what a trust source was asked.
type sourceCall struct {
	format string
	aaguid [16]byte
	path   []*x509.Certificate
}

func recordingSource(calls *[]sourceCall, pool *x509.CertPool, err error) TrustSource {
	return TrustSourceFunc(func(format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error) {
		*calls = append(*calls, sourceCall{format, aaguid, path})
		return pool, err
	})
}

func TestTrustPolicies(t *testing.T) {
	b := makeTrustBodies(t)
	ca := newTestCA(t)
	other := newCA(t, "Another Root")
	right, wrong := poolOf(ca.cert), poolOf(other.cert)

	type want struct {
		code       errcode.Sentinel // "" = accepted
		detail     string
		typ        Type
		trusted    bool
		downgraded bool
	}
	cases := []struct {
		name string
		body []byte
		mod  func(*Expect)
		want want
	}{
		// The zero value: everything is accepted, nothing is trusted.
		{"default x5c", b.x5c, nil, want{typ: TypeBasic}},
		{"default self", b.self, nil, want{typ: TypeSelf}},
		{"default none", b.none, nil, want{typ: TypeNone}},

		// Anchors make trust required (TrustDefault resolves to it).
		{"anchors x5c", b.x5c, func(e *Expect) { e.TrustAnchors = right }, want{typ: TypeBasic, trusted: true}},
		{"anchors x5c other root", b.x5c, func(e *Expect) { e.TrustAnchors = wrong },
			want{code: errcode.ErrAttestationUntrusted, detail: "does not verify to a trust anchor"}},
		{"anchors self", b.self, func(e *Expect) { e.TrustAnchors = right },
			want{code: errcode.ErrAttestationTypeNotAllowed, detail: "a trusted attestation is required"}},
		{"anchors none", b.none, func(e *Expect) { e.TrustAnchors = right },
			want{code: errcode.ErrAttestationTypeNotAllowed, detail: "a trusted attestation is required"}},
		{"required x5c", b.x5c, func(e *Expect) { e.TrustAnchors, e.Trust = right, TrustRequired }, want{typ: TypeBasic, trusted: true}},
		{"required self", b.self, func(e *Expect) { e.TrustAnchors, e.Trust = right, TrustRequired },
			want{code: errcode.ErrAttestationTypeNotAllowed, detail: "a trusted attestation is required"}},

		// Downgrade keeps what does not verify, as self.
		{"downgrade x5c trusted", b.x5c, func(e *Expect) { e.TrustAnchors, e.Trust = right, TrustOrDowngrade },
			want{typ: TypeBasic, trusted: true}},
		{"downgrade x5c untrusted", b.x5c, func(e *Expect) { e.TrustAnchors, e.Trust = wrong, TrustOrDowngrade },
			want{typ: TypeSelf, downgraded: true}},
		{"downgrade x5c expired at Now", b.x5c, func(e *Expect) {
			e.TrustAnchors, e.Trust, e.Now = right, TrustOrDowngrade, time.Date(2041, 1, 1, 0, 0, 0, 0, time.UTC)
		}, want{typ: TypeSelf, downgraded: true}},
		{"downgrade self", b.self, func(e *Expect) { e.TrustAnchors, e.Trust = right, TrustOrDowngrade }, want{typ: TypeSelf}},
		{"downgrade none", b.none, func(e *Expect) { e.TrustAnchors, e.Trust = right, TrustOrDowngrade }, want{typ: TypeNone}},

		// A source's roots count like TrustAnchors, and the two add up.
		{"source x5c", b.x5c, func(e *Expect) {
			e.TrustSource = TrustSourceFunc(func(string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) { return right, nil })
		}, want{typ: TypeBasic, trusted: true}},
		{"source without roots", b.x5c, func(e *Expect) {
			e.TrustSource = TrustSourceFunc(func(string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) { return nil, nil })
		}, want{code: errcode.ErrAttestationUntrusted, detail: "no trust anchors are known"}},
		{"source without roots, anchors have them", b.x5c, func(e *Expect) {
			e.TrustAnchors = right
			e.TrustSource = TrustSourceFunc(func(string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) { return nil, nil })
		}, want{typ: TypeBasic, trusted: true}},
		{"source with other roots, anchors have them", b.x5c, func(e *Expect) {
			e.TrustAnchors = right
			e.TrustSource = TrustSourceFunc(func(string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) { return wrong, nil })
		}, want{typ: TypeBasic, trusted: true}},
		{"source distrusts the model", b.x5c, func(e *Expect) {
			e.TrustAnchors = right
			e.TrustSource = TrustSourceFunc(func(string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) {
				return right, &statusError{"REVOKED"}
			})
		}, want{code: errcode.ErrAuthenticatorStatusUntrusted, detail: "REVOKED"}},
		{"source distrust wrapped, not downgraded", b.x5c, func(e *Expect) {
			e.Trust = TrustOrDowngrade
			e.TrustSource = TrustSourceFunc(func(string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) {
				return nil, errors.Join(errors.New("lookup"), &statusError{"USER_KEY_REMOTE_COMPROMISE"})
			})
		}, want{code: errcode.ErrAuthenticatorStatusUntrusted, detail: "USER_KEY_REMOTE_COMPROMISE"}},
		{"source fails", b.x5c, func(e *Expect) {
			e.TrustSource = TrustSourceFunc(func(string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) {
				return nil, errors.New("no BLOB loaded")
			})
		}, want{code: errcode.ErrAttestationUntrusted, detail: "the trust source refused"}},
		{"source fails, downgraded", b.x5c, func(e *Expect) {
			e.Trust = TrustOrDowngrade
			e.TrustSource = TrustSourceFunc(func(string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) {
				return nil, errors.New("no BLOB loaded")
			})
		}, want{typ: TypeSelf, downgraded: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := testExpect(t)
			if c.mod != nil {
				c.mod(&e)
			}
			res, err := register(t, c.body, e)
			if c.want.code != "" {
				wantError(t, err, c.want.code, checkAssessTrust, c.want.detail)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Type != c.want.typ || res.Trusted != c.want.trusted || (res.Downgraded != nil) != c.want.downgraded {
				t.Fatalf("got type %s, trusted %v, downgraded %v; want %+v", res.Type, res.Trusted, res.Downgraded != nil, c.want)
			}
			if string(res.Type) != res.Record.AttestationType {
				t.Fatalf("record type %q, result type %q", res.Record.AttestationType, res.Type)
			}
			// The trust path belongs to the types that have one, and the
			// record keeps exactly the result's.
			if hasPath := len(res.TrustPath) > 0; hasPath != (strength(res.Type) == 2) || len(res.Record.TrustPath) != len(res.TrustPath) {
				t.Fatalf("type %s with %d certificates (record %d)", res.Type, len(res.TrustPath), len(res.Record.TrustPath))
			}
			if d := res.Downgraded; d != nil {
				if d.From != TypeBasic || len(d.TrustPath) != 2 || string(d.TrustPath[0].Raw) != string(b.leaf) ||
					errcode.Code(d.Err) != string(errcode.ErrAttestationUntrusted) {
					t.Fatalf("downgrade %+v", d)
				}
			}
		})
	}
}

// TestTrustSourceArguments checks what a source is asked: the format, the
// AAGUID and a copy of the path, leaf first.
func TestTrustSourceArguments(t *testing.T) {
	b := makeTrustBodies(t)
	ca := newTestCA(t)
	var calls []sourceCall
	e := testExpect(t)
	e.TrustSource = recordingSource(&calls, poolOf(ca.cert), nil)
	src := e.TrustSource
	// A source that scribbles over the path it was given.
	e.TrustSource = TrustSourceFunc(func(format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error) {
		pool, err := src.TrustAnchors(format, aaguid, path)
		path[0] = ca.cert
		return pool, err
	})
	res, err := register(t, b.x5c, e)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	c := calls[0]
	if c.format != "packed" || c.aaguid != testAAGUID || len(c.path) != 2 || string(calls[0].path[1].Raw) != string(ca.cert.Raw) {
		t.Fatalf("asked %q, %x, %d certificates", c.format, c.aaguid, len(c.path))
	}
	if string(res.TrustPath[0].Raw) != string(b.leaf) {
		t.Fatal("the source's change to its path reached the result")
	}

	// No statement without a path reaches the source.
	calls = nil
	e.TrustSource = recordingSource(&calls, poolOf(ca.cert), nil)
	e.Trust = TrustOrDowngrade
	if _, err := register(t, b.self, e); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Fatal("the source was asked about self attestation")
	}
}

func TestTrustConfigErrors(t *testing.T) {
	pool := poolOf(newTestCA(t).cert)
	b := makeTrustBodies(t)
	for _, c := range []struct {
		name  string
		mod   func(*Expect)
		field string
	}{
		{"required without anchors", func(e *Expect) { e.Trust = TrustRequired }, "Expect.Trust"},
		{"downgrade without anchors", func(e *Expect) { e.Trust = TrustOrDowngrade }, "Expect.Trust"},
		{"unknown policy", func(e *Expect) { e.Trust, e.TrustAnchors = TrustOrDowngrade+1, pool }, "Expect.Trust"},
		{"negative SafetyNet age", func(e *Expect) { e.SafetyNetMaxAge = -time.Second }, "Expect.SafetyNetMaxAge"},
		{"negative SafetyNet skew", func(e *Expect) { e.SafetyNetClockSkew = -time.Second }, "Expect.SafetyNetMaxAge"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := testExpect(t)
			c.mod(&e)
			_, err := register(t, b.none, e)
			var ce *errcode.ConfigError
			if !errors.As(err, &ce) || ce.Field != c.field {
				t.Fatalf("got %v, want a ConfigError on %s", err, c.field)
			}
		})
	}
}

func TestAAGUIDLists(t *testing.T) {
	b := makeTrustBodies(t)
	other := credential.AAGUID{1}
	for _, c := range []struct {
		name          string
		allow, deny   []credential.AAGUID
		ok            bool
		detailIfError string
	}{
		{"no lists", nil, nil, true, ""},
		{"allowed", []credential.AAGUID{other, testAAGUID}, nil, true, ""},
		{"not allowed", []credential.AAGUID{other}, nil, false, "not among those allowed"},
		{"denied", nil, []credential.AAGUID{testAAGUID}, false, "is refused"},
		{"another denied", nil, []credential.AAGUID{other}, true, ""},
		{"denied wins over allowed", []credential.AAGUID{testAAGUID}, []credential.AAGUID{testAAGUID}, false, "is refused"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := testExpect(t)
			e.AllowedAAGUIDs, e.DeniedAAGUIDs = c.allow, c.deny
			_, err := register(t, b.x5c, e)
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, errcode.ErrAuthenticatorNotAllowed, checkAssessTrust, c.detailIfError)
		})
	}
}

// TestAndroidKeyLeafDates checks that the validity period of an
// android-key attestation certificate is not checked, with anchors and
// without, while the CA certificates' is, and that packed still checks its
// leaf's.
func TestAndroidKeyLeafDates(t *testing.T) {
	ks := testKeys(t)
	root := newTestCA(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	credID := []byte("android dates")
	authData := makeAuthData(testAAGUID, credID, k.cose)

	leafWith := func(issuer *testCA, notBefore, notAfter time.Time) []byte {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(31), Subject: pkix.Name{CommonName: "Android Keystore Key"},
			NotBefore: notBefore, NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature,
			ExtraExtensions: []pkix.Extension{{Id: oidAndroidKeyDescription, Value: keyDescriptionDER(testClientDataHash,
				nil, cat(alPurpose(kmPurposeSign), alOrigin(kmOriginGenerated)))}},
		}
		return issuer.issue(t, tmpl, ks.p256.Public())
	}
	// An intermediate that expired before the verification time.
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	interDER := root.issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(32), Subject: pkix.Name{CommonName: "Expired Attestation CA"},
		NotBefore: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign,
	}, interKey.Public())
	inter, err := x509.ParseCertificate(interDER)
	if err != nil {
		t.Fatal(err)
	}
	expiredCA := &testCA{key: interKey, cert: inter}

	longAgo, future := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	android := func(x5c ...[]byte) []byte {
		in := defaultAndroidInputs(ks.p256, cose.ES256)
		in.x5c = x5c
		return registrationBody(t, "android-key", in.build(t, authData), authData, credID)
	}
	expiredPackedLeaf := packedLeafTemplate()
	expiredPackedLeaf.NotAfter = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	packedExpired := registrationBody(t, "packed", packedX5CStatement(t, authData, ks.p256b, cose.ES256,
		root.issue(t, expiredPackedLeaf, ks.p256b.Public()), root.cert.Raw), authData, credID)

	for _, c := range []struct {
		name string
		body []byte
		ok   bool
	}{
		{"leaf expired", android(leafWith(root, longAgo, longAgo.AddDate(1, 0, 0)), root.cert.Raw), true},
		{"leaf not yet valid", android(leafWith(root, future, future.AddDate(1, 0, 0)), root.cert.Raw), true},
		{"intermediate expired", android(leafWith(expiredCA, longAgo, future), interDER, root.cert.Raw), false},
		{"packed leaf expired", packedExpired, false},
	} {
		for _, anchored := range []bool{false, true} {
			name := c.name + ", no anchors"
			if anchored {
				name = c.name + ", anchored"
			}
			t.Run(name, func(t *testing.T) {
				e := testExpect(t)
				if anchored {
					e.TrustAnchors = poolOf(root.cert)
				}
				res, err := register(t, c.body, e)
				if !c.ok {
					if errcode.Code(err) != string(errcode.ErrAttestationUntrusted) {
						t.Fatalf("got %v, want attestation-untrusted", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if res.Trusted != anchored {
					t.Fatalf("trusted %v", res.Trusted)
				}
			})
		}
	}
}
