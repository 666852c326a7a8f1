package passkey

import (
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/origin"
	"github.com/gopasskey/passkey/store"
)

// RelyingParty runs WebAuthn ceremonies for one RP ID: it makes the options
// the browser needs, keeps each ceremony's state in the session store,
// verifies the responses and keeps the credential records. Build it once
// with [New]; it is immutable and safe for concurrent use, and starts no
// goroutines.
type RelyingParty struct {
	rpID, rpName string
	origins      *origin.Set
	uv           UserVerification
	rk           ResidentKey
	algs         []cose.Algorithm
	timeout      time.Duration
	clock        func() time.Time
	rand         io.Reader
	log          *slog.Logger
	trust        TrustSource
	names        AuthenticatorNames
	creds        store.Credentials
	sessions     store.Sessions
	enumKey      []byte
	acceptRegr   bool
	synced       SyncedPolicy
	allowAAGUID  map[credential.AAGUID]struct{}
	denyAAGUID   map[credential.AAGUID]struct{}
	appID        string
	// refuseUnsolicited is Config.RefuseUnsolicitedExtensions.
	refuseUnsolicited bool
}

// New validates cfg and returns the relying party it describes. A mistake is
// a [*ConfigError] naming the field and the fix.
func New(cfg Config) (*RelyingParty, error) {
	rp := &RelyingParty{
		rpID:       cfg.RPID,
		rpName:     cfg.RPName,
		uv:         cfg.UserVerification,
		rk:         cfg.ResidentKey,
		timeout:    cfg.Timeout,
		clock:      cfg.Clock,
		rand:       cfg.Rand,
		log:        cfg.Logger,
		trust:      cfg.TrustSource,
		names:      cfg.AuthenticatorNames,
		creds:      cfg.Credentials,
		sessions:   cfg.Sessions,
		acceptRegr: cfg.AcceptCounterRegression,
		synced:     cfg.Synced,
		appID:      cfg.AppID,

		refuseUnsolicited: cfg.RefuseUnsolicitedExtensions,
	}

	set, err := newOriginSet(&cfg)
	if err != nil {
		return nil, err
	}
	if err := checkRelatedOriginLabels(cfg.RelatedOrigins); err != nil {
		return nil, err
	}
	rp.origins = set

	switch {
	case strings.TrimSpace(cfg.RPName) == "":
		return nil, &ConfigError{Field: "Config.RPName", Problem: "empty", Fix: "set the site's name, such as \"Example\""}
	case !utf8.ValidString(cfg.RPName) || len(cfg.RPName) > maxRPNameLen:
		return nil, &ConfigError{Field: "Config.RPName", Problem: "not UTF-8 text of at most 256 bytes", Fix: "use a short name"}
	}

	if rp.uv == "" {
		rp.uv = VerificationPreferred
	} else if !rp.uv.valid() {
		return nil, &ConfigError{Field: "Config.UserVerification", Problem: "unknown value " + quoteConfig(string(rp.uv)),
			Fix: "use passkey.VerificationPreferred, VerificationRequired or VerificationDiscouraged"}
	}
	if rp.rk == "" {
		rp.rk = ResidentKeyRequired
	} else if !rp.rk.valid() {
		return nil, &ConfigError{Field: "Config.ResidentKey", Problem: "unknown value " + quoteConfig(string(rp.rk)),
			Fix: "use passkey.ResidentKeyRequired, ResidentKeyPreferred or ResidentKeyDiscouraged"}
	}

	rp.algs = append([]cose.Algorithm(nil), cfg.Algorithms...)
	if len(rp.algs) == 0 {
		rp.algs = defaultAlgorithms()
	} else if err := checkAlgorithms(rp.algs); err != nil {
		return nil, err
	}

	switch {
	case rp.timeout == 0:
		rp.timeout = defaultTimeout
	case rp.timeout < minTimeout || rp.timeout > maxTimeout:
		return nil, &ConfigError{Field: "Config.Timeout", Problem: rp.timeout.String() + " is outside 10s to 10m",
			Fix: "leave it zero for 5 minutes (#sctn-timeout-recommended-range)"}
	}

	if rp.clock == nil {
		rp.clock = time.Now
	}
	if rp.rand == nil {
		rp.rand = rand.Reader
	}
	if rp.log == nil {
		rp.log = slog.New(slog.DiscardHandler)
	}

	if cfg.Credentials == nil {
		return nil, &ConfigError{Field: "Config.Credentials", Problem: "nil",
			Fix: "pass a credential store: memory.NewCredentials() (package store/memory) to try things out, store/sqlstore for production"}
	}
	if cfg.Sessions == nil {
		return nil, &ConfigError{Field: "Config.Sessions", Problem: "nil",
			Fix: "pass a session store: memory.NewSessions() (package store/memory) for one instance, store/sqlstore when several instances serve the site"}
	}

	if err := checkEnumerationKey(cfg.EnumerationKey); err != nil {
		return nil, err
	}
	rp.enumKey = append([]byte(nil), cfg.EnumerationKey...)
	if len(rp.enumKey) == 0 {
		rp.enumKey = make([]byte, minEnumerationKeyLen)
		if _, err := io.ReadFull(rp.rand, rp.enumKey); err != nil {
			return nil, &ConfigError{Field: "Config.Rand", Problem: "reading a random enumeration key failed: " + err.Error(),
				Fix: "leave Rand nil for crypto/rand"}
		}
	}

	if !rp.synced.valid() {
		return nil, &ConfigError{Field: "Config.Synced", Problem: "unknown policy",
			Fix: "use passkey.SyncedAllowed, SyncedRequired or SyncedRefused"}
	}
	if err := checkAuthenticatorLists(cfg.AllowedAuthenticators, cfg.DeniedAuthenticators); err != nil {
		return nil, err
	}
	rp.allowAAGUID = aaguidSet(cfg.AllowedAuthenticators)
	rp.denyAAGUID = aaguidSet(cfg.DeniedAuthenticators)
	if err := checkAppID(cfg.AppID); err != nil {
		return nil, err
	}
	return rp, nil
}

