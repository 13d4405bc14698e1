package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/influxdata/kapacitor/udf/agent"
	"google.golang.org/protobuf/proto"
)

// deterministic makes frame() sort map entries by key (-deterministic):
// an extra row only. Kapacitor never does it: its udf/agent.WriteMessage
// calls plain proto.Marshal, which walks the Go maps of tags and fields, so
// their entries come in a random order from one frame to the next, even
// within one series.
var deterministic = false

// frame returns uvarint(len(body)) + body, encoded by Kapacitor's own
// udf/agent.WriteMessage (the module version in go.mod) unless deterministic.
func frame(msg proto.Message) []byte {
	if !deterministic {
		var buf bytes.Buffer
		if err := agent.WriteMessage(msg, &buf); err != nil {
			panic(err)
		}
		return buf.Bytes()
	}
	body, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		panic(err)
	}
	out := make([]byte, 0, len(body)+binary.MaxVarintLen32)
	out = binary.AppendUvarint(out, uint64(len(body)))
	return append(out, body...)
}

func infoRequest() []byte {
	return frame(&agent.Request{Message: &agent.Request_Info{Info: &agent.InfoRequest{}}})
}

func initRequest(opts []string) ([]byte, error) {
	init := &agent.InitRequest{TaskID: "bench", NodeID: "udf1"}
	for _, spec := range opts {
		opt, err := parseOption(spec)
		if err != nil {
			return nil, err
		}
		init.Options = append(init.Options, opt)
	}
	return frame(&agent.Request{Message: &agent.Request_Init{Init: init}}), nil
}

// parseOption reads name:type:value (value may itself contain colons).
func parseOption(spec string) (*agent.Option, error) {
	parts := strings.SplitN(spec, ":", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("option %q: want name:type:value", spec)
	}
	name, typ, val := parts[0], parts[1], parts[2]
	v := &agent.OptionValue{}
	switch typ {
	case "string":
		v.Type = agent.ValueType_STRING
		v.Value = &agent.OptionValue_StringValue{StringValue: val}
	case "int":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("option %q: %v", spec, err)
		}
		v.Type = agent.ValueType_INT
		v.Value = &agent.OptionValue_IntValue{IntValue: n}
	case "double":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return nil, fmt.Errorf("option %q: %v", spec, err)
		}
		v.Type = agent.ValueType_DOUBLE
		v.Value = &agent.OptionValue_DoubleValue{DoubleValue: f}
	case "bool":
		v.Type = agent.ValueType_BOOL
		v.Value = &agent.OptionValue_BoolValue{BoolValue: val == "true"}
	case "duration":
		d, err := time.ParseDuration(val)
		if err != nil {
			return nil, fmt.Errorf("option %q: %v", spec, err)
		}
		v.Type = agent.ValueType_DURATION
		v.Value = &agent.OptionValue_DurationValue{DurationValue: int64(d)}
	default:
		return nil, fmt.Errorf("option %q: unknown type %q", spec, typ)
	}
	return &agent.Option{Name: name, Values: []*agent.OptionValue{v}}, nil
}

// shape describes the generated points: telegraf's cpu measurement by default
// (tags cpu, host, region; fields usage_user, usage_idle).
type shape struct {
	tags, fields, groups int
}

var tagNames = []string{"cpu", "host", "region", "dc", "rack", "os", "env", "team"}
var fieldNames = []string{"usage_user", "usage_idle", "usage_system", "usage_iowait", "usage_irq", "usage_steal"}

func (s shape) tagName(i int) string {
	if i < len(tagNames) {
		return tagNames[i]
	}
	return "tag" + strconv.Itoa(i)
}

func (s shape) fieldName(i int) string {
	if i < len(fieldNames) {
		return fieldNames[i]
	}
	return "field" + strconv.Itoa(i)
}

// series returns the tags of series g.
func (s shape) series(g int) map[string]string {
	tags := make(map[string]string, s.tags)
	for i := 0; i < s.tags; i++ {
		switch i {
		case 0:
			tags["cpu"] = "cpu-total"
		case 1:
			tags["host"] = fmt.Sprintf("server%02d", g)
		case 2:
			tags["region"] = "us-west"
		default:
			tags[s.tagName(i)] = "value" + strconv.Itoa(i)
		}
	}
	return tags
}

// groupKey is the group string as Kapacitor forms it (name + sorted dims).
func groupKey(tags map[string]string) string {
	if h, ok := tags["host"]; ok {
		return "cpu\nhost=" + h
	}
	return "cpu\n"
}

// value is a deterministic, noisy field value; every 97th point is far off so
// that the outliers UDF has something to report.
func value(i, f int) float64 {
	x := 50 + 10*math.Sin(float64(i)*0.37+float64(f)) + float64((i*7919+f*31)%100)/25
	if i%97 == 0 {
		x += 400
	}
	return x
}

