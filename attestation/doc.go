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
// One file per statement format (#sctn-defined-attestation-formats), with the
// attestation types each yields: none (none), packed (self without x5c,
// basic with it), fido-u2f (basic), tpm (attca), android-key (basic),
// android-safetynet (basic; #sctn-android-safetynet-attestation, for
// recorded responses: the service is shut down), apple (anonca;
// #sctn-apple-anonymous-attestation) and compound
// (#sctn-compound-attestation: 2 to 3 statements of the other formats, each
// verified; the weakest type decides, none < self < basic = attca = anonca).
// An unknown fmt is unsupported-attestation-format.
//
// # Trust
//
// Steps #reg-ceremony-attestation-trust-anchors and
// #reg-ceremony-assess-trust take their anchors from [Expect.TrustAnchors]
// (one pool for every format) and from [Expect.TrustSource], asked per
// statement with its format, AAGUID and certificate path. [TrustSource] uses
// standard library types only, so that sources such as package
// attestation/roots (the Apple, Google and Microsoft TPM roots the library
// ships) and FIDO metadata (package attestation/metadata) plug in without
// this package importing them. [Expect.Trust] picks the policy:
//
//   - [TrustDefault] (the zero value): trust is required exactly when
//     anchors or a source are set. Without them every attestation type is
//     accepted and a certificate path is still checked for internal
//     consistency: each certificate valid at the verification time and
//     signed by the next.
//   - [TrustRequired]: the path must verify to an anchor at [Expect.Now];
//     none and self attestation fail with attestation-type-not-allowed, a
//     path that does not verify with attestation-untrusted, a model the
//     source distrusts with authenticator-status-untrusted.
//   - [TrustOrDowngrade]: a statement whose path does not verify is kept as
//     self attestation, and [Result.Downgraded] says so
//     (#reg-ceremony-assess-trust lets policy accept it).
//
// A compound statement is assessed statement by statement. The validity
// period of an android-key attestation certificate (the leaf) is not
// checked; its CA certificates' are. [Expect.AllowedAAGUIDs] and
// [Expect.DeniedAAGUIDs] then refuse models with authenticator-not-allowed.
//
// [credential.Record]: https://pkg.go.dev/github.com/gopasskey/passkey/credential#Record
package attestation
