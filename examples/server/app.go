package main

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gopasskey/passkey"
)

//go:embed web
var webFiles embed.FS

// signInTTL is how long a signed-in session lasts.
const signInTTL = 12 * time.Hour

// app is the example server: a relying party, the example's accounts, the
// signed-in sessions and the token issuer.
type app struct {
	rp *passkey.RelyingParty
	// keyRP begins "Add a security key" registrations: the same relying
	// party, but asking for a server-side credential (residentKey
	// "discouraged"), which every security key can make; browsers make
	// discoverable ones only on keys with a PIN or biometrics. Finish is
	// rp's: the session remembers what Begin asked for.
	keyRP    *passkey.RelyingParty
	accounts accounts
	signIns  *webSessions
	tokens   *tokenIssuer
	names    modelNames
	log      *slog.Logger
	secure   bool // https: Secure cookies, __Host- prefix
	// deleteMu makes "count the passkeys, then delete one" atomic, so two
	// concurrent deletes cannot remove an account's last two passkeys.
	deleteMu sync.Mutex
}

// newApp builds the server for settings s on storage st.
func newApp(s *settings, st *storage, log *slog.Logger) (*app, error) {
	names := newModelNames()
	cfg := passkey.Config{
		RPID:               s.rpID,
		RPName:             s.rpName,
		Origins:            s.origins,
		Credentials:        st.credentials,
		Sessions:           st.sessions,
		AuthenticatorNames: names,
		Logger:             log,
	}
	rp, err := passkey.New(cfg)
	if err != nil {
		return nil, err
	}
	cfg.ResidentKey = passkey.ResidentKeyDiscouraged
	keyRP, err := passkey.New(cfg)
	if err != nil {
		return nil, err
	}
	tokens, err := newTokenIssuer(s.origins[0], time.Now)
	if err != nil {
		return nil, err
	}
	return &app{
		rp:       rp,
		keyRP:    keyRP,
		accounts: st.accounts,
		signIns:  newWebSessions(signInTTL, time.Now),
		tokens:   tokens,
		names:    names,
		log:      log,
		secure:   s.secure(),
	}, nil
}

// handler is the whole HTTP surface.
func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(webFiles, "web") // "web" is embedded, Sub cannot fail

	mux.HandleFunc("GET /{$}", a.page(static, "index.html"))
	mux.HandleFunc("GET /account", func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := a.currentSignIn(r); !ok {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		a.page(static, "account.html")(w, r)
	})
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	mux.HandleFunc("POST /api/register/begin", a.registerBegin)
	mux.HandleFunc("POST /api/register/finish", a.registerFinish)
	mux.HandleFunc("POST /api/login/begin", a.loginBegin)
	mux.HandleFunc("POST /api/login/finish", a.loginFinish)
	mux.HandleFunc("POST /api/logout", a.logout)
	mux.HandleFunc("GET /api/me", a.me)
	mux.HandleFunc("PATCH /api/passkeys/{id}", a.renamePasskey)
	mux.HandleFunc("DELETE /api/passkeys/{id}", a.deletePasskey)
	mux.HandleFunc("POST /api/token", a.token)
	mux.HandleFunc("GET /.well-known/jwks.json", a.jwks)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})

	// Cross-origin POST, PATCH and DELETE requests are refused (Sec-Fetch-Site
	// or Origin against Host), so another site cannot drive the API with
	// the user's cookies.
	csrf := http.NewCrossOriginProtection()
	return logRequests(a.log, securityHeaders(csrf.Handler(mux)))
}

// page serves one of the embedded HTML pages.
func (a *app) page(static fs.FS, name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, static, name)
	}
}

// sweep drops expired ceremony and signed-in sessions; run runs it every
// minute.
func (a *app) sweep(ctx context.Context) {
	if err := a.rp.SweepSessions(ctx); err != nil {
		a.log.WarnContext(ctx, "sweeping ceremony sessions", "err", err)
	}
	a.signIns.sweep()
}
