// Package assertion verifies WebAuthn authentications
// (#sctn-verifying-assertion): the AuthenticationResponseJSON a browser
// sends after navigator.credentials.get().
//
// [Parse] decodes the body once and exposes [Response.CredentialID] and
// [Response.UserHandle], so the caller can find the stored record;
// [Response.Verify] then runs the checks in the spec's order —
// allowCredentials, the credential's owner, client data, authenticator data
// and rpIdHash (or the AppID's hash), user presence and verification, the
// backup flags against the record, the signature, and the counter — and
// returns what to write back to the record:
//
//	resp, err := assertion.Parse(body)
//	rec := lookUp(resp.CredentialID(), resp.UserHandle())
//	res, err := resp.Verify(rec, assertion.Expect{
//		RPID: "example.com", Origins: origins, Challenge: challenge,
//	})
//
// A rejection is an *errcode.Error naming the first check that failed.
// Verify never changes the record; writing the new counter back with
// compare-and-swap is the caller's (or the RelyingParty's) job.
package assertion
