package scenarios

import (
	"testing"

	"github.com/influxdata/kapacitor/edge"
	"github.com/influxdata/kapacitor/models"
	"github.com/influxdata/kapacitor/udf/agent"
	"github.com/kapacitor-udf/conformance/harness"
)

// The 20 values of Kapacitor's outliers batch test; with scale 1.5 exactly
// five are outliers: 5, 6, 85, 90 and 100.
var (
	outlierValues   = []float64{5, 6, 7, 13, 33, 35, 36, 45, 46, 47, 48, 50, 51, 52, 53, 54, 80, 85, 90, 100}
	outlierExpected = []float64{5, 6, 85, 90, 100}
)

// outliersInput is two batches of the 20 values (value i at second i), one
// per group: host=serverA sent whole (a buffered batch), host=serverB as
// separate BeginBatch / points / EndBatch messages. Kapacitor's server
// writes the two forms through different code.
func outliersInput() []edge.BufferedBatchMessage {
	var batches []edge.BufferedBatchMessage
	for _, host := range []string{"serverA", "serverB"} {
		tags := models.Tags{"host": host, "type": "idle"}
		var points []edge.BatchPointMessage
		for i, v := range outlierValues {
			points = append(points, harness.BatchPoint(tags, models.Fields{"value": v, "seq": int64(i)}, harness.At(i)))
		}
		batches = append(batches, harness.Batch("cpu", tags, harness.At(len(outlierValues)-1), points...))
	}
	return batches
}

// outliersExpected: per input batch one batch with the same name, group
// tags, group and tmax, holding the outlier points unchanged.
func outliersExpected(outliers []float64) []harness.BatchView {
	var want []harness.BatchView
	for _, in := range outliersInput() {
		v := harness.ViewBatch(in)
		v.Points = nil
		for _, p := range harness.ViewBatch(in).Points {
			for _, o := range outliers {
				if p.Fields["value"] == o {
					v.Points = append(v.Points, p)
				}
			}
		}
		v.SizeHint = len(v.Points)
		want = append(want, v)
	}
	return want
}

func runOutliers(t *testing.T, l harness.Launcher) []harness.BatchView {
	t.Helper()
	checkInfo(t, harness.LoadInfo(t, l), agent.EdgeType_BATCH, agent.EdgeType_BATCH, map[string][]agent.ValueType{
		"field": {agent.ValueType_STRING},
		"scale": {agent.ValueType_DOUBLE},
	})
	s := harness.Open(t, l, "outliers_task", "outliers2")
	// `@outliers().field('value').scale(1.5)`
	if err := s.Init(harness.Opt("field", "value"), harness.Opt("scale", 1.5)); err != nil {
		t.Fatalf("Init: %v", err)
	}
	in := outliersInput()
	if err := s.Send(in[0]); err != nil {
		t.Fatalf("sending the first batch: %v", err)
	}
	if err := s.Send(harness.Unbuffered(in[1])...); err != nil {
		t.Fatalf("sending the second batch: %v", err)
	}
	out, err := s.Close()
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	return harness.Batches(t, out)
}

func TestOutliersOverProcess(t *testing.T) {
	got := runOutliers(t, harness.OurProcess(t, "outliers", "outliers"))
	checkBatches(t, got, outliersExpected(outlierExpected))
}

func TestOutliersReference(t *testing.T) {
	got := runOutliers(t, harness.ReferenceProcess(t, "outliers"))
	checkBatches(t, got, outliersExpected(outlierExpected))
}
