//go:build race

package bench

// raceDetector reports a -race build, whose instrumentation changes the
// allocation counts of some standard library paths (crypto/x509).
const raceDetector = true
