// Package clientdata parses and checks the client data of a WebAuthn
// ceremony (clientDataJSON, #dictionary-client-data).
//
// [Parse] decodes the received bytes once; [ClientData.Verify] then runs the
// client-data steps of both ceremonies in the spec's order:
//
//	registration (#sctn-registering-a-new-credential)   authentication (#sctn-verifying-assertion)
//	 5, 6  UTF-8 decode, parse          Parse            8, 9
//	 7     type is webauthn.create      Verify           10  type is webauthn.get
//	 8     challenge                    Verify           11
//	 9     origin (exact membership)    Verify           12
//	 10    crossOrigin                  Verify           13
//	 11    topOrigin                    Verify           14
//
// The hash the signature covers is SHA-256 of [ClientData.Raw], the bytes as
// received; nothing here re-serialises the client data.
//
// Decisions beyond the spec's text:
//   - invalid UTF-8 is refused rather than replaced with U+FFFD;
//   - crossOrigin must be true or false when present (null is refused);
//   - type, challenge, origin, crossOrigin and topOrigin may each appear once;
//   - tokenBinding, reserved in Level 3, is ignored in any shape;
//   - the challenge is compared as the unpadded base64url string, in constant
//     time, so a non-canonical spelling of the same bytes fails;
//   - a topOrigin without crossOrigin true is refused.
//
// The decoder is encoding/json, the parser that Go programs share; no
// hand-written scanner reads attacker bytes.
package clientdata
