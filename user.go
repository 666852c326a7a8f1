package passkey

import (
	"crypto/rand"
	"strconv"
	"unicode/utf8"
)

// User is the account a credential is created for: the user entity of the
// creation options (#dictdef-publickeycredentialuserentity).
type User struct {
	// Handle is the user handle (user.id): 1 to 64 opaque bytes that never
	// change for the account and carry no personal information
	// (#sctn-user-handle-privacy). [NewUserHandle] makes a good one.
	Handle []byte
	// Name is what the user signs in with ("ada@example.com"); the
	// authenticator shows it to tell accounts apart.
	Name string
	// DisplayName is the user's chosen name ("Ada Lovelace"); it may be
	// empty.
	DisplayName string
}

// The user handle limits of #dom-publickeycredentialuserentity-id.
const (
	minHandleLen = 1
	maxHandleLen = 64
	// maxUserNameLen bounds name and displayName: authenticators keep at
	// least 64 bytes of them and may truncate (#dom-publickeycredentialentity-name);
	// more than this is a caller's mistake, not a name.
	maxUserNameLen = 256
)

// NewUserHandle returns 32 random bytes from crypto/rand: a user handle that
// reveals nothing about the account.
func NewUserHandle() []byte {
	h := make([]byte, 32)
	// crypto/rand.Read never fails (it aborts the program if the
	// system's generator is broken).
	_, _ = rand.Read(h)
	return h
}

// validateHandle reports why h is not a user handle, or "".
func validateHandle(h []byte) string {
	if len(h) < minHandleLen || len(h) > maxHandleLen {
		return "a user handle is 1 to 64 bytes, not " + strconv.Itoa(len(h))
	}
	return ""
}

// validate reports why u cannot be the user entity of creation options.
func (u *User) validate() error {
	if p := validateHandle(u.Handle); p != "" {
		return &ConfigError{Field: "User.Handle", Problem: p, Fix: "give every account a handle from passkey.NewUserHandle and keep it"}
	}
	for _, f := range [...]struct{ field, v string }{{"User.Name", u.Name}, {"User.DisplayName", u.DisplayName}} {
		if !utf8.ValidString(f.v) {
			return &ConfigError{Field: f.field, Problem: "not valid UTF-8", Fix: "pass the name as UTF-8 text"}
		}
		if len(f.v) > maxUserNameLen {
			return &ConfigError{Field: f.field, Problem: "longer than " + strconv.Itoa(maxUserNameLen) + " bytes", Fix: "shorten it"}
		}
	}
	if u.Name == "" {
		return &ConfigError{Field: "User.Name", Problem: "empty", Fix: "set the name the user signs in with; authenticators show it"}
	}
	return nil
}
