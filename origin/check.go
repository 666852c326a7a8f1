package origin

import (
	"github.com/gopasskey/passkey/internal/logsafe"
	"strings"

	"github.com/gopasskey/passkey/errcode"
)

// Spec anchors of the checks in this file, under https://w3c.github.io/webauthn/#.
const (
	anchorValidating  = "sctn-validating-origin"
	anchorCrossOrigin = "dom-collectedclientdata-crossorigin"
	anchorTopOrigin   = "dom-collectedclientdata-toporigin"
)

// Check reports whether clientOrigin, the origin member of the client data,
// is one of the accepted origins. It is exact string membership: the
// received value is not normalised, because a browser sends the bare
// serialization (https://example.com, never https://example.com:443 or
// https://example.com/).
//
// A mismatch is an [*errcode.Error] with code origin-mismatch whose Detail
// says which part (scheme, host, port, or a path or other extra) differs
// from the closest accepted origin. It never lists the accepted origins.
func (s *Set) Check(clientOrigin string) error {
	if s == nil {
		return nilSet()
	}
	if _, ok := s.accepted[clientOrigin]; ok {
		return nil
	}
	return errcode.Mismatch(errcode.ErrOriginMismatch, anchorValidating,
		"origin is not accepted: "+s.explain(clientOrigin), "an accepted origin", printable(clientOrigin))
}

// CheckCrossOrigin applies the crossOrigin and topOrigin members of the
// client data, in the spec's order (#sctn-registering-a-new-credential steps
// "crossOrigin" and "topOrigin", the same in #sctn-verifying-assertion):
//
//   - crossOrigin true needs [AllowCrossOrigin];
//   - a topOrigin needs crossOrigin true, so AllowCrossOrigin too: a client
//     sets topOrigin only for a cross-origin call (#dictionary-client-data);
//   - a topOrigin must be one of the top origins given to AllowCrossOrigin,
//     or, when none were given, one of the set's own origins.
//
// Every refusal is an [*errcode.Error] with code cross-origin-not-allowed.
func (s *Set) CheckCrossOrigin(crossOrigin bool, topOrigin string, hasTopOrigin bool) error {
	if s == nil {
		return nilSet()
	}
	if crossOrigin && !s.crossOrigin {
		return errcode.Mismatch(errcode.ErrCrossOriginNotAllowed, anchorCrossOrigin,
			"the ceremony ran in a cross-origin iframe, which the relying party does not allow", "false", "true")
	}
	if !hasTopOrigin {
		return nil
	}
	// Past the first check, crossOrigin true implies iframes are allowed; a
	// topOrigin without it is inconsistent whatever the setting.
	if !crossOrigin {
		return errcode.Mismatch(errcode.ErrCrossOriginNotAllowed, anchorTopOrigin,
			"the client data names a top origin without crossOrigin true", "no topOrigin", printable(topOrigin))
	}
	if s.top != nil {
		if _, ok := s.top[topOrigin]; !ok {
			return errcode.Mismatch(errcode.ErrCrossOriginNotAllowed, anchorValidating,
				"the top origin is not one the relying party lets embed it", "an accepted top origin", printable(topOrigin))
		}
		return nil
	}
	// An app origin is never a page that embeds another.
	if _, ok := s.accepted[topOrigin]; !ok || strings.HasPrefix(topOrigin, androidPrefix) {
		return errcode.Mismatch(errcode.ErrCrossOriginNotAllowed, anchorValidating,
			"the top origin is not one of the relying party's own origins, the only pages allowed to embed it",
			"an accepted origin", printable(topOrigin))
	}
	return nil
}

func nilSet() error {
	return &errcode.ConfigError{Field: "origin.Set", Problem: "the origin set is nil", Fix: "build it with origin.NewSet"}
}

// part is one component of a received origin that can differ from an
// accepted one.
type part uint8

const (
	partScheme part = 1 << iota
	partHost
	partPort
	partExtra   // path, query, fragment or userinfo
	partForm    // not scheme://host[:port] at all
	partAppHash // an Android origin whose hash is not accepted
)

// received is a client-sent origin split for a diagnosis, not for a decision:
// only membership decides.
type received struct {
	scheme, host string
	port         string // with its colon, as sent; "" when none
	extra        bool
}

func splitReceived(r string) (received, bool) {
	scheme, rest, ok := strings.Cut(r, "://")
	if !ok || scheme == "" {
		return received{}, false
	}
	v := received{scheme: scheme}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, v.extra = rest[:i], true
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority, v.extra = authority[i+1:], true
	}
	v.host = authority
	if strings.HasPrefix(authority, "[") {
		if j := strings.IndexByte(authority, ']'); j >= 0 {
			v.host, v.port = authority[:j+1], authority[j+1:]
		}
	} else if i := strings.LastIndexByte(authority, ':'); i >= 0 {
		v.host, v.port = authority[:i], authority[i:]
	}
	return v, v.host != ""
}

// diagnose compares r with the closest accepted origin: the one that agrees
// on the host, then the scheme, then the port, first in configuration order
// on a tie.
func (s *Set) diagnose(r string) part {
	if strings.HasPrefix(r, "android:") {
		if s.hasAndroid {
			return partAppHash
		}
		return partScheme
	}
	v, ok := splitReceived(r)
	if !ok {
		return partForm
	}
	var diff part
	if v.extra {
		diff |= partExtra
	}
	if len(s.web) == 0 {
		return diff | partScheme
	}
	best, bestScore := part(0), -1
	for _, w := range s.web {
		var d part
		score := 0
		if v.host == w.host {
			score += 4
		} else {
			d |= partHost
		}
		if v.scheme == w.scheme {
			score += 2
		} else {
			d |= partScheme
		}
		wport := ""
		if w.port != "" {
			wport = ":" + w.port
		}
		if v.port == wport {
			score++
		} else {
			d |= partPort
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return diff | best
}

// explain says in words what diagnose found.
func (s *Set) explain(r string) string {
	d := s.diagnose(r)
	switch {
	case d&partForm != 0:
		if r == "null" {
			return "it is the opaque origin null"
		}
		return "it is not a scheme://host[:port] origin"
	case d&partAppHash != 0:
		return "its APK key hash is not an accepted one"
	}
	var names []string
	for _, p := range []struct {
		bit  part
		name string
	}{{partScheme, "scheme"}, {partHost, "host"}, {partPort, "port"}} {
		if d&p.bit != 0 {
			names = append(names, p.name)
		}
	}
	var b strings.Builder
	switch len(names) {
	case 0:
	case 1:
		b.WriteString("its " + names[0] + " differs from the closest accepted origin")
	default:
		b.WriteString("its " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] +
			" differ from the closest accepted origin")
	}
	if d == partPort {
		if v, _ := splitReceived(r); v.port == ":"+defaultPort(v.scheme) {
			b.WriteString(" (a browser never sends the default port)")
		}
	}
	if d&partExtra != 0 {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString("it has a path, query, fragment, userinfo or trailing slash, which a serialized origin never has")
	}
	return b.String()
}

// printable makes an attacker-chosen value safe to log: at most maxPrintable
// bytes, escaped so that it cannot forge log lines.
func printable(v string) string { return logsafe.Printable(v, maxPrintable) }

// maxPrintable bounds how much of a received value a verdict repeats.
const maxPrintable = 200
