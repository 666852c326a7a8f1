package attestation

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// checkSafetyNet is the anchor of the android-safetynet format.
const checkSafetyNet = "sctn-android-safetynet-attestation"

// safetyNetHost is the hostname the SafetyNet service's signing certificate
// is issued to.
const safetyNetHost = "attest.android.com"

// Defaults for the freshness of a SafetyNet response (timestampMs), measured
// against the verification time.
const (
	// DefaultSafetyNetMaxAge is how old a response may be: the client asks
	// SafetyNet for it while the ceremony runs, so a minute is ample.
	DefaultSafetyNetMaxAge = time.Minute
	// DefaultSafetyNetClockSkew is how far in the future a response may
	// claim to be made, for the difference between Google's clock and the
	// relying party's.
	DefaultSafetyNetClockSkew = 5 * time.Second
)

// safetyNetAlgorithms are the JWS algorithms accepted for the response:
// the service signed with RS256; ES256 is accepted for a rotation to an
// EC key. Listing them keeps "none" and HMAC out.
var safetyNetAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.ES256}

// safetyNetMembers is androidStmtFormat of #sctn-android-safetynet-attestation.
var safetyNetMembers = []member{
	{name: "ver", kind: kindText, required: true},
	{name: "response", kind: kindBytes, required: true},
}

type safetyNetStmt struct {
	Ver      string     `cbor:"ver"`
	Response cbor.Bytes `cbor:"response"`
}

// safetyNetPayload holds the members of the SafetyNet attestation payload
// the procedure reads. Pointers tell an absent member from a zero one.
type safetyNetPayload struct {
	Nonce           *string `json:"nonce"`
	TimestampMs     *int64  `json:"timestampMs"`
	CTSProfileMatch *bool   `json:"ctsProfileMatch"`
}

// verifySafetyNet runs the android-safetynet format's procedure
// (#sctn-android-safetynet-attestation). The result is Basic with the
// JWS's x5c as the trust path.
//
// response is a JWS in compact serialization signed by the certificate in
// its x5c header; the procedure checks, in this order: the JWS algorithm
// (RS256 or ES256), x5c, the signature with x5c[0]'s key, the payload's
// nonce (standard base64 of SHA-256(authData ‖ clientDataHash)), its
// timestampMs (no older than statement.safetyNetMaxAge and no further in
// the future than statement.safetyNetSkew, at the verification time),
// that x5c[0] is issued to attest.android.com (a dNSName of its SAN, exact:
// a wildcard name does not count), and ctsProfileMatch true. Whether x5c
// leads to Google's root is the trust step's question.
//
// SafetyNet is deprecated and the service is shut down; the format stays
// for responses recorded earlier.
func verifySafetyNet(s *statement) (verdict, error) {
	if _, err := checkStmt(s.raw, checkSafetyNet, safetyNetMembers, nil); err != nil {
		return verdict{}, err
	}
	var st safetyNetStmt
	if err := cbor.Unmarshal(s.raw, &st); err != nil {
		// Unreachable after checkStmt; kept so that a decoder change fails closed.
		return verdict{}, errcode.Wrap(errcode.ErrMalformedAttestationObject, checkSafetyNet, "attStmt cannot be decoded", err)
	}
	if st.Ver == "" {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkSafetyNet,
			"attStmt ver is empty", "the Google Play Services version", "an empty string")
	}
	jws, certs, err := parseSafetyNetJWS(st.Response)
	if err != nil {
		return verdict{}, err
	}
	leaf := certs[0]
	body, err := jws.Verify(leaf.PublicKey)
	if err != nil {
		return verdict{}, errcode.Wrap(errcode.ErrAttestationInvalid, checkSafetyNet,
			"the SafetyNet response's signature does not verify with its x5c[0] key", err)
	}
	p, err := parseSafetyNetPayload(body)
	if err != nil {
		return verdict{}, err
	}
	nonce := sha256.Sum256(s.signed())
	if *p.Nonce != base64.StdEncoding.EncodeToString(nonce[:]) {
		return verdict{}, errcode.New(errcode.ErrAttestationInvalid, checkSafetyNet,
			"the SafetyNet nonce is not the base64 SHA-256 of authenticator data and clientDataHash")
	}
	if err := checkSafetyNetTime(*p.TimestampMs, s.now, s.safetyNetMaxAge, s.safetyNetSkew); err != nil {
		return verdict{}, err
	}
	if !issuedTo(leaf.DNSNames, safetyNetHost) {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkSafetyNet,
			"the SafetyNet response's certificate is not issued to the SafetyNet service",
			safetyNetHost, printable(strings.Join(leaf.DNSNames, ",")))
	}
	if !*p.CTSProfileMatch {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkSafetyNet,
			"the device does not pass SafetyNet's compatibility check (ctsProfileMatch)", "true", "false")
	}
	return verdict{typ: TypeBasic, trustPath: certs}, nil
}

