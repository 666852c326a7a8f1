package credential

import (
	"errors"
	"fmt"
)

// ErrMalformedRecord is wrapped by every error of the record encodings
// except [*VersionError]: the data is not a version-1 record, or the Record
// cannot be encoded. Test with [errors.Is].
var ErrMalformedRecord = errors.New("credential: malformed record")

// VersionError reports an encoded record written by a newer version of this
// library. Nothing of it was decoded: upgrade the library rather than drop
// fields you cannot see.
type VersionError struct {
	// Version is the version the record carries.
	Version uint64
}

// Error names the record's version and the newest this library reads.
func (e *VersionError) Error() string {
	return fmt.Sprintf("credential: record version %d is newer than this library (%d)", e.Version, RecordVersion)
}

// malformedRecord returns ErrMalformedRecord about the field whose JSON
// name is name.
func malformedRecord(name, problem string) error {
	return fmt.Errorf("%w: %s %s", ErrMalformedRecord, name, problem)
}

// malformedRecordErr is malformedRecord with an underlying cause.
func malformedRecordErr(name, problem string, err error) error {
	return fmt.Errorf("%w: %s %s: %w", ErrMalformedRecord, name, problem, err)
}
