// Package memory keeps credential records and ceremony sessions in the
// memory of one process: [NewCredentials] and [NewSessions] return values
// that satisfy [store.Credentials] and [store.Sessions].
//
// Use it for tests, examples and single-instance deployments. Nothing
// survives a restart, and several instances behind a load balancer do not
// share sessions: a ceremony begun on one instance cannot finish on another.
// Use the nested module store/sqlstore for those.
//
// Both stores are safe for concurrent use, start no goroutines and read no
// clock: every time they compare comes from the caller (a record's
// LastUsedAt, a session's expiry, the now of [Sessions.Sweep]). They copy
// what they are given and what they return, so a caller can never change
// stored state except through the interface.
//
// # Credentials
//
// [Credentials] indexes records by credential ID and by user handle.
// [Credentials.CompareAndSwap] is the update a login makes after
// #authn-ceremony-update-credential-record: it succeeds only if the stored
// record still has the sign count and last-use time that the login read, so
// two concurrent logins with the same credential cannot both advance the
// counter from the same value (#sctn-sign-counter).
//
// # Sessions
//
// [Sessions] holds the state of ceremonies between Begin and Finish, at
// most [DefaultMaxSessions] of them unless [WithMaxSessions] says otherwise.
// [Sessions.Take] is single use: of concurrent callers with one key, one gets
// the state. Call [Sessions.Sweep] periodically with the relying party's
// clock; a full store also makes room on [Sessions.Put] (see there for the
// eviction policy and its trade-off).
package memory
