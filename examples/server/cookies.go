package main

import (
	"net/http"
	"time"
)

// The ceremony cookies hold the library's session ID between Begin and
// Finish. Each ceremony has its own, so the autofill login that waits on
// the page and a modal ceremony never overwrite each other's.
const (
	cookieRegister = "pk_register"
	cookieLogin    = "pk_login"
	cookieAutofill = "pk_autofill"
	// ceremonyCookieTTL covers the library's default timeout (5 minutes)
	// plus the minute it allows for the round trip.
	ceremonyCookieTTL = 6 * time.Minute
)

// sessionCookie is the name of the signed-in cookie: with https the
// __Host- prefix makes the browser refuse it unless it is Secure, for
// path / and for this host only.
func (a *app) sessionCookie() string {
	if a.secure {
		return "__Host-session"
	}
	return "session"
}

// setCookie sets an HttpOnly cookie: Secure when the site is https,
// SameSite=Strict for ceremony cookies (only the page's own fetches need
// them) and Lax for the signed-in session (a link from elsewhere to the
// account page still finds the user signed in).
func (a *app) setCookie(w http.ResponseWriter, name, value, path string, maxAge time.Duration, sameSite http.SameSite) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		MaxAge:   int(maxAge / time.Second),
		HttpOnly: true,
		Secure:   a.secure,
		SameSite: sameSite,
	})
}

// clearCookie tells the browser to drop a cookie.
func (a *app) clearCookie(w http.ResponseWriter, name, path string, sameSite http.SameSite) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, Secure: a.secure, SameSite: sameSite,
	})
}

// setCeremony stores a ceremony's session ID in its cookie.
func (a *app) setCeremony(w http.ResponseWriter, name, sessionID string) {
	a.setCookie(w, name, sessionID, "/api/", ceremonyCookieTTL, http.SameSiteStrictMode)
}

// takeCeremony returns the session ID of a ceremony cookie and clears the
// cookie: a session ID is good for one Finish (the library enforces it too).
func (a *app) takeCeremony(w http.ResponseWriter, r *http.Request, name string) string {
	c, err := r.Cookie(name)
	a.clearCookie(w, name, "/api/", http.SameSiteStrictMode)
	if err != nil {
		return ""
	}
	return c.Value
}

// currentSignIn returns the signed-in session of the request, if any.
func (a *app) currentSignIn(r *http.Request) (signIn, string, bool) {
	c, err := r.Cookie(a.sessionCookie())
	if err != nil {
		return signIn{}, "", false
	}
	s, ok := a.signIns.get(c.Value)
	return s, c.Value, ok
}
