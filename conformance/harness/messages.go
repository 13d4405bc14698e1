package harness

import (
	"testing"
	"time"

	"github.com/influxdata/kapacitor/edge"
	"github.com/influxdata/kapacitor/models"
)

// T0 is the scenarios' time origin; At(n) is n seconds after it.
var T0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func At(seconds int) time.Time { return T0.Add(time.Duration(seconds) * time.Second) }

// The database and retention policy every stream point carries, as points
// from a Kapacitor stream would.
const (
	Database        = "telegraf"
	RetentionPolicy = "autogen"
)

// StreamPoint is a point of a stream edge, grouped by dims (the point's group
// ID is computed by Kapacitor's code from name, tags and dimensions).
func StreamPoint(name string, tags models.Tags, dims []string, fields models.Fields, t time.Time) edge.PointMessage {
	return edge.NewPointMessage(name, Database, RetentionPolicy,
		models.Dimensions{TagNames: dims}, fields, tags, t)
}

// BatchPoint is one point of a batch.
func BatchPoint(tags models.Tags, fields models.Fields, t time.Time) edge.BatchPointMessage {
	return edge.NewBatchPointMessage(fields, tags, t)
}

// Batch is a whole batch, as a batch query hands it to the next node: the
// group is its tags (grouped by all of them), tmax its time.
func Batch(name string, tags models.Tags, tmax time.Time, points ...edge.BatchPointMessage) edge.BufferedBatchMessage {
	return edge.NewBufferedBatchMessage(
		edge.NewBeginBatchMessage(name, tags, false, tmax, len(points)),
		points,
		edge.NewEndBatchMessage(),
	)
}

// Unbuffered is the batch as separate BeginBatch, point and EndBatch
// messages, the other form in which batches travel along Kapacitor's edges
// (and which its UDF server writes through a different path).
func Unbuffered(b edge.BufferedBatchMessage) []edge.Message {
	msgs := []edge.Message{b.Begin()}
	for _, p := range b.Points() {
		msgs = append(msgs, p)
	}
	return append(msgs, b.End())
}

// PointView is what Kapacitor knows of a stream point a UDF sent back.
type PointView struct {
	Name            string
	Database        string
	RetentionPolicy string
	Group           models.GroupID
	Dimensions      []string
	ByName          bool
	Tags            map[string]string
	Fields          map[string]interface{}
	Time            time.Time
}

// BatchPointView is a point inside a batch a UDF sent back.
type BatchPointView struct {
	Tags   map[string]string
	Fields map[string]interface{}
	Time   time.Time
}

// BatchView is what Kapacitor knows of a batch a UDF sent back.
type BatchView struct {
	Name       string
	Group      models.GroupID
	Tags       map[string]string
	Dimensions []string
	ByName     bool
	TMax       time.Time
	SizeHint   int
	Points     []BatchPointView
}

// ViewPoint reads a stream point the way the next node in a task would.
func ViewPoint(p edge.PointMessage) PointView {
	return PointView{
		Name:            p.Name(),
		Database:        p.Database(),
		RetentionPolicy: p.RetentionPolicy(),
		Group:           p.GroupID(),
		Dimensions:      p.Dimensions().TagNames,
		ByName:          p.Dimensions().ByName,
		Tags:            p.Tags(),
		Fields:          p.Fields(),
		Time:            p.Time(),
	}
}

// ViewBatch reads a batch the way the next node in a task would.
func ViewBatch(b edge.BufferedBatchMessage) BatchView {
	begin := b.Begin()
	v := BatchView{
		Name:       begin.Name(),
		Group:      begin.GroupID(),
		Tags:       begin.Tags(),
		Dimensions: begin.Dimensions().TagNames,
		ByName:     begin.Dimensions().ByName,
		TMax:       begin.Time(),
		SizeHint:   begin.SizeHint(),
		Points:     []BatchPointView{},
	}
	for _, p := range b.Points() {
		v.Points = append(v.Points, BatchPointView{Tags: p.Tags(), Fields: p.Fields(), Time: p.Time()})
	}
	return v
}

// Points views every message as a stream point, failing the test on anything else.
func Points(t testing.TB, msgs []edge.Message) []PointView {
	t.Helper()
	views := make([]PointView, 0, len(msgs))
	for i, m := range msgs {
		p, ok := m.(edge.PointMessage)
		if !ok {
			t.Fatalf("output message %d is a %T (%v), expected a stream point", i, m, m.Type())
		}
		views = append(views, ViewPoint(p))
	}
	return views
}

// Batches views every message as a whole batch (Kapacitor's UDF server
// buffers a UDF's BeginBatch..EndBatch into one), failing the test otherwise.
func Batches(t testing.TB, msgs []edge.Message) []BatchView {
	t.Helper()
	views := make([]BatchView, 0, len(msgs))
	for i, m := range msgs {
		b, ok := m.(edge.BufferedBatchMessage)
		if !ok {
			t.Fatalf("output message %d is a %T (%v), expected a batch", i, m, m.Type())
		}
		views = append(views, ViewBatch(b))
	}
	return views
}
