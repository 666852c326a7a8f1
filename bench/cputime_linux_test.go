//go:build linux

package bench

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadCPU is the CPU time the calling OS thread has used. The paired
// benchmark locks its goroutine to its thread and reads it around each
// call: time the thread spent waiting for a CPU, which the other processes
// of a shared machine decide, is not in it.
func threadCPU() (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
