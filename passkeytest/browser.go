package passkeytest

import (
	"net"
	"net/url"
	"strings"
)

// effectiveRPID checks origin the way a browser's secure-context and RP ID
// rules do (#sctn-createCredential, #sctn-discover-from-external-source, #rp-id)
// and returns the RP ID the authenticator receives.
//
// The registrable-suffix test approximates the public suffix list: an RP ID
// other than the host itself must have at least two labels. Test RPs should
// use names like example.com, not public suffixes.
func effectiveRPID(origin string, rpID *string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil || u.Opaque != "" || u.User != nil || u.Path != "" || u.RawQuery != "" ||
		u.Fragment != "" || u.ForceQuery || u.Host == "" {
		return "", domError(ErrSecurity, "origin is not a serialized tuple origin (scheme://host[:port])")
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && (host == "localhost" || strings.HasSuffix(host, ".localhost")):
	default:
		return "", domError(ErrSecurity, "origin is not a secure context (https, or http://localhost)")
	}
	if origin != u.Scheme+"://"+strings.ToLower(u.Host) || (u.Port() == "443" && u.Scheme == "https") ||
		(u.Port() == "80" && u.Scheme == "http") {
		return "", domError(ErrSecurity, "origin is not in serialized form (lower case, no default port, no trailing slash)")
	}
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return "", domError(ErrSecurity, "an IP address cannot be an RP ID")
	}
	if rpID == nil {
		return host, nil
	}
	id := *rpID
	if id == host {
		return id, nil
	}
	if strings.HasSuffix(host, "."+id) && strings.Contains(id, ".") && !strings.HasPrefix(id, ".") {
		return id, nil
	}
	return "", domError(ErrSecurity, "rpId is not the origin's host or a registrable suffix of it")
}
