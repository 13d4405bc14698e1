package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Kapacitor's own example UDFs (udf/agent/examples in the kapacitor module
// this suite pins), built once per test binary. They prove the harness
// drives a UDF the way kapacitord does, and show what Kapacitor's reference
// implementations answer to the same input.
var reference struct {
	once sync.Once
	dir  string
	err  error
	out  string
}

var referenceExamples = []string{"moving_avg", "mirror", "outliers"}

// ReferenceBinary is the path of Kapacitor's example UDF `example`
// (moving_avg, mirror or outliers), built with `go build` from the module
// cache on first use.
func ReferenceBinary(t testing.TB, example string) string {
	t.Helper()
	reference.once.Do(func() {
		reference.dir, reference.err = os.MkdirTemp("", "kapacitor-reference-udfs")
		if reference.err != nil {
			return
		}
		args := []string{"build", "-o", reference.dir + string(filepath.Separator)}
		for _, name := range referenceExamples {
			args = append(args, "github.com/influxdata/kapacitor/udf/agent/examples/"+name)
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = ModuleDir(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		reference.err, reference.out = err, string(out)
	})
	if reference.err != nil {
		t.Fatalf("cannot build Kapacitor's reference UDFs: %v\n%s", reference.err, reference.out)
	}
	return filepath.Join(reference.dir, example)
}

// RemoveReferenceBinaries deletes what ReferenceBinary built; call it from
// TestMain after the tests ran.
func RemoveReferenceBinaries() {
	if reference.dir != "" {
		os.RemoveAll(reference.dir)
	}
}

// ReferenceProcess runs Kapacitor's example as a process UDF.
func ReferenceProcess(t testing.TB, example string) Launcher {
	t.Helper()
	bin := ReferenceBinary(t, example)
	return Process("Kapacitor's reference "+example+" (process)", SpecInDir(filepath.Dir(bin), bin))
}

// ReferenceSocket starts Kapacitor's example socket server (mirror takes
// -socket PATH) and returns the socket launcher.
func ReferenceSocket(t testing.TB, example string) Launcher {
	t.Helper()
	bin := ReferenceBinary(t, example)
	path := filepath.Join(shortTempDir(t), example+".sock")
	StartSocketServer(t, filepath.Dir(bin), bin, "-socket", path)
	return Socket("Kapacitor's reference "+example+" (socket)", path)
}
