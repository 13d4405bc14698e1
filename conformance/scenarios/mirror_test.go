package scenarios

import (
	"testing"

	"github.com/influxdata/kapacitor/edge"
	"github.com/influxdata/kapacitor/models"
	"github.com/influxdata/kapacitor/udf/agent"
	"github.com/kapacitor-udf/conformance/harness"
)

// mirrorInput is 12 stream points covering what a mirror must keep: two
// measurements, several groupings (by host, by host and cpu, by name, none),
// all four field types, an empty tag value, sub-second and pre-1970 times.
func mirrorInput() []edge.Message {
	var msgs []edge.Message
	for i := 0; i < 12; i++ {
		name := "cpu"
		dims := models.Dimensions{TagNames: []string{"host"}}
		tags := models.Tags{"host": []string{"a", "b", "c"}[i%3], "cpu": "cpu-total"}
		fields := models.Fields{"usage": float64(i) + 0.25, "count": int64(i * 1000), "state": "ok", "up": i%2 == 0}
		t := harness.At(i)
		switch i {
		case 3:
			name = "mem"
			dims = models.Dimensions{TagNames: []string{"cpu", "host"}}
		case 5:
			dims = models.Dimensions{ByName: true, TagNames: []string{"host"}}
		case 7:
			dims = models.Dimensions{}
			tags["dc"] = ""
		case 9:
			fields["count"] = int64(-9007199254740993) // not representable as a float64
			t = t.Add(123456789)
		case 11:
			t = harness.T0.AddDate(-60, 0, 0)
		}
		msgs = append(msgs, edge.NewPointMessage(name, harness.Database, harness.RetentionPolicy, dims, fields, tags, t))
	}
	return msgs
}

// runMirror sends the 12 points and closes. With waitBeforeClose it first
// waits for all 12 to come back (see TestMirrorReference); otherwise the
// half-close follows the last point at once and the UDF must still deliver
// everything pending before it closes its side.
func runMirror(t *testing.T, l harness.Launcher, waitBeforeClose bool, options ...*agent.Option) []harness.PointView {
	t.Helper()
	s := harness.Open(t, l, "mirror_task", "mirror2")
	if err := s.Init(options...); err != nil {
		t.Fatalf("Init: %v", err)
	}
	if err := s.Send(mirrorInput()...); err != nil {
		t.Fatalf("sending points: %v", err)
	}
	if waitBeforeClose {
		s.WaitOutput(len(mirrorInput()))
	}
	out, err := s.Close()
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	return harness.Points(t, out)
}

func mirrorExpected(extra models.Fields) []harness.PointView {
	var want []harness.PointView
	for _, m := range mirrorInput() {
		v := harness.ViewPoint(m.(edge.PointMessage))
		for k, x := range extra {
			v.Fields[k] = x
		}
		want = append(want, v)
	}
	return want
}

func TestMirrorOverSocket(t *testing.T) {
	l := harness.OurSocket(t, "mirror", "mirror")
	checkInfo(t, harness.LoadInfo(t, l), agent.EdgeType_STREAM, agent.EdgeType_STREAM, map[string][]agent.ValueType{
		"field": {agent.ValueType_STRING, agent.ValueType_DOUBLE},
	})

	t.Run("unchanged", func(t *testing.T) {
		checkPoints(t, runMirror(t, l, false), mirrorExpected(nil))
	})
	t.Run("field option", func(t *testing.T) {
		// `@mirror().field('mycustom_field', 42.0)`
		got := runMirror(t, l, false, harness.Opt("field", "mycustom_field", 42.0))
		checkPoints(t, got, mirrorExpected(models.Fields{"mycustom_field": 42.0}))
	})
	t.Run("two task nodes at once", func(t *testing.T) {
		// Two tasks using the UDF: two connections to the one server, each
		// its own conversation with its own options.
		s1 := harness.Open(t, l, "task_one", "mirror2")
		s2 := harness.Open(t, l, "task_two", "mirror2")
		if err := s1.Init(harness.Opt("field", "one", 1.0)); err != nil {
			t.Fatalf("Init of the first connection: %v", err)
		}
		if err := s2.Init(harness.Opt("field", "two", 2.0)); err != nil {
			t.Fatalf("Init of the second connection: %v", err)
		}
		input := mirrorInput()
		for i, m := range input {
			if err := []*harness.Session{s1, s2}[i%2].Send(m); err != nil {
				t.Fatalf("sending point %d: %v", i, err)
			}
		}
		out1, err1 := s1.Close()
		out2, err2 := s2.Close()
		if err1 != nil || err2 != nil {
			t.Fatalf("Close: %v / %v", err1, err2)
		}
		var want1, want2 []harness.PointView
		for i, v := range mirrorExpected(nil) {
			if i%2 == 0 {
				v.Fields["one"] = 1.0
				want1 = append(want1, v)
			} else {
				v.Fields["two"] = 2.0
				want2 = append(want2, v)
			}
		}
		checkPoints(t, harness.Points(t, out1), want1)
		checkPoints(t, harness.Points(t, out2), want2)
	})
}

// Kapacitor's own mirror (socket server, no options) through the same path.
// Its Go agent closes the whole connection as soon as it reads EOF
// (udf/agent/agent.go: readLoop defers in.Close(), and in and out are the
// same net.Conn), so responses still pending at the half-close can be lost:
// here the scenario waits for all points before closing. Our UDFs get no such
// allowance (TestMirrorOverSocket closes right after the last point).
func TestMirrorReference(t *testing.T) {
	l := harness.ReferenceSocket(t, "mirror")
	checkInfo(t, harness.LoadInfo(t, l), agent.EdgeType_STREAM, agent.EdgeType_STREAM, nil)
	checkPoints(t, runMirror(t, l, true), mirrorExpected(nil))
}
