// Package passkeytest is a software authenticator with a browser in front of
// it, for testing WebAuthn relying parties: it reads the options JSON a server
// sends and returns the JSON that PublicKeyCredential.toJSON() would, signed
// by credentials it keeps in memory.
//
//	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("test")})
//	body, err := a.Create(creationOptionsJSON, "https://example.com") // RegistrationResponseJSON
//	body, err = a.Get(requestOptionsJSON, "https://example.com")      // AuthenticationResponseJSON
//
// It is an independent oracle: it imports no package of this module and
// keeps its own encoders (CBOR, COSE keys, authenticator data, clientDataJSON),
// so a misreading of the specification shared with the verifiers cannot pass
// both sides.
//
// # What it implements
//
//   - The client's part of #sctn-createCredential and #sctn-discover-from-external-source:
//     options JSON (#sctn-parseCreationOptionsFromJSON, #sctn-parseRequestOptionsFromJSON),
//     secure-context and RP ID checks (#rp-id), excludeCredentials,
//     allowCredentials, authenticatorSelection, pubKeyCredParams order,
//     attestation conveyance, and the response JSON (#iface-pkcredential,
//     toJSON()).
//   - clientDataJSON as Chrome serializes it (#clientdatajson-serialization).
//   - Authenticator data and attested credential data (#sctn-authenticator-data,
//     #sctn-attested-credential-data) with COSE_Key credential keys
//     (#sctn-encoded-credPubKey-examples, RFC 9053, RFC 8230, RFC 9964).
//   - Attestation statements: none (#sctn-none-attestation), packed self and
//     packed with an x5c chain from a test CA it generates
//     (#sctn-packed-attestation, #sctn-packed-attestation-cert-requirements),
//     and fido-u2f (#sctn-fido-u2f-attestation).
//   - Credential algorithms: ES256/384/512 (and ESP256/384/512), EdDSA and
//     Ed25519, Ed448, RS256/384/512, PS256/384/512, ML-DSA-44/65/87; signature
//     encodings per #sctn-signature-attestation-types.
//   - Extensions: credProps, appid, appidExclude, prf, credProtect, largeBlob
//     (with Config.LargeBlob; reported unsupported otherwise) and
//     minPinLength (with Config.MinPINLength).
//   - Related origin requests (#sctn-related-origins, #sctn-validating-relation-origin):
//     with Config.WellKnown, a page outside the RP ID may use it when the
//     RP ID's /.well-known/webauthn document lists the page's origin within
//     its first five registrable origin labels.
//   - The signal methods (#sctn-signal-methods): SignalUnknownCredential,
//     SignalAllAcceptedCredentials and SignalCurrentUserDetails take the
//     JSON a relying party sends the page and update the credentials held.
//
// # Determinism
//
// Given Config.Seed, the same sequence of calls gives the same bytes. Go 1.26
// ignores a caller's random source when generating keys, so keys are derived
// instead: EC scalars from HKDF-SHA-256 of the seed, Ed25519, Ed448 and ML-DSA
// keys from seeds, RSA keys from a small pool of embedded TEST ONLY keys
// (keys/). ECDSA signs per RFC 6979, ML-DSA in its deterministic variant,
// RSA-PSS with a salt derived from the seed and the digest (crypto/rsa reads
// the salt from the reader it is given), and the test CA's certificates have
// fixed serials and validity.
//
// # Breaking things on purpose
//
// Knobs change one ceremony (pass Tweaks to Create or Get, or set
// Config.Tweaks): force flags, counter behaviour, origin, crossOrigin and
// topOrigin, the hashed RP ID, the user handle, clientDataJSON members and
// order, AAGUID, attestation kind, credential ID, transports, attachment,
// authenticator extension bytes; and hooks to change the COSE key, the bytes
// about to be signed, the attestation statement, and the finished response.
//
// Everything here is for tests. The embedded RSA keys are public.
package passkeytest
