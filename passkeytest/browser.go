package passkeytest

import (
	"encoding/json"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// effectiveRPID checks origin the way a browser's secure-context and RP ID
// rules do (#sctn-createCredential, #sctn-discover-from-external-source, #rp-id)
// and returns the RP ID the authenticator receives. An RP ID that is not
// the origin's host or a registrable suffix of it is accepted through a
// related origins document (#sctn-related-origins), when Config.WellKnown
// serves one that lists the origin.
func (a *Authenticator) effectiveRPID(origin string, rpID *string) (string, error) {
	id, host, err := effectiveRPID(origin, rpID)
	if err != nil || host == "" {
		return id, err
	}
	notSuffix := domError(ErrSecurity, "rpId is not the origin's host or a registrable suffix of it")
	if a.cfg.WellKnown == nil {
		return "", notSuffix
	}
	if ok, err := a.relatedOrigin(origin, id); err != nil {
		return "", err
	} else if !ok {
		return "", notSuffix
	}
	return id, nil
}

// maxRelatedLabels is the number of registrable origin labels this client
// supports in a related origins document: the minimum the spec asks of
// clients, and what Chromium uses.
const maxRelatedLabels = 5

// relatedOrigin is the related origins validation procedure
// (#sctn-validating-relation-origin): fetch the RP ID's well-known document
// and walk its origins, counting registrable origin labels, until one is
// the caller's origin.
func (a *Authenticator) relatedOrigin(callerOrigin, rpID string) (bool, error) {
	body, err := a.cfg.WellKnown(rpID)
	if err != nil {
		return false, domError(ErrSecurity, "fetching the related origins document failed")
	}
	var doc struct {
		Origins *[]string `json:"origins"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Origins == nil {
		return false, domError(ErrSecurity, "the related origins document is not {\"origins\": [strings]}")
	}
	caller, err := url.Parse(callerOrigin)
	if err != nil {
		return false, nil
	}
	var labels []string
	for _, item := range *doc.Origins {
		u, err := url.Parse(item)
		if err != nil || u.Host == "" {
			continue
		}
		label := registrableOriginLabel(u.Hostname())
		if label == "" {
			continue
		}
		seen := false
		for _, l := range labels {
			seen = seen || l == label
		}
		if len(labels) >= maxRelatedLabels && !seen {
			continue
		}
		if sameOrigin(u, caller) {
			return true, nil
		}
		if !seen && len(labels) < maxRelatedLabels {
			labels = append(labels, label)
		}
	}
	return false, nil
}

// registrableOriginLabel is the first label of the host's registrable
// domain ("example" for login.example.co.uk), or "" when it has none.
func registrableOriginLabel(host string) string {
	reg, err := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(host))
	if err != nil {
		return ""
	}
	label, _, _ := strings.Cut(reg, ".")
	return label
}

// sameOrigin compares scheme, host and port, default ports made explicit.
func sameOrigin(x, y *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		if u.Scheme == "https" {
			return "443"
		}
		return "80"
	}
	return strings.EqualFold(x.Scheme, y.Scheme) && strings.EqualFold(x.Hostname(), y.Hostname()) && port(x) == port(y)
}

// effectiveRPID is the RP ID check without related origins. An RP ID that
// is neither the origin's host nor a registrable suffix of it comes back
// with that host and no error, for the related origins check.
//
// The registrable-suffix test approximates the public suffix list: an RP ID
// other than the host itself must have at least two labels. Test RPs should
// use names like example.com, not public suffixes.
func effectiveRPID(origin string, rpID *string) (id, unrelatedHost string, err error) {
	u, err := url.Parse(origin)
	if err != nil || u.Opaque != "" || u.User != nil || u.Path != "" || u.RawQuery != "" ||
		u.Fragment != "" || u.ForceQuery || u.Host == "" {
		return "", "", domError(ErrSecurity, "origin is not a serialized tuple origin (scheme://host[:port])")
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && (host == "localhost" || strings.HasSuffix(host, ".localhost")):
	default:
		return "", "", domError(ErrSecurity, "origin is not a secure context (https, or http://localhost)")
	}
	if origin != u.Scheme+"://"+strings.ToLower(u.Host) || (u.Port() == "443" && u.Scheme == "https") ||
		(u.Port() == "80" && u.Scheme == "http") {
		return "", "", domError(ErrSecurity, "origin is not in serialized form (lower case, no default port, no trailing slash)")
	}
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return "", "", domError(ErrSecurity, "an IP address cannot be an RP ID")
	}
	if rpID == nil {
		return host, "", nil
	}
	id = *rpID
	if id == host {
		return id, "", nil
	}
	if strings.HasSuffix(host, "."+id) && strings.Contains(id, ".") && !strings.HasPrefix(id, ".") {
		return id, "", nil
	}
	return id, host, nil
}