// parseSafetyNetJWS parses response as a compact JWS with an accepted alg
// and takes the certificates of its x5c header: standard base64 DER, leaf
// first, 1 to maxX5C of them (parseX5C counts). go-jose parses x5c too,
// but only hands it out after verifying it against roots, which is the
// trust step's work here.
func parseSafetyNetJWS(response []byte) (*jose.JSONWebSignature, []*x509.Certificate, error) {
	const notJWS = "the SafetyNet response is not a compact JWS signed with RS256 or ES256"
	compact := string(response)
	// go-jose's base64 decoding skips CR and LF, so a response with line
	// breaks inside would verify as the one without; only base64url and
	// dots belong in a compact JWS (RFC 7515 section 7.1).
	if i := strings.IndexFunc(compact, notCompactJWS); i >= 0 {
		return nil, nil, errcode.Wrap(errcode.ErrAttestationInvalid, checkSafetyNet, notJWS,
			fmt.Errorf("byte %#x at %d is not base64url", compact[i], i))
	}
	jws, err := jose.ParseSignedCompact(compact, safetyNetAlgorithms)
	if err != nil {
		return nil, nil, errcode.Wrap(errcode.ErrAttestationInvalid, checkSafetyNet, notJWS, err)
	}
	// ParseSignedCompact has decoded the protected header already, so this
	// cannot fail on a header go-jose accepted; the error is kept so that a
	// change there fails closed.
	rawHeader, _, _ := strings.Cut(compact, ".")
	headerJSON, err := base64.RawURLEncoding.DecodeString(rawHeader)
	var header struct {
		X5C []string `json:"x5c"`
	}
	if err == nil {
		err = json.Unmarshal(headerJSON, &header)
	}
	if err != nil {
		return nil, nil, errcode.Wrap(errcode.ErrAttestationInvalid, checkSafetyNet,
			"the SafetyNet response's header cannot be decoded", err)
	}
	if len(header.X5C) == 0 {
		return nil, nil, errcode.Mismatch(errcode.ErrAttestationInvalid, checkSafetyNet,
			"the SafetyNet response's header has no x5c", "the signing certificate chain", "nothing")
	}
	ders := make([]cbor.Bytes, len(header.X5C))
	for i, c := range header.X5C {
		if ders[i], err = base64.StdEncoding.DecodeString(c); err != nil {
			// Unreachable: go-jose decoded and parsed x5c already; kept so
			// that a change there fails closed.
			return nil, nil, errcode.Wrap(errcode.ErrAttestationInvalid, checkSafetyNet,
				"the SafetyNet response's x5c["+strconv.Itoa(i)+"] is not standard base64", err)
		}
	}
	certs, err := parseX5C(ders, checkSafetyNet)
	if err != nil {
		return nil, nil, err
	}
	return jws, certs, nil
}

// parseSafetyNetPayload decodes the verified payload and checks that the
// members the procedure reads are present with their types.
func parseSafetyNetPayload(body []byte) (*safetyNetPayload, error) {
	var p safetyNetPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, errcode.Wrap(errcode.ErrAttestationInvalid, checkSafetyNet,
			"the SafetyNet payload is not the JSON object the service sends", err)
	}
	for _, m := range []struct {
		name    string
		missing bool
	}{
		{"nonce", p.Nonce == nil},
		{"timestampMs", p.TimestampMs == nil},
		{"ctsProfileMatch", p.CTSProfileMatch == nil},
	} {
		if m.missing {
			return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, checkSafetyNet,
				"the SafetyNet payload lacks a member", m.name, "nothing")
		}
	}
	return &p, nil
}

// checkSafetyNetTime checks that a response made at ms (Unix milliseconds)
// is fresh at now: no older than maxAge and no later than now+skew (zero
// means the default of each).
func checkSafetyNetTime(ms int64, now time.Time, maxAge, skew time.Duration) error {
	if maxAge == 0 {
		maxAge = DefaultSafetyNetMaxAge
	}
	if skew == 0 {
		skew = DefaultSafetyNetClockSkew
	}
	made := time.UnixMilli(ms)
	switch {
	case made.After(now.Add(skew)):
		return errcode.Mismatch(errcode.ErrAttestationInvalid, checkSafetyNet,
			"the SafetyNet response is dated in the future (timestampMs)",
			"at most "+now.Add(skew).UTC().Format(time.RFC3339Nano), made.UTC().Format(time.RFC3339Nano))
	case made.Before(now.Add(-maxAge)):
		return errcode.Mismatch(errcode.ErrAttestationInvalid, checkSafetyNet,
			"the SafetyNet response is too old (timestampMs)",
			"at least "+now.Add(-maxAge).UTC().Format(time.RFC3339Nano), made.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// issuedTo reports whether names holds host, compared as DNS names are:
// ignoring ASCII case (and only ASCII case: strings.EqualFold would also
// fold U+017F to "s"). Wildcards are not expanded.
func issuedTo(names []string, host string) bool {
	for _, n := range names {
		if asciiEqualFold(n, host) {
			return true
		}
	}
	return false
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// notCompactJWS reports whether r may not appear in a compact JWS.
func notCompactJWS(r rune) bool {
	return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.')
}
