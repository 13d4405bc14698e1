package vectors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// The vector files, in the order Generate lists them.
const (
	RequestsBin    = "requests.bin"
	RequestsJSONL  = "requests.jsonl"
	ResponsesBin   = "responses.bin"
	ResponsesJSONL = "responses.jsonl"
)

// FileNames are the names of the generated files inside the vectors folder.
var FileNames = []string{RequestsBin, RequestsJSONL, ResponsesBin, ResponsesJSONL}

// Generate builds the content of every vector file from the catalogues
// (Requests, Responses), keyed by file name. It is a pure function of the
// catalogues and of the protobuf runtime's deterministic encoding, so two runs
// give the same bytes.
func Generate() (map[string][]byte, error) {
	files := make(map[string][]byte, len(FileNames))
	var err error
	if files[RequestsBin], files[RequestsJSONL], err = encodeAll(Requests()); err != nil {
		return nil, fmt.Errorf("requests: %w", err)
	}
	if files[ResponsesBin], files[ResponsesJSONL], err = encodeAll(Responses()); err != nil {
		return nil, fmt.Errorf("responses: %w", err)
	}
	return files, nil
}

// encodeAll writes msgs as concatenated frames and as JSON lines.
func encodeAll[M proto.Message](msgs []M) (frames, jsonLines []byte, err error) {
	for i, m := range msgs {
		frame, err := Frame(m)
		if err != nil {
			return nil, nil, fmt.Errorf("message %d: %w", i, err)
		}
		frames = append(frames, frame...)
		line, err := JSONLine(m)
		if err != nil {
			return nil, nil, fmt.Errorf("message %d: %w", i, err)
		}
		jsonLines = append(jsonLines, line...)
	}
	return frames, jsonLines, nil
}

// Frame is m as it travels on the wire: the uvarint length of the body, then
// the body. The body is what Kapacitor's encoder (plain proto.Marshal in
// udf/agent's WriteMessage) writes, except that map entries are sorted by key:
// Kapacitor's order is random, which would make the files change on every
// run. Everything else (fields in number order, both key and value inside
// every map entry) is the same.
func Frame(m proto.Message) ([]byte, error) {
	body, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return nil, err
	}
	frame := binary.AppendUvarint(nil, uint64(len(body)))
	return append(frame, body...), nil
}

// JSONLine is m in canonical protobuf JSON (int64 as decimal strings, bytes as
// base64, enums by name, default values left out, map keys sorted, fields in
// declaration order) on one line, newline-terminated.
//
// protojson deliberately varies its whitespace from one build to another (so
// that nobody depends on it); compacting removes every insignificant space and
// leaves the content untouched, which makes the output reproducible.
func JSONLine(m proto.Message) ([]byte, error) {
	raw, err := protojson.MarshalOptions{}.Marshal(m)
	if err != nil {
		return nil, err
	}
	var line bytes.Buffer
	if err := json.Compact(&line, raw); err != nil {
		return nil, fmt.Errorf("protojson wrote invalid JSON: %w", err)
	}
	line.WriteByte('\n')
	return line.Bytes(), nil
}
