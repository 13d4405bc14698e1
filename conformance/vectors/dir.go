package vectors

import (
	"fmt"
	"os"
	"path/filepath"
)

// Dir is the folder of the committed vectors, test/vectors at the repository
// root. The conformance module sits at the root's conformance/, so the folder
// is found from the module root, the nearest directory above the working
// directory that holds go.mod (`go test` runs in the package's directory,
// `go run` in the caller's).
func Dir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("cannot read the working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "test", "vectors"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s: run this from the conformance/ module (npm run vectors at the repository root does)", dir)
		}
		dir = parent
	}
}
