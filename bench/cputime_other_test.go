//go:build !linux

package bench

import "time"

// threadCPU is not measured here: the paired benchmark then reports wall
// clock figures only.
func threadCPU() (time.Duration, bool) { return 0, false }
