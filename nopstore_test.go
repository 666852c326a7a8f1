package passkey

import (
	"context"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// nopCredentials holds nothing.
type nopCredentials struct{}

func (nopCredentials) Create(context.Context, *credential.Record) error { return nil }
func (nopCredentials) Get(context.Context, []byte) (*credential.Record, error) {
	return nil, store.ErrNotFound
}
func (nopCredentials) ListByUser(context.Context, []byte) ([]*credential.Record, error) {
	return nil, nil
}
func (nopCredentials) CompareAndSwap(context.Context, *credential.Record, *credential.Record) error {
	return store.ErrNotFound
}
func (nopCredentials) Rename(context.Context, []byte, string) error { return store.ErrNotFound }
func (nopCredentials) Delete(context.Context, []byte) error         { return store.ErrNotFound }
