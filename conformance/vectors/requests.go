package vectors

import (
	"math"
	"strings"

	"github.com/influxdata/kapacitor/udf/agent"
)

// Requests is the catalogue of Kapacitor → UDF messages the vectors hold, in
// file order. Each one is there to pin down an encoding detail a decoder gets
// wrong easily; the comments say which. The messages are built with
// Kapacitor's own generated Go types, so field numbers, wire types and enum
// values are Kapacitor's, not ours.
func Requests() []*agent.Request {
	return []*agent.Request{
		// The first request of every conversation; an empty sub-message still
		// makes a (zero-length) oneof field.
		{Message: &agent.Request_Info{Info: &agent.InfoRequest{}}},
		{Message: &agent.Request_Init{Init: everyOptionShape()}},
		// An Init without options, task or node: all defaults.
		{Message: &agent.Request_Init{Init: &agent.InitRequest{}}},
		// A keepalive time beyond 2^53 (a JavaScript number would round it).
		{Message: &agent.Request_Keepalive{Keepalive: &agent.KeepaliveRequest{Time: 1732567890123456789}}},
		{Message: &agent.Request_Snapshot{Snapshot: &agent.SnapshotRequest{}}},
		// Snapshot bytes that are not UTF-8 (0xfe 0xff) and look like JSON braces.
		{Message: &agent.Request_Restore{Restore: &agent.RestoreRequest{Snapshot: []byte{0x00, 0x01, 0x02, 0xfe, 0xff, '{', '}'}}}},
		{Message: &agent.Request_Restore{Restore: &agent.RestoreRequest{}}},
		{Message: &agent.Request_Point{Point: extremesPoint()}},
		// A point with every field at its default: an empty body.
		{Message: &agent.Request_Point{Point: &agent.Point{}}},
		// A time before the epoch: a negative int64 is a 10-byte varint.
		{Message: &agent.Request_Point{Point: &agent.Point{
			Time:         -1,
			Name:         "before_epoch",
			FieldsDouble: map[string]float64{"value": 1},
		}}},
		// A batch of three points, as Kapacitor's server writes a batch edge.
		{Message: &agent.Request_Begin{Begin: &agent.BeginBatch{
			Name:  "cpu",
			Group: "host=server01",
			Tags:  map[string]string{"host": "server01"},
			Size:  3,
		}}},
		batchPoint(0, 0),
		batchPoint(1, 1.5),
		batchPoint(2, 3),
		{Message: &agent.Request_End{End: &agent.EndBatch{
			Name:  "cpu",
			Group: "host=server01",
			Tmax:  1700000002000000000,
			Tags:  map[string]string{"host": "server01"},
		}}},
		// An empty batch grouped by name only.
		{Message: &agent.Request_Begin{Begin: &agent.BeginBatch{Name: "mem", ByName: true}}},
		{Message: &agent.Request_End{End: &agent.EndBatch{Name: "mem", ByName: true}}},
		// Over 100 kB: a 3-byte length prefix, many map entries, one long value.
		{Message: &agent.Request_Point{Point: largePoint()}},
	}
}

