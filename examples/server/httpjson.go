package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/store"
)

// maxBody caps every request body. A WebAuthn response with a long
// attestation chain is a few KiB; 64 KiB leaves room and bounds the damage.
const maxBody = 64 << 10

// The example's own error codes, next to the library's (passkey.Code).
const (
	codeBadRequest      = "bad-request"
	codeTooLarge        = "request-too-large"
	codeMediaType       = "unsupported-media-type"
	codeInvalidUsername = "invalid-username"
	codeUsernameTaken   = "username-taken"
	codeNotSignedIn     = "not-signed-in"
	codeUnknownAccount  = "unknown-account"
	codeNotFound        = "not-found"
	codeInvalidName     = "invalid-name"
	codeLastPasskey     = "last-passkey"
	codeUnavailable     = "unavailable"
	codeInternal        = "internal-error"
)

// apiError is the body of every error answer: a stable code for programs
// and a sentence for people. It never carries the library's detail (which
// step failed with which values): that goes to the server log only.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// messages are the sentences shown for the example's own codes.
var messages = map[string]string{
	codeBadRequest:      "The request is not valid JSON of the expected shape.",
	codeTooLarge:        "The request is too large.",
	codeMediaType:       "Send JSON (Content-Type: application/json).",
	codeInvalidUsername: "A user name is 1 to 64 characters of text.",
	codeUsernameTaken:   "That user name is taken.",
	codeNotSignedIn:     "Sign in first.",
	codeUnknownAccount:  "This passkey belongs to no account.",
	codeNotFound:        "No such passkey.",
	codeInvalidName:     "A passkey name is 1 to 64 characters of text.",
	codeLastPasskey:     "This is your only passkey: add another before deleting it.",
	codeUnavailable:     "The server is busy; try again.",
	codeInternal:        "Something went wrong on the server.",
}

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError sends an error answer with one of the example's codes.
func writeError(w http.ResponseWriter, r *http.Request, status int, code string) {
	noteCode(r.Context(), code)
	msg := messages[code]
	if msg == "" {
		msg = "The request failed."
	}
	writeJSON(w, status, apiError{Code: code, Message: msg})
}

// fail answers a failed library call: a ceremony verdict becomes 400 with
// its stable code (the library has already logged the failed check through
// Config.Logger), anything else is logged here and answered without
// detail.
func fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if code := passkey.Code(err); code != "" {
		noteCode(r.Context(), code)
		writeJSON(w, http.StatusBadRequest, apiError{Code: code, Message: "The passkey could not be verified (" + code + ")."})
		return
	}
	if errors.Is(err, store.ErrFull) {
		writeError(w, r, http.StatusServiceUnavailable, codeUnavailable)
		return
	}
	if errors.Is(err, context.Canceled) {
		// The browser went away; nobody reads the answer. 499 is nginx's
		// "client closed request", for the log.
		noteCode(r.Context(), "canceled")
		w.WriteHeader(499)
		return
	}
	log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "err", err)
	writeError(w, r, http.StatusInternalServerError, codeInternal)
}

// readBody reads a capped request body that must be JSON. It answers the
// request itself and returns false when the body is unacceptable.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, r, http.StatusUnsupportedMediaType, codeMediaType)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, r, http.StatusRequestEntityTooLarge, codeTooLarge)
		} else {
			writeError(w, r, http.StatusBadRequest, codeBadRequest)
		}
		return nil, false
	}
	return body, true
}

// readJSON reads a capped JSON request body into v, refusing unknown
// members.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := readBody(w, r)
	if !ok {
		return false
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil || dec.More() {
		writeError(w, r, http.StatusBadRequest, codeBadRequest)
		return false
	}
	return true
}
