package errcode_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// schemaCodes is the table of shared/fixtures/SCHEMA.md, copied so that a
// renamed or dropped constant fails here.
var schemaCodes = []string{
	"malformed-response", "credential-id-mismatch", "malformed-client-data",
	"type-mismatch", "challenge-mismatch", "origin-mismatch",
	"cross-origin-not-allowed", "malformed-attestation-object",
	"malformed-authenticator-data", "rp-id-mismatch", "user-not-present",
	"user-not-verified", "backup-flags-invalid", "missing-credential-data",
	"unsupported-algorithm", "malformed-public-key",
	"unsupported-attestation-format", "attestation-invalid",
	"attestation-untrusted", "unknown-credential", "user-handle-mismatch",
	"signature-invalid", "sign-count-regression",
	"credential-already-registered", "backup-eligibility-changed",
	"user-handle-missing", "extension-invalid",
	"authenticator-status-untrusted", "attestation-type-not-allowed",
	"authenticator-not-allowed",
}

func TestAllMatchesSchema(t *testing.T) {
	all := errcode.All()
	if len(all) != len(schemaCodes) {
		t.Fatalf("All() has %d codes, the schema %d", len(all), len(schemaCodes))
	}
	for i, s := range all {
		if string(s) != schemaCodes[i] {
			t.Errorf("All()[%d] = %q, want %q", i, s, schemaCodes[i])
		}
	}
}

func TestIsMatchesOnlyItsCode(t *testing.T) {
	for _, code := range errcode.All() {
		err := fmt.Errorf("context: %w", errcode.New(code, "some-check", "detail"))
		for _, other := range errcode.All() {
			if got, want := errors.Is(err, other), other == code; got != want {
				t.Errorf("errors.Is(%s, %s) = %v, want %v", code, other, got, want)
			}
		}
		if got := errcode.Code(err); got != string(code) {
			t.Errorf("Code = %q, want %q", got, code)
		}
		if !errors.Is(err, &errcode.Error{Code: string(code)}) {
			t.Errorf("an *Error with the same code does not match %s", code)
		}
	}
}

func TestCodeOfNonVerdicts(t *testing.T) {
	cases := map[string]error{
		"nil":    nil,
		"io":     io.ErrUnexpectedEOF,
		"config": &errcode.ConfigError{Field: "Config.RPID", Problem: "empty"},
		"cancel": fmt.Errorf("wrapped: %w", errors.New("context canceled")),
	}
	for name, err := range cases {
		if c := errcode.Code(err); c != "" {
			t.Errorf("%s: Code = %q, want empty", name, c)
		}
	}
	if c := errcode.Code(fmt.Errorf("x: %w", errcode.ErrRPIDMismatch)); c != "rp-id-mismatch" {
		t.Errorf("a bare sentinel's Code = %q", c)
	}
}

func TestWrapNeverNests(t *testing.T) {
	inner := errcode.New(errcode.ErrMalformedPublicKey, "sctn-alg-identifier", "bad point")
	got := errcode.Wrap(errcode.ErrAttestationInvalid, "sctn-packed-attestation", "statement", fmt.Errorf("ctx: %w", inner))
	if got != inner {
		t.Fatalf("Wrap of a verdict returned a new verdict %v", got)
	}
	cause := io.ErrUnexpectedEOF
	w := errcode.Wrap(errcode.ErrMalformedAttestationObject, "attestation-object", "decode", cause)
	if !errors.Is(w, cause) || errcode.Code(w) != "malformed-attestation-object" {
		t.Fatalf("Wrap lost its cause or code: %v", w)
	}
}

func TestMessage(t *testing.T) {
	e := errcode.Mismatch(errcode.ErrTypeMismatch, "rp-op-verifying-assertion-step-type", "wrong ceremony", "webauthn.get", "webauthn.create")
	msg := e.Error()
	for _, want := range []string{"type-mismatch", "wrong ceremony", `"webauthn.get"`, `"webauthn.create"`, "#rp-op-verifying-assertion-step-type"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	ce := &errcode.ConfigError{Field: "Expect.Origins", Problem: "empty", Fix: "use origin.NewSet"}
	if !strings.Contains(ce.Error(), "Expect.Origins") || !strings.Contains(ce.Error(), "origin.NewSet") {
		t.Errorf("config message %q lacks the field or the fix", ce.Error())
	}
}

func ExampleCode() {
	err := fmt.Errorf("login: %w", errcode.Mismatch(errcode.ErrOriginMismatch,
		"sctn-validating-origin", "origin not accepted", "an accepted origin", "https://evil.example"))
	fmt.Println(errcode.Code(err))
	fmt.Println(errors.Is(err, errcode.ErrOriginMismatch))
	// Output:
	// origin-mismatch
	// true
}