const baseTime = int64(1_700_000_000_000_000_000)

func (s shape) point(i, g int) *agent.Point {
	tags := s.series(g)
	fields := make(map[string]float64, s.fields)
	for f := 0; f < s.fields; f++ {
		fields[s.fieldName(f)] = value(i, f)
	}
	dims := []string{}
	if s.tags > 1 {
		dims = []string{"host"}
	}
	return &agent.Point{
		Time:            baseTime + int64(i)*int64(time.Second),
		Name:            "cpu",
		Database:        "telegraf",
		RetentionPolicy: "autogen",
		Group:           groupKey(tags),
		Dimensions:      dims,
		Tags:            tags,
		FieldsDouble:    fields,
	}
}

// poolSize is how many distinct points are encoded; longer streams repeat
// them with fresh timestamps. Encoding every point would take the driver
// seconds per million points, for no difference to the UDFs under test.
const poolSize = 10000

// pointFrame encodes point i of series g and returns the frame and the offset
// of its 9-byte time varint (time is the Point's first field; every time in
// this benchmark's range encodes to exactly 9 bytes, so it can be patched).
func (s shape) pointFrame(i, g int) ([]byte, int) {
	p := s.point(i, g)
	f := frame(&agent.Request{Message: &agent.Request_Point{Point: p}})
	_, n1 := uvarint(f)
	_, n2 := uvarint(f[n1+2:])
	off := n1 + 2 + n2 + 1
	if f[n1] != 0x8a || f[n1+1] != 0x01 || f[off-1] != 0x08 {
		panic("unexpected point frame layout")
	}
	if t, n := uvarint(f[off:]); n != 9 || int64(t) != p.Time {
		panic("time does not encode to 9 bytes")
	}
	return f, off
}

// putTime overwrites a 9-byte varint with t.
func putTime(b []byte, t int64) {
	u := uint64(t)
	for k := 0; k < 8; k++ {
		b[k] = byte(u) | 0x80
		u >>= 7
	}
	b[8] = byte(u)
}

type pool struct {
	frames [][]byte
	offs   []int
}

func (s shape) pool(n int) pool {
	size := poolSize
	if n < size {
		size = n
	}
	var p pool
	for i := 0; i < size; i++ {
		f, off := s.pointFrame(i, i%s.groups)
		p.frames = append(p.frames, f)
		p.offs = append(p.offs, off)
	}
	return p
}

// appendPoint appends point i (from the pool, with its own time).
func (p pool) appendPoint(buf []byte, i int) []byte {
	k := i % len(p.frames)
	at := len(buf)
	buf = append(buf, p.frames[k]...)
	putTime(buf[at+p.offs[k]:], baseTime+int64(i)*int64(time.Second))
	return buf
}

// streamFrames encodes n Point requests into one buffer, series round-robin.
func (s shape) streamFrames(n int) []byte {
	p := s.pool(n)
	buf := make([]byte, 0, n*(len(p.frames[0])+8))
	for i := 0; i < n; i++ {
		buf = p.appendPoint(buf, i)
	}
	return buf
}

// batchFrames encodes n points as batches of size points (BeginBatch, points,
// EndBatch), each batch one series. Returns the buffer and the batch count.
// The pool holds one batch's points for each of a few series; batches cycle
// through those series with fresh timestamps.
func (s shape) batchFrames(n, size int) ([]byte, int) {
	series := poolSize / size
	if series < 1 {
		series = 1
	}
	if series > s.groups {
		series = s.groups
	}
	var p pool
	for g := 0; g < series; g++ {
		for j := 0; j < size; j++ {
			f, off := s.pointFrame(g*size+j, g)
			p.frames = append(p.frames, f)
			p.offs = append(p.offs, off)
		}
	}
	buf := make([]byte, 0, n*(len(p.frames[0])+8))
	batches := 0
	for i := 0; i < n; {
		g := batches % series
		tags := s.series(g)
		count := size
		if n-i < count {
			count = n - i
		}
		buf = append(buf, frame(&agent.Request{Message: &agent.Request_Begin{Begin: &agent.BeginBatch{
			Name: "cpu", Group: groupKey(tags), Tags: tags, Size: int64(count),
		}}})...)
		var tmax int64
		for j := 0; j < count; j, i = j+1, i+1 {
			tmax = baseTime + int64(i)*int64(time.Second)
			k := g*size + j
			at := len(buf)
			buf = append(buf, p.frames[k]...)
			putTime(buf[at+p.offs[k]:], tmax)
		}
		buf = append(buf, frame(&agent.Request{Message: &agent.Request_End{End: &agent.EndBatch{
			Name: "cpu", Group: groupKey(tags), Tmax: tmax, Tags: tags,
		}}})...)
		batches++
	}
	return buf, batches
}
