package main

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
	"time"

	"github.com/influxdata/kapacitor/udf/agent"
	"google.golang.org/protobuf/proto"
)

// readAll splits buf into frames through a reader that returns one byte at a
// time, so every frame boundary falls across reads.
func readAll(t *testing.T, buf []byte) [][]byte {
	t.Helper()
	r := newFrameReader(iotest.OneByteReader(bytes.NewReader(buf)))
	var out [][]byte
	for {
		body, err := r.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]byte(nil), body...))
	}
}

func TestStreamFramesCarryTheirOwnTimes(t *testing.T) {
	s := shape{tags: 3, fields: 2, groups: 100}
	n := poolSize + 50 // past the pool, so points are reused with patched times
	frames := readAll(t, s.streamFrames(n))
	if len(frames) != n {
		t.Fatalf("got %d frames, want %d", len(frames), n)
	}
	for i, body := range frames {
		req := &agent.Request{}
		if err := proto.Unmarshal(body, req); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		p := req.GetPoint()
		want := baseTime + int64(i)*int64(time.Second)
		if p == nil || p.Time != want || p.Name != "cpu" || len(p.Tags) != 3 || len(p.FieldsDouble) != 2 {
			t.Fatalf("frame %d: got %v, want a cpu point at %d", i, p, want)
		}
	}
}

func TestBatchFramesAreBalanced(t *testing.T) {
	s := shape{tags: 3, fields: 2, groups: 100}
	buf, batches := s.batchFrames(2500, 1000)
	if batches != 3 {
		t.Fatalf("got %d batches, want 3", batches)
	}
	open := false
	var size, seen int
	var last int64
	for i, body := range readAll(t, buf) {
		req := &agent.Request{}
		if err := proto.Unmarshal(body, req); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		switch m := req.Message.(type) {
		case *agent.Request_Begin:
			if open {
				t.Fatalf("frame %d: BeginBatch inside a batch", i)
			}
			open, size, seen = true, int(m.Begin.Size), 0
		case *agent.Request_Point:
			if !open {
				t.Fatalf("frame %d: point outside a batch", i)
			}
			seen++
			last = m.Point.Time
		case *agent.Request_End:
			if !open || seen != size || m.End.Tmax != last {
				t.Fatalf("frame %d: EndBatch after %d of %d points, tmax %d want %d", i, seen, size, m.End.Tmax, last)
			}
			open = false
		}
	}
	if open {
		t.Fatal("last batch not ended")
	}
}

func TestFrameReaderRejectsTruncatedFrame(t *testing.T) {
	buf := s3frames()
	r := newFrameReader(bytes.NewReader(buf[:len(buf)-1]))
	var err error
	for err == nil {
		_, err = r.next()
	}
	if err == io.EOF {
		t.Fatal("a truncated last frame was taken for a clean end")
	}
}

func s3frames() []byte { return shape{tags: 3, fields: 2, groups: 1}.streamFrames(3) }

// Kapacitor's frames (udf/agent.WriteMessage, plain proto.Marshal) carry the
// entries of tags and fields in a varying order; the pool must show that.
func TestPoolFramesHaveKapacitorsVaryingMapOrder(t *testing.T) {
	s := shape{tags: 3, fields: 2, groups: 1}
	p := s.pool(200)
	orders := map[string]bool{}
	for _, f := range p.frames {
		orders[string(tagOrder(t, f))] = true
	}
	if len(orders) < 2 {
		t.Fatalf("200 frames of one series all have the same tag entry order %v: not Kapacitor's frames", orders)
	}

	deterministic = true
	defer func() { deterministic = false }()
	sorted := map[string]bool{}
	for _, f := range s.pool(200).frames {
		sorted[string(tagOrder(t, f))] = true
	}
	if len(sorted) != 1 || !sorted["cpu,host,region"] {
		t.Fatalf("-deterministic frames have tag orders %v, want only cpu,host,region", sorted)
	}
}

// tagOrder returns the keys of a point frame's tags in wire order, joined by commas.
func tagOrder(t *testing.T, f []byte) []byte {
	t.Helper()
	_, n := uvarint(f)
	body := f[n:]
	// Request: tag 17 (point), length, then the Point's fields.
	if body[0] != 0x8a || body[1] != 0x01 {
		t.Fatal("not a point frame")
	}
	_, k := uvarint(body[2:])
	pt := body[2+k:]
	var keys []byte
	for off := 0; off < len(pt); {
		tag, k := uvarint(pt[off:])
		off += k
		if tag&7 == 0 {
			_, k = uvarint(pt[off:])
			off += k
			continue
		}
		size, k := uvarint(pt[off:])
		off += k
		if tag>>3 == 7 { // tags map entry: key (field 1) first
			entry := pt[off : off+int(size)]
			klen, kk := uvarint(entry[1:])
			if len(keys) > 0 {
				keys = append(keys, ',')
			}
			keys = append(keys, entry[1+kk:1+kk+int(klen)]...)
		}
		off += int(size)
	}
	return keys
}

// recorder keeps every Write call separately.
type recorder struct{ writes [][]byte }

func (r *recorder) Write(b []byte) (int, error) {
	r.writes = append(r.writes, append([]byte(nil), b...))
	return len(b), nil
}

func TestKapacitorDeliveryWritesPrefixThenBody(t *testing.T) {
	buf := s3frames()
	var r recorder
	if err := deliver(config{delivery: deliveryKapacitor}, &r, buf, 0); err != nil {
		t.Fatal(err)
	}
	if len(r.writes) != 6 {
		t.Fatalf("3 frames in %d writes, want 6 (prefix, body for each)", len(r.writes))
	}
	var joined []byte
	for i := 0; i < 6; i += 2 {
		size, n := uvarint(r.writes[i])
		if n != len(r.writes[i]) || int(size) != len(r.writes[i+1]) {
			t.Fatalf("write %d is not a lone length prefix of the next write (%d bytes, then %d)", i, len(r.writes[i]), len(r.writes[i+1]))
		}
		joined = append(append(joined, r.writes[i]...), r.writes[i+1]...)
	}
	if !bytes.Equal(joined, buf) {
		t.Fatal("the writes do not add up to the frames")
	}
}

func TestKapacitorDeliveryKeepsTheOfferedRate(t *testing.T) {
	buf := shape{tags: 3, fields: 2, groups: 1}.streamFrames(200)
	var r recorder
	began := time.Now()
	if err := deliver(config{delivery: deliveryKapacitor}, &r, buf, 2000); err != nil {
		t.Fatal(err)
	}
	// 200 points at 2,000 a second: the last is due 99.5 ms after the first.
	if took := time.Since(began); took < 99*time.Millisecond {
		t.Fatalf("200 points at 2,000/s took %s, want at least 99 ms", took)
	}
}
