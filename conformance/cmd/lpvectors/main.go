// Command lpvectors parses the line-protocol cases of
// test/vectors/line-protocol/cases.json with InfluxDB's own parser
// (github.com/influxdata/influxdb/models, the version Kapacitor 1.7.6
// builds with) and writes what it read, or that it failed, to
// test/vectors/line-protocol/influxdb.jsonl, one JSON object per case.
// packages/replay/test/influxdb-vectors.test.ts checks our parser against it.
// Run: cd conformance && go run ./cmd/lpvectors
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/influxdata/influxdb/models"
)

type field struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type result struct {
	Line   string            `json:"line"`
	Error  string            `json:"error,omitempty"`
	Name   string            `json:"name,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
	Fields map[string]field  `json:"fields,omitempty"`
	Time   string            `json:"time,omitempty"`
}

func main() {
	dir := filepath.Join("..", "test", "vectors", "line-protocol")
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var cases []string
	if err := json.Unmarshal(raw, &cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := os.Create(filepath.Join(dir, "influxdb.jsonl"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	for _, line := range cases {
		r := result{Line: line}
		points, err := models.ParsePointsWithPrecision([]byte(line), time.Unix(0, 42), "n")
		switch {
		case err != nil:
			r.Error = err.Error()
		case len(points) != 1:
			r.Error = fmt.Sprintf("%d points", len(points))
		default:
			p := points[0]
			r.Name = string(p.Name())
			r.Tags = p.Tags().Map()
			r.Time = strconv.FormatInt(p.UnixNano(), 10)
			r.Fields = map[string]field{}
			iter := p.FieldIterator()
			keys := []string{}
			for iter.Next() {
				k := string(iter.FieldKey())
				keys = append(keys, k)
				switch iter.Type() {
				case models.Float:
					v, _ := iter.FloatValue()
					r.Fields[k] = field{"float", strconv.FormatFloat(v, 'g', -1, 64)}
				case models.Integer:
					v, _ := iter.IntegerValue()
					r.Fields[k] = field{"integer", strconv.FormatInt(v, 10)}
				case models.Unsigned:
					v, _ := iter.UnsignedValue()
					r.Fields[k] = field{"unsigned", strconv.FormatUint(v, 10)}
				case models.String:
					r.Fields[k] = field{"string", iter.StringValue()}
				case models.Boolean:
					v, _ := iter.BooleanValue()
					r.Fields[k] = field{"boolean", strconv.FormatBool(v)}
				}
			}
			sort.Strings(keys)
			for i := 1; i < len(keys); i++ {
				if keys[i] == keys[i-1] {
					r.Fields = nil
					r.Error = "duplicate field key (InfluxDB keeps the last)"
				}
			}
		}
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Printf("wrote %d cases\n", len(cases))
}
