package passkey

import (
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// Config describes a relying party. [New] validates all of it once; every
// mistake is a [*ConfigError] naming the field and the fix. Only RPID,
// RPName, Origins, Credentials and Sessions are required.
type Config struct {
	// RPID is the relying party ID: the registrable domain (or a host
	// under it) that credentials are scoped to, such as "example.com".
	// It never changes for the life of the credentials.
	RPID string
	// RPName is the site's name, shown by some authenticators.
	RPName string
	// Origins are the web origins the ceremonies run on
	// ("https://example.com", "https://login.example.com",
	// "http://localhost:8080" in development) and Android app origins
	// ("android:apk-key-hash:…"). Membership is exact.
	Origins []string
	// RelatedOrigins are web origins outside the RP ID that use it
	// (#sctn-related-origins); https://RPID/.well-known/webauthn must list
	// them.
	RelatedOrigins []string
	// AllowCrossOrigin accepts ceremonies run in a cross-origin iframe.
	// With TopOrigins, the embedding page must be one of them; without,
	// only the site's own origins may embed it.
	AllowCrossOrigin bool
	// TopOrigins are the pages allowed to embed the ceremony when
	// AllowCrossOrigin is set.
	TopOrigins []string

	// UserVerification is asked of authenticators in both ceremonies and,
	// when [VerificationRequired], enforced. Empty means
	// [VerificationPreferred].
	UserVerification UserVerification
	// ResidentKey is asked of authenticators at registration. Empty means
	// [ResidentKeyRequired]: every credential is a passkey.
	ResidentKey ResidentKey
	// Algorithms are the credential algorithms offered (pubKeyCredParams),
	// most preferred first. Empty means EdDSA (-8), ES256 (-7), RS256
	// (-257). Every algorithm listed must be one package cose verifies; a
	// credential key of an algorithm not listed is refused.
	Algorithms []cose.Algorithm
	// Timeout is the time a user has to complete a ceremony, sent to the
	// browser as the options' timeout. Zero means 5 minutes; at most 10
	// minutes. A session stays usable one minute longer, for the round
	// trip.
	Timeout time.Duration

	// Clock returns the current time; nil means time.Now. Session expiry,
	// certificate validity and the record's timestamps use it.
	Clock func() time.Time
	// Rand is the source of challenges and session IDs; nil means
	// crypto/rand. Set it only in tests.
	Rand io.Reader
	// Logger receives one record per failed ceremony (its code and check,
	// never a challenge, session ID, user handle or signature) and Debug
	// records for successes. Nil logs nothing.
	Logger *slog.Logger

	// TrustSource, when set, makes registration require an attestation
	// that chains to the roots it returns for the authenticator model; the
	// options then ask for "direct" attestation. Nil accepts any
	// attestation, none included, as most sites should.
	TrustSource TrustSource
	// AuthenticatorNames names authenticator models in passkey lists and
	// in [Registration].AuthenticatorName. Optional.
	AuthenticatorNames AuthenticatorNames

	// Credentials stores the credential records. Required.
	Credentials store.Credentials
	// Sessions stores the state of ceremonies between Begin and Finish.
	// Required: memory.NewSessions() (package store/memory) for a single
	// instance, a shared store such as store/sqlstore for several.
	Sessions store.Sessions

	// EnumerationKey is a secret of at least 32 bytes from which
	// [ForUnknownUser] derives its decoy credentials. Several instances
	// must share it, or an attacker asking twice sees different decoys and
	// learns that the account does not exist. Nil means a random key for
	// this process, fine for a single instance.
	EnumerationKey []byte

	// AcceptCounterRegression accepts an assertion whose signature counter
	// did not increase, reporting it in [Login].CloneSuspected; by
	// default it fails with sign-count-regression.
	AcceptCounterRegression bool
	// Synced decides whether synced (backup-eligible) passkeys are
	// allowed, required or refused; the default allows them.
	Synced SyncedPolicy
	// AllowedAuthenticators, when set, accepts only credentials from these
	// authenticator models; DeniedAuthenticators refuses those models.
	// Refused credentials fail with authenticator-not-allowed, at
	// registration and at every login. An AAGUID is attested only when a
	// TrustSource verified the attestation; otherwise it is the
	// authenticator's claim. Set one list, not both.
	AllowedAuthenticators, DeniedAuthenticators []credential.AAGUID
	// AppID is the FIDO U2F AppID ("https://example.com/u2f-app-id.json")
	// of credentials migrated from U2F: logins then send the appid
	// extension and accept its hash, and registrations send appidExclude.
	AppID string
	// RefuseUnsolicitedExtensions fails a ceremony with extension-invalid
	// when the response carries an extension output (or a member of one)
	// that the ceremony did not ask for; by default such outputs are
	// ignored, as #sctn-extensions expects. Beware: Chromium asks security
	// keys for credProtect on its own when a registration requires a
	// discoverable credential, so with this policy such registrations fail
	// unless they ask for credProtect themselves ([WithCredProtect]).
	RefuseUnsolicitedExtensions bool
}

// Defaults and bounds of Config.
const (
	defaultTimeout = 5 * time.Minute
	minTimeout     = 10 * time.Second
	// maxTimeout is the upper end of #sctn-timeout-recommended-range.
	maxTimeout = 10 * time.Minute
	// sessionGrace is how much longer than the timeout a session lives:
	// the time for the response to reach the server.
	sessionGrace         = time.Minute
	minEnumerationKeyLen = 32
	maxRPNameLen         = 256
)

// defaultAlgorithms is pubKeyCredParams when Config.Algorithms is empty:
// what platform authenticators and security keys create today.
func defaultAlgorithms() []cose.Algorithm {
	return []cose.Algorithm{cose.EdDSA, cose.ES256, cose.RS256}
}

// valid reports whether uv is one of the three requirements.
func (uv UserVerification) valid() bool {
	return uv == VerificationPreferred || uv == VerificationRequired || uv == VerificationDiscouraged
}

// valid reports whether rk is one of the three requirements.
func (rk ResidentKey) valid() bool {
	return rk == ResidentKeyRequired || rk == ResidentKeyPreferred || rk == ResidentKeyDiscouraged
}

// checkAlgorithms validates Config.Algorithms.
func checkAlgorithms(algs []cose.Algorithm) error {
	for i, a := range algs {
		field := "Config.Algorithms[" + strconv.Itoa(i) + "]"
		if !a.Supported() {
			return &ConfigError{Field: field, Problem: a.String() + " is not a credential algorithm this library verifies",
				Fix: "list algorithms package cose supports, such as cose.ES256, or leave Algorithms empty for EdDSA, ES256, RS256"}
		}
		if slices.Index(algs, a) != i {
			return &ConfigError{Field: field, Problem: a.String() + " is listed twice", Fix: "list each algorithm once"}
		}
	}
	return nil
}

// checkAuthenticatorLists validates the AAGUID lists.
func checkAuthenticatorLists(allow, deny []credential.AAGUID) error {
	if len(allow) > 0 && len(deny) > 0 {
		return &ConfigError{Field: "Config.DeniedAuthenticators", Problem: "set together with AllowedAuthenticators",
			Fix: "an allow list already refuses every model it does not name; keep one list"}
	}
	return nil
}

// checkAppID validates Config.AppID: an https URL, as U2F required.
func checkAppID(appID string) error {
	if appID == "" {
		return nil
	}
	u, err := url.Parse(appID)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return &ConfigError{Field: "Config.AppID", Problem: "not an https URL",
			Fix: "use the exact AppID the U2F registrations were made with, such as https://example.com/app-id.json"}
	}
	return nil
}
