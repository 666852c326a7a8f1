// Package storetest is the contract test suite for implementations of
// [store.Credentials] and [store.Sessions]. Every store in this module runs
// it, and so should a store written elsewhere:
//
//	func TestCredentials(t *testing.T) {
//		storetest.TestCredentials(t, func(t *testing.T) store.Credentials {
//			return openMyStore(t) // empty, closed by t.Cleanup
//		})
//	}
//
// The suite uses only the interfaces, so it cannot see how a store keeps its
// data; it checks what a relying party relies on:
//
//   - a record round-trips with every field, to the nanosecond;
//   - a credential ID is registered once across all users (ErrExists), so
//     that one user cannot take over another's credential;
//   - ListByUser returns one user's records, oldest first, records created
//     at the same time in creation order;
//   - callers get copies, and changing them changes nothing stored;
//   - CompareAndSwap is atomic: of logins racing on one credential, each
//     counter value is consumed once and the counter never goes back
//     (#sctn-sign-counter, #authn-ceremony-update-credential-record);
//   - a session is taken once (Take), whatever the concurrency, so a
//     challenge cannot be answered twice;
//   - Take returns a session whatever its expiry (the caller's clock
//     decides), and Sweep removes exactly the sessions that expired before
//     the caller's now.
//
// Each subtest gets a fresh store from newStore. Times are explicit, so the
// results do not depend on when the suite runs. Run it with -race: the
// concurrent subtests are where an implementation's locking shows.
package storetest
