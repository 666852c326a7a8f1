package origin

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// androidPrefix starts the origin an Android app's FIDO2 API reports: the
// base64url SHA-256 of the APK signing certificate follows
// (#sctn-validating-origin, "operating system dependent identifier").
const androidPrefix = "android:apk-key-hash:"

// androidHashLen is the length of a SHA-256 digest.
const androidHashLen = 32

// webOrigin is a configured tuple origin, already normalised.
type webOrigin struct {
	scheme, host, port string // port is "" for the scheme's default
	serialized         string
}

// parseConfigured checks one configured origin and returns its normalised
// serialization. web is nil for an Android origin.
func parseConfigured(s string) (norm string, web *webOrigin, problem, fix string) {
	if strings.HasPrefix(s, androidPrefix) {
		problem, fix = checkAndroid(s)
		return s, nil, problem, fix
	}
	w, problem, fix := parseWebOrigin(s)
	if problem != "" {
		return "", nil, problem, fix
	}
	return w.serialized, &w, "", ""
}

// checkAndroid reports why s is not android:apk-key-hash:<43 base64url
// characters of a SHA-256 digest>.
func checkAndroid(s string) (problem, fix string) {
	h := s[len(androidPrefix):]
	const fixHash = "use android:apk-key-hash: followed by the unpadded base64url SHA-256 of the APK signing certificate (43 characters)"
	if strings.HasSuffix(h, "=") {
		return "the APK key hash is padded", "drop the '=' padding: " + androidPrefix + strings.TrimRight(h, "=")
	}
	if strings.ContainsAny(h, "+/") {
		return "the APK key hash is standard base64, not base64url", "replace '+' with '-' and '/' with '_'"
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(h)
	if err != nil {
		return "the APK key hash is not valid base64url", fixHash
	}
	if len(b) != androidHashLen {
		return "the APK key hash is " + strconv.Itoa(len(b)) + " bytes, not the 32 of a SHA-256 digest", fixHash
	}
	return "", ""
}

// parseWebOrigin checks that s is scheme://host[:port] as a browser would
// serialize it, apart from a default port, which it drops.
func parseWebOrigin(s string) (webOrigin, string, string) {
	const shape = "write an origin as https://host or https://host:port"
	if s == "" {
		return webOrigin{}, "the origin is empty", shape
	}
	if s == "null" {
		return webOrigin{}, "\"null\" is an opaque origin and identifies no site", shape
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return webOrigin{}, "the origin has no scheme://", shape
	}
	if l := strings.ToLower(scheme); l != scheme {
		return webOrigin{}, "the scheme has upper-case letters", "write it in lower case: " + l + "://" + rest
	}
	if scheme != "https" && scheme != "http" {
		return webOrigin{}, "the scheme " + strconv.Quote(scheme) + " is not https", shape
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
		if rest[i:] == "/" {
			return webOrigin{}, "the origin ends with a slash", "drop it: " + scheme + "://" + authority
		}
		return webOrigin{}, "the origin has a path, query or fragment", "keep only the scheme, host and port: " + scheme + "://" + authority
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		return webOrigin{}, "the origin has userinfo (user:password@)", "drop it: " + scheme + "://" + authority[i+1:]
	}
	host, port := authority, ""
	if strings.HasPrefix(authority, "[") {
		return webOrigin{}, "the host is an IP address", "use a domain name: WebAuthn does not allow IP addresses as origins or RP IDs"
	}
	if i := strings.LastIndexByte(authority, ':'); i >= 0 {
		host, port = authority[:i], authority[i+1:]
		if problem, fix := checkPort(port); problem != "" {
			return webOrigin{}, problem, fix
		}
	}
	if problem, fix := checkDomain(host); problem != "" {
		return webOrigin{}, problem, fix
	}
	if scheme == "http" && host != "localhost" {
		return webOrigin{}, "http is allowed only for localhost", "serve the site over https: https://" + authority
	}
	if port == defaultPort(scheme) {
		port = ""
	}
	w := webOrigin{scheme: scheme, host: host, port: port, serialized: scheme + "://" + host}
	if port != "" {
		w.serialized += ":" + port
	}
	return w, "", ""
}

// checkPort accepts the decimal ports 1 to 65535 written without leading
// zeros, the only spelling a browser serializes.
func checkPort(p string) (problem, fix string) {
	const fix1 = "write the port as a decimal number from 1 to 65535, or leave it out with its colon"
	if p == "" {
		return "the port after ':' is empty", fix1
	}
	if len(p) > 1 && p[0] == '0' {
		return "the port has a leading zero", fix1
	}
	n, err := strconv.ParseUint(p, 10, 16)
	if err != nil || n == 0 {
		return "the port " + strconv.Quote(p) + " is not a number from 1 to 65535", fix1
	}
	return "", ""
}

func defaultPort(scheme string) string {
	switch scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// checkRPID reports why id is not a valid RP ID: a bare lower-case domain.
func checkRPID(id string) (problem, fix string) {
	const hostOnly = "use the bare domain, such as example.com"
	if id == "" {
		return "the RP ID is empty", hostOnly
	}
	if _, rest, ok := strings.Cut(id, "://"); ok {
		host := rest
		if i := strings.IndexAny(host, "/?#"); i >= 0 {
			host = host[:i]
		}
		return "the RP ID has a scheme", "use the host alone: " + host
	}
	if i := strings.IndexAny(id, "/?#"); i >= 0 {
		return "the RP ID has a path", "use the host alone: " + id[:i]
	}
	if isIPLiteral(id) {
		return "the RP ID is an IP address", "use a domain name: WebAuthn does not allow IP addresses as RP IDs"
	}
	if i := strings.LastIndexByte(id, ':'); i >= 0 {
		return "the RP ID has a port", "use the host alone: " + id[:i]
	}
	return checkDomain(id)
}
