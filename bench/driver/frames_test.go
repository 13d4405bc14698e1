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
