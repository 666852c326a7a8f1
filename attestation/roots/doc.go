// Package roots holds the attestation roots the library ships: the
// certificates that anchor the statement formats whose vendor publishes a
// single root for every authenticator — apple, android-key,
// android-safetynet, and tpm as Windows uses it — so that a relying party
// can require trusted attestation of those formats without the FIDO
// Metadata Service (#reg-ceremony-attestation-trust-anchors).
//
// Each function returns a new *x509.CertPool on every call, parsed from
// PEM embedded in the package; a caller may add to it freely. [Source]
// hands the right pool to attestation.Expect.TrustSource per statement
// format, and none for packed and fido-u2f, whose roots are per vendor
// (use FIDO metadata for those):
//
//	expect.TrustSource = roots.Source()
//
// The roots of one format never anchor another's statements: the SafetyNet
// roots are public web PKI roots, which vouch for any TLS server, and only
// the android-safetynet procedure's check that the certificate is issued to
// attest.android.com narrows them to Google's service.
//
// README.md lists every certificate with its SHA-256 fingerprint, its
// validity, where it was obtained and on what date.
package roots
