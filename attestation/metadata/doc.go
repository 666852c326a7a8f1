// Package metadata reads the FIDO Metadata Service v3 (MDS3) BLOB: it
// verifies it, keeps it current, and answers the questions a relying party
// asks at registration — which roots anchor this authenticator's
// attestation, and does the metadata distrust it.
//
// Most users want three things:
//
//	store := &metadata.Store{}
//	f := &metadata.Fetcher{Store: store, Client: client, CacheDir: "/var/cache/mds", FetchCRLs: true}
//	if _, err := f.Refresh(ctx); err != nil { … }   // once at start-up
//	go f.Run(ctx)                                     // your goroutine; refreshes until ctx ends
//
//	expect.TrustSource = store                        // attestation.Expect
//
// Without network access, ship a snapshot and load it instead:
// [LoadFile] or [Load] verify a BLOB from a file or an io.Reader, and
// [Store.Update] puts it in use. Verifying bytes never fetches anything.
//
// # Verification (MDS3 §3.1.8, "Metadata BLOB object processing rules")
//
// [Verify] checks the JWS with go-jose, accepting only RS256/384/512,
// PS256/384/512, ES256/384/512 and EdDSA (never none or HMAC); bounds the
// x5c chain (at most 5 certificates; RSA keys of at most 8192 bits, and of
// at most 4096 bits with an exponent above 65537) before it verifies the
// x5c chain to the configured roots — the embedded FIDO MDS root,
// GlobalSign Root CA – R3, by default, never the system roots; checks every
// chain certificate against a current CRL of its issuer that the caller
// supplies (a missing CRL fails unless VerifyOptions.AllowMissingCRLs; the
// Fetcher can download them from the certificates' distribution points);
// and reads no, nextUpdate and entries. A BLOB past its nextUpdate day is
// stale: it is still returned, with [BLOB.Stale] set, unless
// VerifyOptions.FailStale asks to refuse it. A [Store] ignores a BLOB whose
// serial number no is not greater than the one in use (rollback).
//
// Each failed check wraps its own sentinel error (ErrSignature, ErrChain,
// ErrRevoked, ErrCRLMissing, ErrStale, …) for errors.Is.
//
// # Look-ups
//
// Entries are indexed by AAGUID and by attestation certificate key
// identifier (fido-u2f: the lower-case hex SHA-1 of the certificate's
// subjectPublicKey, see [KeyIdentifier]); look-ups are map reads on an
// immutable index behind an atomic pointer, so they never block and cost
// the same in a BLOB of a thousand entries as of ten thousand. A
// [Store] (and a [BLOB]) provides:
//
//   - TrustAnchors(format, aaguid, path): the entry's
//     attestationRootCertificates as a pool — the shape of
//     attestation.TrustSource, satisfied without either package importing
//     the other. TrustAnchorsAt takes the time explicitly.
//   - Name and Icon: the statement's description and icon, for an
//     "authenticator names" source.
//   - Status(aaguid, at): the standing at a time, to re-check stored
//     credentials after each refresh ([Fetcher.OnUpdate]).
//   - UVTrusted(aaguid, at): false while USER_VERIFICATION_BYPASS is in
//     effect.
//
// # Status reports (MDS3 #sctn-stat-rep, #authenticatorstatus-enum)
//
// A report is in effect from its effectiveDate until its sunsetDate (MDS
// 3.1.1), each when present. While in effect, REVOKED, RETIRED,
// USER_KEY_REMOTE_COMPROMISE, USER_KEY_PHYSICAL_COMPROMISE and
// ATTESTATION_KEY_COMPROMISE make TrustAnchors and Status fail with a
// *[StatusError] — even when a newer report (say FIDO_CERTIFIED) follows,
// since a later certification does not undo a compromise. An
// ATTESTATION_KEY_COMPROMISE that names a certificate concerns only
// attestation paths containing it (or chaining to it): TrustAnchors
// checks the path it is given, and [Standing.CheckPath] a stored one.
// USER_VERIFICATION_BYPASS withdraws trust in the UV flag only.
//
// This package imports no other package of the module. The attestation
// package maps a StatusError to the code authenticator-status-untrusted by
// its AuthenticatorStatus method; any other error from TrustAnchors
// (unknown authenticator, stale BLOB, no BLOB) to attestation-untrusted.
//
// # Entries that cannot be read
//
// An entry whose AAGUID, key identifiers or status reports cannot be read
// is left out and listed in [BLOB.Problems]: it cannot then vouch for an
// attestation, so registrations of that model fail closed. A root
// certificate that does not parse is left out of its entry alone. Two
// entries for one AAGUID are merged so that a distrust report in either
// counts.
package metadata
