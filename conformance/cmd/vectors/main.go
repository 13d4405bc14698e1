// Command vectors writes the reference test vectors (test/vectors at the
// repository root) from the catalogue in package vectors, encoded with
// Kapacitor's own Go message types. Run it with `npm run vectors` at the
// repository root; TestCommittedVectorsAreUpToDate fails until the result is
// committed.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/kapacitor-udf/conformance/vectors"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "vectors:", err)
		os.Exit(1)
	}
}

func run() error {
	dir, err := vectors.Dir()
	if err != nil {
		return err
	}
	files, err := vectors.Generate()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range vectors.FileNames {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d bytes)\n", path, len(files[name]))
	}
	return nil
}
