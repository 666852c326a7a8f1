package passkey

import (
	"context"
	"errors"
	"log/slog"

	"github.com/gopasskey/passkey/errcode"
)

// What the relying party logs: the ceremony, the code and the spec check
// of a failure, and a few facts about the authenticator on success. Never
// challenges, session IDs, user handles, credential IDs, signatures or
// extension outputs, which are secrets or link a person across sites.

// logFailure records a failed ceremony at Info (a verdict: the client's
// doing) or Warn (anything else: the store, the configuration).
func (rp *RelyingParty) logFailure(ctx context.Context, ceremony string, err error) {
	var e *errcode.Error
	if errors.As(err, &e) {
		rp.log.LogAttrs(ctx, slog.LevelInfo, "passkey: "+ceremony+" rejected",
			slog.String("code", e.Code), slog.String("check", e.Check))
		return
	}
	if ctx.Err() != nil {
		return
	}
	rp.log.LogAttrs(ctx, slog.LevelWarn, "passkey: "+ceremony+" failed", slog.String("error", err.Error()))
}
