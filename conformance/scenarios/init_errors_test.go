package scenarios

import (
	"regexp"
	"strings"
	"testing"

	"github.com/influxdata/kapacitor/udf/agent"
	"github.com/kapacitor-udf/conformance/harness"
)

// A task whose UDF refuses Init fails to start with the UDF's error text in
// Kapacitor's message ("failed to initialize processes ..."). That text must
// name the option at fault, or the user cannot fix the TICKscript. Options
// are checked against Info by TICKscript before Init, but a UDF must not rely
// on it: Init is where the UDF itself decides.
func TestInitErrorsNameTheOption(t *testing.T) {
	l := harness.OurProcess(t, "moving-avg", "movingAvg")
	cases := []struct {
		name    string
		options []*agent.Option
		option  string
	}{
		{"missing field", []*agent.Option{harness.Opt("size", int64(10)), harness.Opt("as", "mean")}, "field"},
		{"missing size", []*agent.Option{harness.Opt("field", "value")}, "size"},
		{"size as a string", []*agent.Option{harness.Opt("field", "value"), harness.Opt("size", "10")}, "size"},
		{"size as a double", []*agent.Option{harness.Opt("field", "value"), harness.Opt("size", 10.0)}, "size"},
		{"field as an int", []*agent.Option{harness.Opt("field", int64(1)), harness.Opt("size", int64(10))}, "field"},
		{"as given two values", []*agent.Option{harness.Opt("field", "value"), harness.Opt("size", int64(10)), harness.Opt("as", "a", "b")}, "as"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := harness.Open(t, l, "movingavg_task", "movingAvg2")
			err := s.Init(c.options...)
			if err == nil {
				t.Fatalf("Init succeeded, expected Kapacitor to report an Init error naming %q", c.option)
			}
			msg := err.Error()
			t.Logf("Kapacitor reports: %s", msg)
			if !strings.HasPrefix(msg, "failed to initialize processes ") {
				t.Errorf("Init error %q is not an InitResponse refusal (Kapacitor prefixes those with \"failed to initialize processes\")", msg)
			}
			// As a word: "as" inside "was" names nothing.
			if !regexp.MustCompile(`(^|\W)` + regexp.QuoteMeta(c.option) + `(\W|$)`).MatchString(msg) {
				t.Errorf("Init error %q does not name the option %q", msg, c.option)
			}
			if strings.TrimSpace(strings.TrimPrefix(msg, "failed to initialize processes")) == "" {
				t.Errorf("Init error is empty")
			}
			// kapacitord then stops the node: Abort closes the UDF's stdin;
			// Close returns once the process exited.
			s.UDF.Abort(err)
			if _, err := s.Close(); err == nil {
				t.Errorf("Close after the aborted Init returned no error, expected the abort reason")
			}
		})
	}
}
