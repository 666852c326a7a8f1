// Package origin holds the accepted-origin set of one relying party: the
// origins its pages (and Android apps) run on, checked once when the set is
// built and matched exactly at every ceremony.
//
// Build the set at start-up and keep it; it is immutable and safe for
// concurrent use:
//
//	set, err := origin.NewSet("example.com", []string{"https://example.com", "https://login.example.com"})
//	…
//	if err := set.Check(clientData.Origin); err != nil { … } // *errcode.Error, code origin-mismatch
//
// # What NewSet checks
//
// It implements the configuration side of the WebAuthn rules on RP IDs and
// origins (https://w3c.github.io/webauthn/#rp-id, #sctn-validating-origin,
// #sctn-related-origins, #sctn-code-injection):
//
//   - the RP ID is a lower-case domain: no scheme, port, path or IP address;
//     internationalised names must already be in punycode;
//   - every web origin is https://host[:port], except http://localhost[:port];
//     it has no path, query, fragment, userinfo or trailing slash; the default
//     port is dropped, so https://example.com:443 is stored as
//     https://example.com; IP-literal hosts are refused;
//   - the RP ID equals each web origin's host or is a registrable-domain
//     suffix of it: a suffix on a label boundary that is not a public suffix
//     (the Public Suffix List of golang.org/x/net/publicsuffix). An origin of
//     another site that shares the RP ID through a related-origins document
//     must be listed with [RelatedOrigins];
//   - android:apk-key-hash:<base64url SHA-256> values are well formed. They
//     are opaque: matched exactly, with no relation to the RP ID.
//
// Each mistake is an [*errcode.ConfigError] that names the field (RPID,
// Origins[2], TopOrigins[0], RelatedOrigins[1]) and says how to fix it.
//
// # What Check does
//
// [Set.Check] is exact membership of the received string in the normalised
// set: a map lookup, never derived from the RP ID, never a suffix test. The
// received origin is not normalised, because a browser always sends the bare
// serialization: https://example.com:443 or https://example.com/ fails. On a
// mismatch the verdict says which part differs (scheme, host, port, or a path
// or other extra) from the closest accepted origin, without listing the
// accepted origins.
//
// [Set.CheckCrossOrigin] applies the crossOrigin and topOrigin rules of
// #sctn-registering-a-new-credential and #sctn-verifying-assertion: both are
// refused unless [AllowCrossOrigin] was given.
package origin
