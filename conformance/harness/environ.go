package harness

import "os"

// environ is the environment kapacitord gives a process UDF: its own
// (os.Environ()) plus the entry's env settings, of which the scenarios need none.
func environ() []string {
	return os.Environ()
}
