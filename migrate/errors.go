package migrate

import (
	"errors"
	"fmt"
)

// ErrMalformed is wrapped by every import error: the data is not a
// credential this package can turn into a usable record.
var ErrMalformed = errors.New("migrate: malformed credential")

// malformed is an import error about field; detail never holds the
// field's value.
func malformed(field, detail string) error {
	return fmt.Errorf("%w: %s: %s", ErrMalformed, field, detail)
}

// malformedWrap is malformed with a cause that errors.Is and errors.As
// still find.
func malformedWrap(field string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrMalformed, field, err)
}