// newOriginSet builds the origin set and names the Config fields in its
// configuration errors.
func newOriginSet(cfg *Config) (*origin.Set, error) {
	var opts []origin.Option
	if len(cfg.RelatedOrigins) > 0 {
		opts = append(opts, origin.RelatedOrigins(cfg.RelatedOrigins...))
	}
	if cfg.AllowCrossOrigin {
		opts = append(opts, origin.AllowCrossOrigin(cfg.TopOrigins...))
	} else if len(cfg.TopOrigins) > 0 {
		return nil, &ConfigError{Field: "Config.TopOrigins", Problem: "set while AllowCrossOrigin is false",
			Fix: "set AllowCrossOrigin to accept ceremonies in iframes, or drop TopOrigins"}
	}
	set, err := origin.NewSet(cfg.RPID, cfg.Origins, opts...)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			c := *ce
			if !strings.HasPrefix(c.Field, "Config.") {
				c.Field = "Config." + c.Field
			}
			return nil, &c
		}
		return nil, err
	}
	return set, nil
}

func checkEnumerationKey(key []byte) error {
	if len(key) > 0 && len(key) < minEnumerationKeyLen {
		return &ConfigError{Field: "Config.EnumerationKey", Problem: "shorter than 32 bytes",
			Fix: "use 32 random bytes kept with the site's other secrets"}
	}
	return nil
}

func aaguidSet(list []credential.AAGUID) map[credential.AAGUID]struct{} {
	if len(list) == 0 {
		return nil
	}
	m := make(map[credential.AAGUID]struct{}, len(list))
	for _, a := range list {
		m[a] = struct{}{}
	}
	return m
}

// quoteConfig quotes a configured value for an error message, shortened.
func quoteConfig(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\"" + s + "\""
}

// RPID returns the relying party ID.
func (rp *RelyingParty) RPID() string { return rp.rpID }

// Origins returns the accepted-origin set.
func (rp *RelyingParty) Origins() *origin.Set { return rp.origins }
