package scenarios

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/kapacitor-udf/conformance/harness"
)

// An absent map and an empty one mean the same to Kapacitor (no tags, no
// fields), and a nil dimension list equals an empty one.
var equateEmpty = cmpopts.EquateEmpty()

func checkPoints(t *testing.T, got, want []harness.PointView) {
	t.Helper()
	if diff := cmp.Diff(want, got, equateEmpty); diff != "" {
		t.Errorf("points Kapacitor received differ from the expected (-expected +received):\n%s", diff)
	}
}

func checkBatches(t *testing.T, got, want []harness.BatchView) {
	t.Helper()
	if diff := cmp.Diff(want, got, equateEmpty); diff != "" {
		t.Errorf("batches Kapacitor received differ from the expected (-expected +received):\n%s", diff)
	}
}
