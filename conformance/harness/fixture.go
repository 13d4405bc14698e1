package harness

import (
	"path/filepath"
	"testing"
)

// FixtureProcess runs a UDF from a fixture module of conformance/fixtures:
// `udf-run <name> --module <file>`, started in the fixtures folder.
func FixtureProcess(t testing.TB, file, udfName string) Launcher {
	t.Helper()
	cli := CLIPath(t)
	module := FixturePath(t, file)
	return Process("udf-run "+udfName+" --module fixtures/"+file+" (process)",
		SpecInDir(filepath.Dir(module), "node", cli, udfName, "--module", module))
}

// FixtureSocket starts `udf-run <name> --module <file> --socket <path>`.
func FixtureSocket(t testing.TB, file, udfName string) Launcher {
	t.Helper()
	cli := CLIPath(t)
	module := FixturePath(t, file)
	path := filepath.Join(shortTempDir(t), udfName+".sock")
	StartSocketServer(t, filepath.Dir(module), "node", cli, udfName, "--module", module, "--socket", path)
	return Socket("udf-run "+udfName+" --module fixtures/"+file+" --socket", path)
}
