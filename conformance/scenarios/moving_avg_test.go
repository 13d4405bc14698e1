package scenarios

import (
	"testing"

	"github.com/influxdata/kapacitor/edge"
	"github.com/influxdata/kapacitor/models"
	"github.com/influxdata/kapacitor/udf/agent"
	"github.com/kapacitor-udf/conformance/harness"
)

// The moving_avg scenario: two groups (host=a, host=b) of 12 points each at
// seconds 0..11, interleaved by time, averaged over windows of 10 points.
var (
	movingAvgA = []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}
	movingAvgB = []float64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0}
)

const movingAvgSize = 10

// movingAvgOptions is `@movingAvg().field('value').size(10).as('mean')`.
var movingAvgOptions = []*agent.Option{
	harness.Opt("field", "value"),
	harness.Opt("size", int64(movingAvgSize)),
	harness.Opt("as", "mean"),
}

func movingAvgInput() []edge.Message {
	var msgs []edge.Message
	for i := range movingAvgA {
		for _, g := range []struct {
			host   string
			values []float64
		}{{"a", movingAvgA}, {"b", movingAvgB}} {
			msgs = append(msgs, harness.StreamPoint("cpu",
				models.Tags{"host": g.host, "region": "eu"}, []string{"host"},
				models.Fields{"value": g.values[i], "busy": int64(i), "note": "raw"},
				harness.At(i)))
		}
	}
	return msgs
}

// movingAvgExpected is the output point for every input point: same name,
// tags, group, time; the one field "mean" = the exact mean of the last
// `size` values of the point's group. Each window sum is a small integer,
// exact in a float64, so sum/len is the correctly rounded mean (0.9, not
// 0.9000000000000001; 1.9, not 1.9000000000000001).
func movingAvgExpected(input []edge.Message) []harness.PointView {
	windows := map[models.GroupID][]float64{}
	var out []harness.PointView
	for _, m := range input {
		p := m.(edge.PointMessage)
		w := append(windows[p.GroupID()], p.Fields()["value"].(float64))
		if len(w) > movingAvgSize {
			w = w[len(w)-movingAvgSize:]
		}
		windows[p.GroupID()] = w
		sum := 0.0
		for _, v := range w {
			sum += v
		}
		v := harness.ViewPoint(p)
		v.Fields = models.Fields{"mean": sum / float64(len(w))}
		out = append(out, v)
	}
	return out
}

func checkMovingAvgInfo(t *testing.T, l harness.Launcher) {
	t.Helper()
	checkInfo(t, harness.LoadInfo(t, l), agent.EdgeType_STREAM, agent.EdgeType_STREAM, map[string][]agent.ValueType{
		"field": {agent.ValueType_STRING},
		"size":  {agent.ValueType_INT},
		"as":    {agent.ValueType_STRING},
	})
}

// runMovingAvg is one uninterrupted task run over all 24 points.
func runMovingAvg(t *testing.T, l harness.Launcher) []harness.PointView {
	t.Helper()
	s := harness.Open(t, l, "movingavg_task", "movingAvg2")
	if err := s.Init(movingAvgOptions...); err != nil {
		t.Fatalf("Init: %v", err)
	}
	if err := s.Send(movingAvgInput()...); err != nil {
		t.Fatalf("sending points: %v", err)
	}
	out, err := s.Close()
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	return harness.Points(t, out)
}

func TestMovingAvgOverProcess(t *testing.T) {
	l := harness.OurProcess(t, "moving-avg", "movingAvg")
	checkMovingAvgInfo(t, l)
	got := runMovingAvg(t, l)
	checkPoints(t, got, movingAvgExpected(movingAvgInput()))

	// The values the issue names, spelled out.
	for _, p := range got {
		if p.Time.Equal(harness.At(10)) {
			want := map[string]float64{"a": 0.9, "b": 1.9}[p.Tags["host"]]
			if mean := p.Fields["mean"]; mean != want {
				t.Errorf("mean for host=%s at t=10s is %v, expected exactly %v", p.Tags["host"], mean, want)
			}
		}
	}
}

// Kapacitor's own moving_avg keeps a running average, so its last digits
// drift (1.9000000000000001 at t=10s for host b): it is compared within a
// tolerance, everything else exactly. This shows the harness reproduces
// kapacitord's behaviour with a UDF Kapacitor ships.
func TestMovingAvgReference(t *testing.T) {
	l := harness.ReferenceProcess(t, "moving_avg")
	checkMovingAvgInfo(t, l)
	got := runMovingAvg(t, l)
	want := movingAvgExpected(movingAvgInput())
	if len(got) != len(want) {
		t.Fatalf("got %d points, expected %d", len(got), len(want))
	}
	for i := range got {
		mean, _ := got[i].Fields["mean"].(float64)
		if d := mean - want[i].Fields["mean"].(float64); d > 1e-9 || d < -1e-9 {
			t.Errorf("point %d: mean %v, expected about %v", i, mean, want[i].Fields["mean"])
		}
		got[i].Fields = want[i].Fields
	}
	checkPoints(t, got, want)
}
