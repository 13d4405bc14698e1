package scenarios

import (
	"sort"
	"testing"

	"github.com/influxdata/kapacitor/udf"
	"github.com/influxdata/kapacitor/udf/agent"
)

// checkInfo compares Info with the edge types and option signatures a
// TICKscript using the UDF relies on (Kapacitor checks option calls against
// exactly these value types).
func checkInfo(t *testing.T, info udf.Info, wants, provides agent.EdgeType, options map[string][]agent.ValueType) {
	t.Helper()
	if info.Wants != wants || info.Provides != provides {
		t.Errorf("Info: wants %v provides %v, expected wants %v provides %v", info.Wants, info.Provides, wants, provides)
	}
	var names []string
	for name := range info.Options {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(info.Options) != len(options) {
		t.Errorf("Info: options %v, expected %d options", names, len(options))
	}
	for name, types := range options {
		got, ok := info.Options[name]
		if !ok {
			t.Errorf("Info: option %q missing (has %v)", name, names)
			continue
		}
		if len(got.ValueTypes) != len(types) {
			t.Errorf("Info: option %q has value types %v, expected %v", name, got.ValueTypes, types)
			continue
		}
		for i := range types {
			if got.ValueTypes[i] != types[i] {
				t.Errorf("Info: option %q has value types %v, expected %v", name, got.ValueTypes, types)
				break
			}
		}
	}
}
