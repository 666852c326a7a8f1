package passkey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// Passkey is one of a user's credentials as an account page lists it.
type Passkey struct {
	// ID is the credential ID: pass it to RenamePasskey and DeletePasskey.
	ID []byte
	// Name is the name to show: the user's own, else the authenticator
	// model's (from Config.AuthenticatorNames), else "Passkey".
	Name string
	// Named reports that Name is the user's own.
	Named bool
	// AAGUID is the authenticator model.
	AAGUID credential.AAGUID
	// Synced reports a backup-eligible credential (a synced passkey);
	// BackedUp that it is backed up now.
	Synced, BackedUp bool
	// CreatedAt and LastUsedAt are when it was registered and last used
	// (zero if never).
	CreatedAt, LastUsedAt time.Time
	// Record is the stored record.
	Record *credential.Record
}

// defaultPasskeyName names a passkey whose user gave no name and whose model
// is unknown.
const defaultPasskeyName = "Passkey"

// maxPasskeyName bounds a user-given name, in characters.
const maxPasskeyName = 64

// ErrPasskeyNotFound is returned by RenamePasskey and DeletePasskey for a
// credential the user does not have (none with that ID, or another
// user's). It wraps store.ErrNotFound.
var ErrPasskeyNotFound = fmt.Errorf("passkey: the user has no passkey with that ID: %w", store.ErrNotFound)

// ErrPasskeyName is returned by RenamePasskey for a name that is empty,
// longer than 64 characters, or holds control characters.
var ErrPasskeyName = errors.New("passkey: a passkey name is 1 to 64 characters of text")

// Passkeys lists the user's passkeys, oldest first, each with a name to
// show.
func (rp *RelyingParty) Passkeys(ctx context.Context, userHandle []byte) ([]Passkey, error) {
	recs, err := rp.creds.ListByUser(ctx, userHandle)
	if err != nil {
		return nil, fmt.Errorf("passkey: listing the user's credentials: %w", err)
	}
	out := make([]Passkey, len(recs))
	for i, r := range recs {
		out[i] = Passkey{
			ID:         bytes.Clone(r.ID),
			Name:       r.Name,
			Named:      r.Name != "",
			AAGUID:     r.AAGUID,
			Synced:     r.BackupEligible.Bool(),
			BackedUp:   r.BackupState,
			CreatedAt:  r.CreatedAt,
			LastUsedAt: r.LastUsedAt,
			Record:     r,
		}
		if out[i].Name == "" && rp.names != nil && !r.AAGUID.IsZero() {
			out[i].Name = rp.names.AuthenticatorName(r.AAGUID)
		}
		if out[i].Name == "" {
			out[i].Name = defaultPasskeyName
		}
	}
	return out, nil
}

// RenamePasskey sets the user's name for one of their passkeys. Leading and
// trailing spaces are trimmed.
func (rp *RelyingParty) RenamePasskey(ctx context.Context, userHandle, id []byte, name string) error {
	name = strings.TrimSpace(name)
	if !validPasskeyName(name) {
		return ErrPasskeyName
	}
	if err := rp.checkOwner(ctx, userHandle, id); err != nil {
		return err
	}
	if err := rp.creds.Rename(ctx, id, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return ErrPasskeyNotFound
		}
		return fmt.Errorf("passkey: renaming the credential: %w", err)
	}
	return nil
}

// DeletePasskey deletes one of the user's passkeys: it can no longer sign
// in. The authenticator still holds it; the page may tell it with the
// signal API (signalAllAcceptedCredentials or signalUnknownCredential).
//
// Deleting the last passkey of an account without another way to sign in
// locks the user out: check [RelyingParty.Passkeys] first.
func (rp *RelyingParty) DeletePasskey(ctx context.Context, userHandle, id []byte) error {
	if err := rp.checkOwner(ctx, userHandle, id); err != nil {
		return err
	}
	if err := rp.creds.Delete(ctx, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return ErrPasskeyNotFound
		}
		return fmt.Errorf("passkey: deleting the credential: %w", err)
	}
	return nil
}

// checkOwner makes sure the credential id belongs to userHandle: account
// pages act on the signed-in user's passkeys only.
func (rp *RelyingParty) checkOwner(ctx context.Context, userHandle, id []byte) error {
	rec, err := rp.creds.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return ErrPasskeyNotFound
	}
	if err != nil {
		return fmt.Errorf("passkey: looking the credential up: %w", err)
	}
	if len(userHandle) == 0 || !bytes.Equal(rec.UserHandle, userHandle) {
		return ErrPasskeyNotFound
	}
	return nil
}

func validPasskeyName(name string) bool {
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxPasskeyName {
		return false
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}
