// Package scenarios drives UDFs through Kapacitor's own UDF client code
// (github.com/influxdata/kapacitor's NewUDFProcess / NewUDFSocket) and checks
// the values that code hands back to the rest of a Kapacitor task.
package scenarios

import (
	"os"
	"testing"

	"github.com/kapacitor-udf/conformance/harness"
)

func TestMain(m *testing.M) {
	code := m.Run()
	harness.RemoveReferenceBinaries()
	os.Exit(code)
}
