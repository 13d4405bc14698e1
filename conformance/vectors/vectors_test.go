package vectors

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/influxdata/kapacitor/udf/agent"
	"google.golang.org/protobuf/proto"
)

// readCommitted reads one committed vector file, failing the test with what
// to do when it is missing.
func readCommitted(t *testing.T, name string) []byte {
	t.Helper()
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("cannot read the committed vectors: %v; run `npm run vectors` at the repository root and commit test/vectors", err)
	}
	return data
}

// The committed files must be exactly what the generator writes today, so
// that the vectors the TypeScript tests read are the catalogue encoded by
// Kapacitor's message types, and any change to either is visible in review.
func TestCommittedVectorsAreUpToDate(t *testing.T) {
	files, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range FileNames {
		committed := readCommitted(t, name)
		if err := sameBytes(files[name], committed); err != nil {
			t.Errorf("test/vectors/%s is not what the generator writes (%v): run `npm run vectors` at the repository root and commit the result", name, err)
		}
	}
}

// sameBytes describes the first difference between the generated and the
// committed content, or returns nil when they are equal.
func sameBytes(generated, committed []byte) error {
	if bytes.Equal(generated, committed) {
		return nil
	}
	n := min(len(generated), len(committed))
	at := n
	for i := 0; i < n; i++ {
		if generated[i] != committed[i] {
			at = i
			break
		}
	}
	return fmt.Errorf("first difference at byte %d; generated %d bytes, committed %d", at, len(generated), len(committed))
}

// splitFrames cuts concatenated uvarint-prefixed frames into bodies.
func splitFrames(t *testing.T, name string, data []byte) [][]byte {
	t.Helper()
	var bodies [][]byte
	for pos := 0; pos < len(data); {
		size, n := binary.Uvarint(data[pos:])
		if n <= 0 || uint64(len(data)-pos-n) < size {
			t.Fatalf("test/vectors/%s: broken frame at byte %d; run `npm run vectors` at the repository root", name, pos)
		}
		pos += n
		bodies = append(bodies, data[pos:pos+int(size)])
		pos += int(size)
	}
	return bodies
}

// writeRecorder keeps every Write call separately, to see how
// agent.WriteMessage splits a frame.
type writeRecorder struct{ writes [][]byte }

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

// The committed frames differ from what Kapacitor sends only in the order of
// map entries (sorted here, random there). Tie them to Kapacitor's real
// writer: for every message, the frame agent.WriteMessage writes must hold
// the same message (proto.Equal) in a body of the same length, under a
// correct length prefix, and come as two writes (prefix, then body).
func TestCommittedVectorsMatchKapacitorsWriter(t *testing.T) {
	check := func(t *testing.T, name string, catalogue []proto.Message, fresh func() proto.Message) {
		committed := splitFrames(t, name, readCommitted(t, name))
		if len(committed) != len(catalogue) {
			t.Fatalf("test/vectors/%s has %d frames, the catalogue %d messages: run `npm run vectors` at the repository root", name, len(committed), len(catalogue))
		}
		for i, msg := range catalogue {
			var rec writeRecorder
			if err := agent.WriteMessage(msg, &rec); err != nil {
				t.Fatalf("%s message %d: agent.WriteMessage: %v", name, i, err)
			}
			if len(rec.writes) != 2 {
				t.Fatalf("%s message %d: agent.WriteMessage made %d writes, expected 2 (length prefix, body)", name, i, len(rec.writes))
			}
			prefix, body := rec.writes[0], rec.writes[1]
			if size, n := binary.Uvarint(prefix); n != len(prefix) || size != uint64(len(body)) {
				t.Fatalf("%s message %d: Kapacitor's length prefix %x does not encode its body length %d", name, i, prefix, len(body))
			}
			if len(body) != len(committed[i]) {
				t.Errorf("%s frame %d: committed body has %d bytes, Kapacitor's %d: run `npm run vectors` at the repository root", name, i, len(committed[i]), len(body))
				continue
			}
			fromKapacitor, fromFile := fresh(), fresh()
			if err := proto.Unmarshal(body, fromKapacitor); err != nil {
				t.Fatalf("%s message %d: Kapacitor's body does not decode: %v", name, i, err)
			}
			if err := proto.Unmarshal(committed[i], fromFile); err != nil {
				t.Errorf("%s frame %d does not decode (%v): run `npm run vectors` at the repository root", name, i, err)
				continue
			}
			if !proto.Equal(fromKapacitor, fromFile) {
				t.Errorf("%s frame %d is not the message Kapacitor's writer sends:\n committed: %v\n Kapacitor: %v\nrun `npm run vectors` at the repository root", name, i, fromFile, fromKapacitor)
			}
		}
	}
	t.Run("requests", func(t *testing.T) {
		check(t, RequestsBin, asMessages(Requests()), func() proto.Message { return &agent.Request{} })
	})
	t.Run("responses", func(t *testing.T) {
		check(t, ResponsesBin, asMessages(Responses()), func() proto.Message { return &agent.Response{} })
	})
}

func asMessages[M proto.Message](msgs []M) []proto.Message {
	out := make([]proto.Message, len(msgs))
	for i, m := range msgs {
		out[i] = m
	}
	return out
}

// Generating twice gives the same bytes: without deterministic marshalling
// the 300 tags of the large point would come in a different order each time.
// (protojson's whitespace changes between builds, not within one process:
// that part is covered by the comparison with the committed files.)
func TestGenerateIsReproducible(t *testing.T) {
	a, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range FileNames {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs of Generate", name)
		}
	}
}
