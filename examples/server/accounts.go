package main

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// account is the example's user table row. The library keeps credentials
// by user handle; who the handle belongs to is the application's business.
type account struct {
	Handle      []byte
	Name        string
	DisplayName string
	CreatedAt   time.Time
}

var (
	errNameTaken       = errors.New("accounts: user name taken")
	errAccountNotFound = errors.New("accounts: no such account")
)

// accounts keeps the example's accounts: user name ↔ user handle.
type accounts interface {
	// Create adds an account; errNameTaken if the name (case-folded) is in
	// use.
	Create(ctx context.Context, a *account) error
	// ByName and ByHandle return an account or errAccountNotFound.
	ByName(ctx context.Context, name string) (*account, error)
	ByHandle(ctx context.Context, handle []byte) (*account, error)
	// Delete removes an account (to undo a Create whose credential could
	// not be stored).
	Delete(ctx context.Context, handle []byte) error
}

// maxNameLen bounds user names, in characters.
const maxNameLen = 64

// cleanName trims a user name and reports whether it is acceptable: 1 to 64
// characters, no control characters.
func cleanName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxNameLen {
		return "", false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return "", false
		}
	}
	return s, true
}

// nameKey is the form user names are unique in: "Ada" and "ada" are one
// account.
func nameKey(name string) string { return strings.ToLower(name) }

// memoryAccounts keeps accounts in a map, for -db memory.
type memoryAccounts struct {
	mu       sync.Mutex
	byName   map[string]*account
	byHandle map[string]*account
}

func newMemoryAccounts() *memoryAccounts {
	return &memoryAccounts{byName: map[string]*account{}, byHandle: map[string]*account{}}
}

func (m *memoryAccounts) Create(_ context.Context, a *account) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := nameKey(a.Name)
	if _, ok := m.byName[k]; ok {
		return errNameTaken
	}
	if _, ok := m.byHandle[string(a.Handle)]; ok {
		return errNameTaken
	}
	c := copyAccount(a)
	m.byName[k] = c
	m.byHandle[string(a.Handle)] = c
	return nil
}

func (m *memoryAccounts) ByName(_ context.Context, name string) (*account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a, ok := m.byName[nameKey(name)]; ok {
		return copyAccount(a), nil
	}
	return nil, errAccountNotFound
}

func (m *memoryAccounts) ByHandle(_ context.Context, handle []byte) (*account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a, ok := m.byHandle[string(handle)]; ok {
		return copyAccount(a), nil
	}
	return nil, errAccountNotFound
}

func (m *memoryAccounts) Delete(_ context.Context, handle []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.byHandle[string(handle)]
	if !ok {
		return errAccountNotFound
	}
	delete(m.byHandle, string(handle))
	delete(m.byName, nameKey(a.Name))
	return nil
}

func copyAccount(a *account) *account {
	c := *a
	c.Handle = append([]byte(nil), a.Handle...)
	return &c
}

// sqlAccounts keeps accounts in the example_accounts table, next to the
// store's passkey_* tables.
type sqlAccounts struct {
	db       *sql.DB
	postgres bool
}

func newSQLAccounts(ctx context.Context, db *sql.DB, postgres bool) (*sqlAccounts, error) {
	blob := "BLOB"
	if postgres {
		blob = "BYTEA"
	}
	_, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS example_accounts (
	handle       `+blob+` PRIMARY KEY,
	name_key     TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL,
	display_name TEXT NOT NULL,
	created_ns   BIGINT NOT NULL
)`)
	if err != nil {
		return nil, err
	}
	return &sqlAccounts{db: db, postgres: postgres}, nil
}

// q rewrites ? placeholders as $1, $2, … for PostgreSQL.
func (s *sqlAccounts) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$")
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *sqlAccounts) Create(ctx context.Context, a *account) error {
	res, err := s.db.ExecContext(ctx, s.q(`INSERT INTO example_accounts (handle, name_key, name, display_name, created_ns)
VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`), a.Handle, nameKey(a.Name), a.Name, a.DisplayName, a.CreatedAt.UnixNano())
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errNameTaken
	}
	return nil
}

func (s *sqlAccounts) ByName(ctx context.Context, name string) (*account, error) {
	return s.one(ctx, `SELECT handle, name, display_name, created_ns FROM example_accounts WHERE name_key = ?`, nameKey(name))
}

func (s *sqlAccounts) ByHandle(ctx context.Context, handle []byte) (*account, error) {
	return s.one(ctx, `SELECT handle, name, display_name, created_ns FROM example_accounts WHERE handle = ?`, handle)
}

func (s *sqlAccounts) one(ctx context.Context, query string, arg any) (*account, error) {
	var a account
	var ns int64
	err := s.db.QueryRowContext(ctx, s.q(query), arg).Scan(&a.Handle, &a.Name, &a.DisplayName, &ns)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errAccountNotFound
	}
	if err != nil {
		return nil, err
	}
	a.CreatedAt = time.Unix(0, ns)
	return &a, nil
}

func (s *sqlAccounts) Delete(ctx context.Context, handle []byte) error {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM example_accounts WHERE handle = ?`), handle)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return errAccountNotFound
	}
	return err
}
