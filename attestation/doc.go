// Package attestation verifies WebAuthn registrations
// (#sctn-registering-a-new-credential): the RegistrationResponseJSON a
// browser sends after navigator.credentials.create().
//
// [Parse] decodes the body once and checks its shape; [Response.Verify] runs
// the ceremony's checks in the spec's order — client data, the attestation
// object and authenticator data, rpIdHash, flags, the credential key and its
// algorithm, the attestation statement of its format, and the trust
// decision — and returns the [credential.Record] to store:
//
//	resp, err := attestation.Parse(body)
//	res, err := resp.Verify(attestation.Expect{
//		RPID: "example.com", Origins: origins, Challenge: challenge,
//		Algorithms: []cose.Algorithm{cose.EdDSA, cose.ES256, cose.RS256},
//	})
//
// A rejection is an *errcode.Error naming the first check that failed.
//
// # Formats
//
// One file per statement format (#sctn-defined-attestation-formats): none
// (type none), packed (self without x5c, basic with it), fido-u2f (basic),
// tpm (attca) and android-key (basic). An unknown fmt is
// unsupported-attestation-format.
//
// # Trust
//
// With [Expect.TrustAnchors], the statement's certificate path must verify to
// one of them at [Expect.Now], and none or self attestation is refused
// (attestation-type-not-allowed). Without anchors, a path is still checked
// for internal consistency: each certificate valid at the verification time
// and signed by the next.
//
// [credential.Record]: https://pkg.go.dev/github.com/gopasskey/passkey/credential#Record
package attestation
