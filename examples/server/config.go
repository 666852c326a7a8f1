package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// settings are the command line, resolved: the address to listen on and the
// relying party it serves.
type settings struct {
	addr    string   // listen address
	rpID    string   // relying party ID
	origins []string // accepted origins; the first is the canonical one
	rpName  string
	db      string // -db as given
	tlsCert string
	tlsKey  string
}

// secure reports whether the canonical origin is https: cookies then carry
// Secure and the session cookie the __Host- prefix.
func (s *settings) secure() bool {
	return len(s.origins) > 0 && strings.HasPrefix(s.origins[0], "https://")
}

// parseSettings reads the flags and derives what the user left out.
//
// An address on an IP (127.0.0.1:8080, :8080, [::1]:8080) means RP ID
// "localhost" and origin http://localhost:PORT: browsers refuse WebAuthn on
// IP-address origins, and localhost is a secure context without TLS.
func parseSettings(args []string, stderr io.Writer) (*settings, error) {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:8080", "`host:port` to listen on")
	rpID := fs.String("rpid", "", "relying party ID (default: the -addr host, or localhost for an IP address)")
	originList := fs.String("origin", "", "accepted origins, comma-separated; the first is canonical (default: scheme://RPID:PORT)")
	rpName := fs.String("name", "Passkey example", "the site's name, shown by some authenticators")
	db := fs.String("db", "passkey.db", "store: memory, a SQLite file (sqlite:PATH or PATH), or a postgres:// URL")
	tlsCert := fs.String("tls-cert", "", "certificate `file` (PEM) to serve HTTPS directly")
	tlsKey := fs.String("tls-key", "", "private key `file` (PEM) for -tls-cert")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags only; see -help)", fs.Arg(0))
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return nil, errors.New("-tls-cert and -tls-key go together")
	}
	s := &settings{addr: *addr, rpName: *rpName, db: *db, tlsCert: *tlsCert, tlsKey: *tlsKey}

	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return nil, fmt.Errorf("-addr %q: %w", *addr, err)
	}
	s.rpID = strings.ToLower(strings.TrimSuffix(*rpID, "."))
	if s.rpID == "" {
		s.rpID = defaultRPID(host)
	}
	if *originList != "" {
		for o := range strings.SplitSeq(*originList, ",") {
			o = strings.TrimRight(strings.TrimSpace(o), "/")
			if o == "" {
				continue
			}
			if err := checkOrigin(o); err != nil {
				return nil, fmt.Errorf("-origin %q: %w", o, err)
			}
			s.origins = append(s.origins, o)
		}
		if len(s.origins) == 0 {
			return nil, errors.New("-origin lists no origin")
		}
	} else if port != "0" {
		s.defaultOrigins(port)
	}
	return s, nil
}

// defaultOrigins sets the origin that -origin left out: scheme://RPID:PORT,
// with the port the server really listens on (-addr may say :0).
func (s *settings) defaultOrigins(port string) {
	if len(s.origins) > 0 {
		return
	}
	scheme := "http"
	if s.tlsCert != "" {
		scheme = "https"
	}
	s.origins = []string{defaultOrigin(scheme, s.rpID, port)}
}

// defaultRPID is the RP ID for a listen host: the host name itself, or
// localhost for an IP address or an empty host.
func defaultRPID(host string) string {
	if host == "" {
		return "localhost"
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return "localhost"
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// defaultOrigin is scheme://host:port, without the port when it is the
// scheme's default (an origin is serialized that way).
func defaultOrigin(scheme, host, port string) string {
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") || port == "" {
		return scheme + "://" + host
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// checkOrigin catches the usual mistakes in -origin early, with a readable
// message; the library validates the set again in passkey.New.
func checkOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("an origin is http:// or https:// and a host")
	}
	if u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("an origin is scheme://host[:port], nothing after it")
	}
	return nil
}
