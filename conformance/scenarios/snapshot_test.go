package scenarios

import (
	"testing"

	"github.com/kapacitor-udf/conformance/harness"
)

// snapshotAfter is how many of the 24 moving_avg points the first process
// sees before its snapshot: 7 per group, so both windows are partly filled.
const snapshotAfter = 14

// checkSnapshotRestore: a task node runs part of the points, Kapacitor takes
// a snapshot and the node stops; a fresh process for the node gets Init, then
// Restore with that snapshot, then the rest of the points. Together the two
// runs must give exactly what one uninterrupted run gives.
func checkSnapshotRestore(t *testing.T, l harness.Launcher) {
	t.Helper()
	uninterrupted := runMovingAvg(t, l)
	input := movingAvgInput()

	first := harness.Open(t, l, "movingavg_task", "movingAvg2")
	if err := first.Init(movingAvgOptions...); err != nil {
		t.Fatalf("Init of the first process: %v", err)
	}
	if err := first.Send(input[:snapshotAfter]...); err != nil {
		t.Fatalf("sending to the first process: %v", err)
	}
	// Kapacitor takes snapshots while data flows; waiting for the outputs
	// makes sure the state covers exactly the points sent.
	first.WaitOutput(snapshotAfter)
	snapshot, err := first.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if len(snapshot) == 0 {
		t.Fatalf("Snapshot returned no bytes, but the moving averages have state to keep")
	}
	out1, err := first.Close()
	if err != nil {
		t.Fatalf("Close of the first process: %v", err)
	}

	second := harness.Open(t, l, "movingavg_task", "movingAvg2")
	if err := second.Init(movingAvgOptions...); err != nil {
		t.Fatalf("Init of the second process: %v", err)
	}
	if err := second.Restore(snapshot); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if err := second.Send(input[snapshotAfter:]...); err != nil {
		t.Fatalf("sending to the second process: %v", err)
	}
	out2, err := second.Close()
	if err != nil {
		t.Fatalf("Close of the second process: %v", err)
	}

	checkPoints(t, harness.Points(t, append(out1, out2...)), uninterrupted)
}

func TestSnapshotRestoreOverProcess(t *testing.T) {
	checkSnapshotRestore(t, harness.OurProcess(t, "moving-avg", "movingAvg"))
}

func TestSnapshotRestoreReference(t *testing.T) {
	checkSnapshotRestore(t, harness.ReferenceProcess(t, "moving_avg"))
}
