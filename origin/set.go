package origin

import (
	"crypto/sha256"
	"slices"
	"strconv"

	"github.com/gopasskey/passkey/errcode"
	"golang.org/x/net/publicsuffix"
)

// Set is the accepted-origin set of one relying party, built and validated
// once by [NewSet]; it is immutable and safe for concurrent use.
//
// The zero Set accepts nothing.
type Set struct {
	rpID     string
	rpIDHash [sha256.Size]byte
	// accepted holds every normalised origin, Android ones included; Check
	// is a lookup in it and nothing else.
	accepted map[string]struct{}
	ordered  []string // accepted, in configuration order
	related  []string // the part of ordered given with RelatedOrigins
	// web holds the tuple origins, only to explain a mismatch.
	web        []webOrigin
	hasAndroid bool

	crossOrigin bool
	top         map[string]struct{} // nil: no explicit top origins
	topOrdered  []string
}

// Option changes what a [Set] accepts beyond its origins.
type Option func(*options)

type options struct {
	crossOrigin bool
	top         []string
	related     []string
}

// AllowCrossOrigin lets ceremonies run in a cross-origin iframe
// (clientData.crossOrigin true), which a Set refuses by default.
//
// A client that reports the embedding page (clientData.topOrigin) is then
// accepted only if that page is one of topOrigins, which NewSet validates
// like the origins (https or http://localhost, no path, no IP address; they
// need not share the RP ID). With no topOrigins the only embedding pages
// accepted are the relying party's own origins: another site may not frame
// the ceremony. A client that sends no topOrigin (WebAuthn Level 2) is
// accepted on crossOrigin alone.
//
// Calling it more than once adds to the list.
func AllowCrossOrigin(topOrigins ...string) Option {
	return func(o *options) {
		o.crossOrigin = true
		o.top = append(o.top, topOrigins...)
	}
}

// RelatedOrigins adds web origins that use the RP ID without being on it,
// as related origin requests allow (#sctn-related-origins): the RP ID's
// https://<rpID>/.well-known/webauthn document must list them for browsers
// to let them use it. They are validated like the origins except for the RP
// ID relation, and matched exactly like them. Calling it more than once adds
// to the list.
func RelatedOrigins(origins ...string) Option {
	return func(o *options) {
		o.related = append(o.related, origins...)
	}
}

// NewSet validates the RP ID and the origins a relying party accepts and
// returns the set that checks them. origins are the web origins the RP
// ID covers (https://example.com, https://login.example.com:8443,
// http://localhost:8080) and the Android app origins
// (android:apk-key-hash:…). The list may be empty only when [RelatedOrigins]
// supplies some.
//
// A mistake is reported as an [*errcode.ConfigError] naming the field
// (RPID, Origins[i], TopOrigins[i], RelatedOrigins[i]) and the fix.
func NewSet(rpID string, origins []string, opts ...Option) (*Set, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if problem, fix := checkRPID(rpID); problem != "" {
		return nil, configError("RPID", rpID, problem, fix)
	}
	if len(origins) == 0 && len(o.related) == 0 {
		return nil, &errcode.ConfigError{
			Field:   "Origins",
			Problem: "no origins are listed",
			Fix:     "list every origin the site runs on, such as https://" + rpID,
		}
	}
	s := &Set{rpID: rpID, rpIDHash: sha256.Sum256([]byte(rpID)), accepted: make(map[string]struct{}, len(origins)+len(o.related))}
	for i, raw := range origins {
		field := "Origins[" + strconv.Itoa(i) + "]"
		norm, web, problem, fix := parseConfigured(raw)
		if problem != "" {
			return nil, configError(field, raw, problem, fix)
		}
		if web != nil {
			if ok, why := rpIDCovers(rpID, web.host); !ok {
				return nil, configError(field, raw, why+" (RP ID "+rpID+")", relationFix(rpID, web.host))
			}
		} else {
			s.hasAndroid = true
		}
		s.add(norm, web)
	}
	for i, raw := range o.related {
		field := "RelatedOrigins[" + strconv.Itoa(i) + "]"
		norm, web, problem, fix := parseConfigured(raw)
		if problem != "" {
			return nil, configError(field, raw, problem, fix)
		}
		if web == nil {
			return nil, configError(field, raw, "an app origin is not a related origin", "list it in Origins")
		}
		if s.add(norm, web) {
			s.related = append(s.related, norm)
		}
	}
	s.crossOrigin = o.crossOrigin
	if len(o.top) > 0 {
		s.top = make(map[string]struct{}, len(o.top))
		for i, raw := range o.top {
			field := "TopOrigins[" + strconv.Itoa(i) + "]"
			w, problem, fix := parseWebOrigin(raw)
			if problem != "" {
				return nil, configError(field, raw, problem, fix)
			}
			if _, dup := s.top[w.serialized]; !dup {
				s.top[w.serialized] = struct{}{}
				s.topOrdered = append(s.topOrdered, w.serialized)
			}
		}
	}
	return s, nil
}

// add records one normalised origin and reports whether it was new; the same
// origin listed twice (https://a and https://a:443, say) is kept once.
func (s *Set) add(norm string, web *webOrigin) bool {
	if _, dup := s.accepted[norm]; dup {
		return false
	}
	s.accepted[norm] = struct{}{}
	s.ordered = append(s.ordered, norm)
	if web != nil {
		s.web = append(s.web, *web)
	}
	return true
}

func configError(field, value, problem, fix string) *errcode.ConfigError {
	return &errcode.ConfigError{Field: field, Problem: strconv.Quote(value) + ": " + problem, Fix: fix}
}

// relationFix suggests the RP ID that would cover host, when one exists.
func relationFix(rpID, host string) string {
	fix := "use an origin on " + rpID + " or a subdomain of it, list another site with origin.RelatedOrigins, or change the RP ID"
	if reg, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		fix += " (the shortest RP ID this origin can use is " + reg + ")"
	}
	return fix
}

// RPID returns the relying party identifier the set was built for.
func (s *Set) RPID() string {
	if s == nil {
		return ""
	}
	return s.rpID
}

// RPIDHash returns SHA-256 of the RP ID: the rpIdHash that authenticator
// data must carry. It is computed once, when the set is built, rather than
// once per ceremony. A nil or zero Set returns the zero array, which no
// SHA-256 output equals in practice.
func (s *Set) RPIDHash() [sha256.Size]byte {
	if s == nil {
		return [sha256.Size]byte{}
	}
	return s.rpIDHash
}

// Origins returns the accepted origins, normalised, in configuration order:
// the origins, then the related origins. The slice is a copy.
func (s *Set) Origins() []string {
	if s == nil {
		return nil
	}
	return slices.Clone(s.ordered)
}

// RelatedOrigins returns the origins given with [RelatedOrigins], normalised;
// they belong in the RP ID's /.well-known/webauthn document. The slice is a
// copy.
func (s *Set) RelatedOrigins() []string {
	if s == nil {
		return nil
	}
	return slices.Clone(s.related)
}

// TopOrigins returns the accepted top origins given to [AllowCrossOrigin],
// normalised; nil means only the set's own origins may embed the ceremony.
// The slice is a copy.
func (s *Set) TopOrigins() []string {
	if s == nil {
		return nil
	}
	return slices.Clone(s.topOrdered)
}

// CrossOriginAllowed reports whether [AllowCrossOrigin] was given.
func (s *Set) CrossOriginAllowed() bool {
	return s != nil && s.crossOrigin
}
