package harness

import (
	"os"
	"path/filepath"
	"testing"
)

// ModuleDir is the conformance module's root (the directory holding go.mod),
// found by walking up from the test's working directory, which `go test`
// sets to the package directory.
func ModuleDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("cannot read the working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above the test's working directory; run the tests with `go test` from conformance/")
		}
		dir = parent
	}
}

// RepoDir is the monorepo root: the parent of conformance/.
func RepoDir(t testing.TB) string {
	t.Helper()
	return filepath.Dir(ModuleDir(t))
}

// CLIPath is the built udf-run entry point. The tests run the real, built
// CLI (as a user's kapacitor.conf would), so a missing build is a test
// failure that says what to do, not a skip.
func CLIPath(t testing.TB) string {
	t.Helper()
	cli := filepath.Join(RepoDir(t), "packages", "cli", "dist", "bin", "udf-run.js")
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("the udf-run CLI is not built (%s is missing): run `npm run build` first, at the repository root", cli)
	}
	return cli
}

// ExampleDir is examples/<dir>, checked to be built (its package.json points
// udf-run at dist/index.js).
func ExampleDir(t testing.TB, dir string) string {
	t.Helper()
	example := filepath.Join(RepoDir(t), "examples", dir)
	if _, err := os.Stat(filepath.Join(example, "package.json")); err != nil {
		t.Fatalf("example %q does not exist (%s): it has not landed yet", dir, example)
	}
	if _, err := os.Stat(filepath.Join(example, "dist", "index.js")); err != nil {
		t.Fatalf("example %q is not built (%s is missing): run `npm run build` first, at the repository root",
			dir, filepath.Join(example, "dist", "index.js"))
	}
	return example
}

// FixturePath is a file under conformance/fixtures.
func FixturePath(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(ModuleDir(t), "fixtures", name)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("fixture %s is missing: %v", path, err)
	}
	return path
}
