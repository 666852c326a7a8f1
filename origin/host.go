package origin

import (
	"net/netip"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// maxDomainLen and maxLabelLen are the DNS limits (RFC 1035 §2.3.4); a name
// beyond them can never resolve, so it is a configuration mistake.
const (
	maxDomainLen = 253
	maxLabelLen  = 63
)

// checkDomain reports why host is not a lower-case ASCII domain name as a
// browser serializes it in an origin, or "" when it is one. fix says what to
// write instead.
func checkDomain(host string) (problem, fix string) {
	if host == "" {
		return "the host is empty", "write a domain name such as example.com"
	}
	if isIPLiteral(host) {
		return "the host is an IP address", "use a domain name: WebAuthn does not allow IP addresses as origins or RP IDs"
	}
	if len(host) > maxDomainLen {
		return "the domain is longer than 253 characters", "use a shorter domain name"
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if c >= 0x80 {
			return "the domain is not ASCII", "write internationalised names in punycode (A-labels, xn--…), e.g. with golang.org/x/net/idna Lookup.ToASCII"
		}
		if 'A' <= c && c <= 'Z' {
			return "the domain has upper-case letters", "write it in lower case: " + strings.ToLower(host)
		}
	}
	if strings.HasSuffix(host, ".") {
		return "the domain ends with a dot", "drop the trailing dot: " + strings.TrimRight(host, ".")
	}
	last := ""
	for label := range strings.SplitSeq(host, ".") {
		if label == "" {
			return "the domain has an empty label", "remove the repeated or leading dot"
		}
		if len(label) > maxLabelLen {
			return "a label of the domain is longer than 63 characters", "use shorter labels"
		}
		for i := 0; i < len(label); i++ {
			if !isHostByte(label[i]) {
				return "the domain has the character " + quoteByte(label[i]), "use only a-z, 0-9, '-' and '_' in a domain name"
			}
		}
		last = label
	}
	if endsInNumber(last) {
		return "the domain ends in a numeric label, which browsers parse as an IPv4 address", "use a domain name whose last label is not a number"
	}
	return "", ""
}

// isHostByte accepts what a browser keeps in a serialized host after
// lower-casing, minus the characters that only percent-encoded or
// internationalised hosts contain. '_' is kept: the URL parser allows it and
// some intranets use it.
func isHostByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// isIPLiteral reports whether host is an IPv4 or IPv6 address, bracketed or not.
func isIPLiteral(host string) bool {
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	_, err := netip.ParseAddr(h)
	return err == nil
}

// endsInNumber follows the WHATWG URL "ends in a number" checker: a last
// label of digits, or 0x followed by hex digits, makes the URL parser treat
// the host as IPv4.
func endsInNumber(label string) bool {
	if label == "" {
		return false
	}
	digits := true
	for i := 0; i < len(label); i++ {
		if label[i] < '0' || label[i] > '9' {
			digits = false
			break
		}
	}
	if digits {
		return true
	}
	if !strings.HasPrefix(label, "0x") {
		return false
	}
	for i := 2; i < len(label); i++ {
		c := label[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// rpIDCovers reports whether rpID may be used on a page whose host is host:
// the two are equal, or rpID is a suffix of host on a label boundary and is
// longer than host's public suffix (HTML's "is a registrable domain suffix of
// or is equal to"). Both are valid domains (checkDomain) when it is called.
func rpIDCovers(rpID, host string) (ok bool, problem string) {
	if host == rpID {
		return true, ""
	}
	// A label-boundary test: "evilexample.com" does not end in ".example.com".
	if !strings.HasSuffix(host, "."+rpID) {
		return false, "its host is neither the RP ID nor a subdomain of it"
	}
	suffix, _ := publicsuffix.PublicSuffix(host)
	if len(rpID) <= len(suffix) {
		return false, "the RP ID is a public suffix of its host"
	}
	return true, ""
}

// quoteByte renders one byte of a configured value for a message.
func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	const hex = "0123456789abcdef"
	return "0x" + string([]byte{hex[c>>4], hex[c&0xf]})
}
