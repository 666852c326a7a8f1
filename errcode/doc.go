// Package errcode holds the stable error codes of passkey verdicts.
//
// Every rejected ceremony returns an [*Error] whose Code is one of the
// [Sentinel] constants below; the codes are those of the fixture schema and
// never change, so an application can branch on them, count them in metrics,
// and show them to users without leaking details:
//
//	if errors.Is(err, errcode.ErrSignCountRegression) { … }
//	metrics.Inc(errcode.Code(err))
//
// [errors.As] gives the details: the spec step that failed (Check) and, where
// safe, the expected and received values. Configuration mistakes are a
// [*ConfigError] and carry no code; so do I/O and cancellation errors.
package errcode
