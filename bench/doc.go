// Package bench compares the passkey verifiers with go-webauthn on the same
// inputs, and checks that credentials move between the two libraries.
//
// It is a nested module so that go-webauthn never enters the graph of the
// passkey module's users. Everything here is in test files:
//
//   - TestBothAccept: every benchmark input is accepted by both libraries
//     and by the bare check (a benchmark on an input one side rejects would
//     be meaningless), and TestBothReject: both reject it tampered, and the
//     input verified to a trust anchor is rejected by all three with
//     another anchor.
//   - BenchmarkAssertion (ES256, RS256, EdDSA, ES384, PS256) and
//     BenchmarkRegistration (none, packed self, packed x5c, packed x5c
//     verified to a trust anchor): paired runs that time passkey,
//     go-webauthn and the bare standard-library reference alternately in
//     one loop and report the ratios (x-gowebauthn, x-bare) of wall-clock
//     and thread-CPU medians; the ours, gowebauthn and bare sub-benchmarks
//     give allocations with -benchmem.
//   - TestAllocs: allocations per verification on each side, with a
//     ceiling per input for passkey's.
//   - TestGoWebAuthnToPasskey, TestPasskeyToGoWebAuthn and
//     TestBackupEligibilityLearnt: register with go-webauthn, import the
//     credential with package migrate and sign in with passkey's
//     RelyingParty (ES256, RS256, EdDSA), the other way round, and a
//     credential whose backup eligibility was never recorded.
//
// README.md holds the figures and the commands that produced them.
//
// The inputs come from passkeytest with a fixed seed (WebAuthn Level 3
// #sctn-registering-a-new-credential and #sctn-verifying-assertion are the
// ceremonies both libraries run).
package bench
