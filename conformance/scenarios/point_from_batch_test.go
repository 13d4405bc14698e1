package scenarios

import (
	"testing"

	"github.com/influxdata/kapacitor/edge"
	"github.com/influxdata/kapacitor/models"
	"github.com/kapacitor-udf/conformance/harness"
)

// pointFromBatchInput: batches grouped by their tags, one also by name, one
// with tag names whose UTF-8 order differs from their UTF-16 order (Go sorts
// dimensions bytewise), one without tags.
func pointFromBatchInput() []edge.BufferedBatchMessage {
	groups := []struct {
		tags   models.Tags
		byName bool
	}{
		{models.Tags{"host": "serverA", "type": "idle"}, false},
		{models.Tags{"host": "serverB", "type": "idle"}, true},
		{models.Tags{"\uFF5E": "wave", "\U0001F600": "smile", "host": "c"}, false},
		{models.Tags{}, false},
	}
	var batches []edge.BufferedBatchMessage
	for g, group := range groups {
		var points []edge.BatchPointMessage
		for i := 0; i < 4; i++ {
			points = append(points, harness.BatchPoint(group.tags, models.Fields{"value": float64(g*10 + i)}, harness.At(i)))
		}
		batches = append(batches, edge.NewBufferedBatchMessage(
			edge.NewBeginBatchMessage("cpu", group.tags, group.byName, harness.At(30+g), len(points)),
			points,
			edge.NewEndBatchMessage(),
		))
	}
	return batches
}

// TestPointFromBatchOverProcess: the stream point pointFromBatch makes of each
// batch is, for Kapacitor, in the batch's own group (same group ID, tags,
// dimensions and by-name), named like the batch, at the batch's tmax.
func TestPointFromBatchOverProcess(t *testing.T) {
	s := harness.Open(t, harness.FixtureProcess(t, "batch-mean.js", "batchMean"), "mean_task", "mean2")
	if err := s.Init(harness.Opt("field", "value")); err != nil {
		t.Fatalf("Init: %v", err)
	}
	in := pointFromBatchInput()
	for i, b := range in {
		msgs := []edge.Message{b}
		if i%2 == 1 {
			msgs = harness.Unbuffered(b)
		}
		if err := s.Send(msgs...); err != nil {
			t.Fatalf("sending batch %d: %v", i, err)
		}
	}
	out, err := s.Close()
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	var want []harness.PointView
	for g, b := range in {
		begin := b.Begin()
		want = append(want, harness.PointView{
			Name:       "cpu",
			Group:      begin.GroupID(),
			Dimensions: begin.Dimensions().TagNames,
			ByName:     begin.Dimensions().ByName,
			Tags:       begin.Tags(),
			Fields:     models.Fields{"mean": float64(g*10) + 1.5, "count": int64(4)},
			Time:       harness.At(30 + g),
		})
	}
	checkPoints(t, harness.Points(t, out), want)
}
