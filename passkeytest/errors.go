package passkeytest

// Error is a failure a browser would report as a DOMException (or a
// TypeError) from navigator.credentials.create() or get(). Compare with
// errors.Is against the sentinels below; Message says what went wrong.
type Error struct {
	// Name is the DOMException name, e.g. "NotAllowedError".
	Name string
	// Message explains the failure. It never holds challenges, user
	// handles or key material.
	Message string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Message == "" {
		return "passkeytest: " + e.Name
	}
	return "passkeytest: " + e.Name + ": " + e.Message
}

// Is reports whether target is the sentinel of the same name, so that
// errors.Is(err, passkeytest.ErrNotAllowed) holds for any NotAllowedError.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Name == e.Name
}

// The failures a browser reports, as sentinels for errors.Is.
var (
	// ErrNotAllowed: no usable credential or authenticator (the user
	// "cancelled"): nothing matches allowCredentials, user verification or
	// a discoverable credential was required but is unsupported.
	ErrNotAllowed = &Error{Name: "NotAllowedError"}
	// ErrInvalidState: the authenticator already holds a credential named
	// in excludeCredentials.
	ErrInvalidState = &Error{Name: "InvalidStateError"}
	// ErrSecurity: the origin is not a secure context, or the RP ID is not
	// the origin's host or a registrable suffix of it.
	ErrSecurity = &Error{Name: "SecurityError"}
	// ErrNotSupported: none of pubKeyCredParams is an algorithm the
	// authenticator supports, or an extension input the client refuses.
	ErrNotSupported = &Error{Name: "NotSupportedError"}
	// ErrType: the options JSON lacks a required member or has a member of
	// the wrong JSON type (a TypeError in a browser).
	ErrType = &Error{Name: "TypeError"}
	// ErrEncoding: a base64url member of the options does not decode.
	ErrEncoding = &Error{Name: "EncodingError"}
)

func domError(sentinel *Error, msg string) error {
	return &Error{Name: sentinel.Name, Message: msg}
}
