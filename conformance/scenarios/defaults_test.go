package scenarios

import (
	"testing"

	"github.com/influxdata/kapacitor/edge"
	"github.com/influxdata/kapacitor/models"
	"github.com/influxdata/kapacitor/udf/agent"
	"github.com/kapacitor-udf/conformance/harness"
)

// `@defaults().field('value', 0.0).field('load', 1.5).tag('host', 'unknown').tag('dc', 'eu-1')`
var defaultsOptions = []*agent.Option{
	harness.Opt("field", "value", 0.0),
	harness.Opt("field", "load", 1.5),
	harness.Opt("tag", "host", "unknown"),
	harness.Opt("tag", "dc", "eu-1"),
}

var (
	defaultFields = models.Fields{"value": 0.0, "load": 1.5}
	defaultTags   = models.Tags{"host": "unknown", "dc": "eu-1"}
)

// withDefaults is Kapacitor's DefaultNode rule: a field is set where the
// point has no field of that name (of any type); a tag where the point has
// none or an empty one. The inputs are not changed.
func withDefaults(fields models.Fields, tags models.Tags) (models.Fields, models.Tags) {
	f, tg := fields.Copy(), tags.Copy()
	for k, v := range defaultFields {
		if _, ok := f[k]; !ok {
			f[k] = v
		}
	}
	for k, v := range defaultTags {
		if tg[k] == "" {
			tg[k] = v
		}
	}
	return f, tg
}

func checkDefaultsInfo(t *testing.T, l harness.Launcher, edgeType agent.EdgeType) {
	t.Helper()
	checkInfo(t, harness.LoadInfo(t, l), edgeType, edgeType, map[string][]agent.ValueType{
		"field": {agent.ValueType_STRING, agent.ValueType_DOUBLE},
		"tag":   {agent.ValueType_STRING, agent.ValueType_STRING},
	})
}

// defaultsPoints: some points have every field and tag, some lack them, one
// has "value" as an integer (present: not replaced), one an empty host tag
// (absent for Kapacitor: replaced).
func defaultsPoints() []struct {
	fields models.Fields
	tags   models.Tags
} {
	return []struct {
		fields models.Fields
		tags   models.Tags
	}{
		{models.Fields{"value": 3.5, "load": 0.25}, models.Tags{"host": "a", "dc": "us-2"}},
		{models.Fields{"other": "x"}, models.Tags{}},
		{models.Fields{"value": int64(7)}, models.Tags{"host": ""}},
		{models.Fields{"load": 9.0, "up": true}, models.Tags{"dc": "ap-3", "rack": "r1"}},
	}
}

func TestDefaultsOnStream(t *testing.T) {
	l := harness.OurProcess(t, "defaults", "defaults")
	checkDefaultsInfo(t, l, agent.EdgeType_STREAM)

	var input []edge.Message
	var want []harness.PointView
	for i, p := range defaultsPoints() {
		dims := []string{"host"}
		input = append(input, harness.StreamPoint("sys", p.tags, dims, p.fields, harness.At(i)))
		fields, tags := withDefaults(p.fields, p.tags)
		// Kapacitor regroups the output point from its (new) tags.
		want = append(want, harness.ViewPoint(harness.StreamPoint("sys", tags, dims, fields, harness.At(i))))
	}

	s := harness.Open(t, l, "defaults_task", "defaults2")
	if err := s.Init(defaultsOptions...); err != nil {
		t.Fatalf("Init: %v", err)
	}
	if err := s.Send(input...); err != nil {
		t.Fatalf("sending points: %v", err)
	}
	out, err := s.Close()
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	checkPoints(t, harness.Points(t, out), want)
}

func TestDefaultsOnBatch(t *testing.T) {
	l := harness.OurProcess(t, "defaults", "defaultsBatch")
	checkDefaultsInfo(t, l, agent.EdgeType_BATCH)

	// One batch grouped by a full set of tags (left alone), one by tags
	// lacking host and dc: its batch tags gain the defaults too, and with them
	// the group Kapacitor files the output batch under.
	groups := []models.Tags{{"host": "serverA", "dc": "us-2"}, {"type": "idle"}}
	var input []edge.BufferedBatchMessage
	var want []harness.BatchView
	for g, groupTags := range groups {
		var in, out []edge.BatchPointMessage
		for i, p := range defaultsPoints() {
			tags := groupTags.Copy()
			for k, v := range p.tags {
				tags[k] = v
			}
			at := harness.At(10*g + i)
			in = append(in, harness.BatchPoint(tags, p.fields, at))
			fields, outTags := withDefaults(p.fields, tags)
			out = append(out, harness.BatchPoint(outTags, fields, at))
		}
		tmax := harness.At(10*g + len(in) - 1)
		input = append(input, harness.Batch("sys", groupTags, tmax, in...))
		_, outGroupTags := withDefaults(nil, groupTags)
		want = append(want, harness.ViewBatch(harness.Batch("sys", outGroupTags, tmax, out...)))
	}

	s := harness.Open(t, l, "defaults_batch_task", "defaultsBatch2")
	if err := s.Init(defaultsOptions...); err != nil {
		t.Fatalf("Init: %v", err)
	}
	if err := s.Send(input[0]); err != nil {
		t.Fatalf("sending the first batch: %v", err)
	}
	if err := s.Send(harness.Unbuffered(input[1])...); err != nil {
		t.Fatalf("sending the second batch: %v", err)
	}
	out, err := s.Close()
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	checkBatches(t, harness.Batches(t, out), want)
}