// everyOptionShape is the InitRequest TICKscript would send for
// `@mirror2().field('mycustom_field', 42.0).size(10).offset(-5).period(90s)
// .enabled(TRUE).disabled(FALSE).zero(0).tags('host','region','cpu').flag()`
// in task cpu_alert: several values per option, a negative int, a duration,
// both bools (a BOOL value has type 0, the proto3 default, so its `type` is
// absent on the wire, and `false` is still written because it sits in a
// oneof), a zero int and a flag (an option with no values).
func everyOptionShape() *agent.InitRequest {
	str := func(s string) *agent.OptionValue {
		return &agent.OptionValue{Type: agent.ValueType_STRING, Value: &agent.OptionValue_StringValue{StringValue: s}}
	}
	integer := func(i int64) *agent.OptionValue {
		return &agent.OptionValue{Type: agent.ValueType_INT, Value: &agent.OptionValue_IntValue{IntValue: i}}
	}
	boolean := func(b bool) *agent.OptionValue {
		return &agent.OptionValue{Type: agent.ValueType_BOOL, Value: &agent.OptionValue_BoolValue{BoolValue: b}}
	}
	return &agent.InitRequest{
		Options: []*agent.Option{
			{Name: "field", Values: []*agent.OptionValue{
				str("mycustom_field"),
				{Type: agent.ValueType_DOUBLE, Value: &agent.OptionValue_DoubleValue{DoubleValue: 42}},
			}},
			{Name: "size", Values: []*agent.OptionValue{integer(10)}},
			{Name: "offset", Values: []*agent.OptionValue{integer(-5)}},
			{Name: "period", Values: []*agent.OptionValue{
				{Type: agent.ValueType_DURATION, Value: &agent.OptionValue_DurationValue{DurationValue: 90_000_000_000}},
			}},
			{Name: "enabled", Values: []*agent.OptionValue{boolean(true)}},
			{Name: "disabled", Values: []*agent.OptionValue{boolean(false)}},
			{Name: "zero", Values: []*agent.OptionValue{integer(0)}},
			{Name: "tags", Values: []*agent.OptionValue{str("host"), str("region"), str("cpu")}},
			{Name: "flag"},
		},
		TaskID: "cpu_alert",
		NodeID: "mirror2",
	}
}

// extremesPoint has every Point field set, with the values codecs get wrong:
// int64 extremes and 2^53+1, infinities, the largest double, a subnormal-range
// negative, non-ASCII strings (2-, 3- and 4-byte UTF-8), JSON-special
// characters, and default values inside map entries (an empty tag value, a
// 0.0, a 0, a false), which Kapacitor's encoder still writes in full.
func extremesPoint() *agent.Point {
	return &agent.Point{
		Time:            1700000000123456789,
		Name:            "cpu",
		Database:        "telegraf",
		RetentionPolicy: "autogen",
		Group:           "cpu=cpu-total,host=server01",
		Dimensions:      []string{"cpu", "host"},
		Tags:            map[string]string{"cpu": "cpu-total", "host": "server01", "region": "us-west", "empty": ""},
		FieldsDouble: map[string]float64{
			"usage_idle": 90.25,
			"zero":       0,
			"neg":        -1.5e-300,
			"big":        math.MaxFloat64,
			"inf":        math.Inf(1),
			"ninf":       math.Inf(-1),
		},
		FieldsInt: map[string]int64{
			"one":         1,
			"zero":        0,
			"neg":         -42,
			"max":         math.MaxInt64,
			"min":         math.MinInt64,
			"beyond_2_53": 1<<53 + 1,
		},
		FieldsString: map[string]string{"msg": "héllo ☃ 𝄞", "empty": "", "quote": "a\"b\\c\n"},
		FieldsBool:   map[string]bool{"up": true, "down": false},
		ByName:       true,
	}
}

// batchPoint is point seq of the batch cpu / host=server01, one second apart.
func batchPoint(seq int64, value float64) *agent.Request {
	return &agent.Request{Message: &agent.Request_Point{Point: &agent.Point{
		Time:         1700000000000000000 + seq*1_000_000_000,
		Name:         "cpu",
		Group:        "host=server01",
		Dimensions:   []string{"host"},
		Tags:         map[string]string{"host": "server01"},
		FieldsDouble: map[string]float64{"value": value},
		FieldsInt:    map[string]int64{"seq": seq},
	}}}
}

// largePoint has 300 tags whose values grow from 0 to 299 bytes, and one
// 70,000-byte string field. The tag keys are built so that their sorted order
// differs from their creation order (a decoder that relies on insertion order
// or on sorted input is caught).
func largePoint() *agent.Point {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	tags := make(map[string]string, 300)
	for i := 0; i < 300; i++ {
		key := "tag" + strings.Repeat("x", i%7) + string(letters[i%26]) + string(letters[i/26])
		tags[key] = strings.Repeat("v", i)
	}
	blob := make([]byte, 70_000)
	for i := range blob {
		blob[i] = byte('0' + i%10)
	}
	return &agent.Point{
		Time:         1,
		Name:         "large",
		Tags:         tags,
		FieldsString: map[string]string{"blob": string(blob)},
	}
}
