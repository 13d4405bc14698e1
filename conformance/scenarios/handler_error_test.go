package scenarios

import (
	"strings"
	"testing"

	"github.com/influxdata/kapacitor/edge"
	"github.com/influxdata/kapacitor/models"
	"github.com/kapacitor-udf/conformance/harness"
)

const failingText = "it is tagged fail=yes"

// failingInput: three points handled fine, then one the fixture's handler
// throws on, then more Kapacitor would like to send.
func failingInput() []edge.Message {
	var msgs []edge.Message
	for i := 0; i < 8; i++ {
		tags := models.Tags{"host": "a"}
		if i == 3 {
			tags["fail"] = "yes"
		}
		msgs = append(msgs, harness.StreamPoint("cpu", tags, []string{"host"}, models.Fields{"value": float64(i)}, harness.At(i)))
	}
	return msgs
}

// runFailing sends the points and returns what Kapacitor's side got: the
// output, and the error Close reports (the task's error).
func runFailing(t *testing.T, l harness.Launcher) ([]harness.PointView, error, *harness.Session) {
	t.Helper()
	s := harness.Open(t, l, "failing_task", "failing2")
	if err := s.Init(); err != nil {
		t.Fatalf("Init: %v", err)
	}
	input := failingInput()
	if err := s.Send(input[:3]...); err != nil {
		t.Fatalf("sending the points before the failing one: %v", err)
	}
	s.WaitOutput(3)
	// From the failing point on, Kapacitor may abort at any moment: the rest
	// of the sends are cut short with ErrAborted, which is the point.
	if err := s.Send(input[3:]...); err != nil && err != harness.ErrAborted {
		t.Fatalf("sending the failing point: %v", err)
	}
	// Close waits for the UDF to end: for a process, until it exited.
	out, err := s.Close()
	return harness.Points(t, out), err, s
}

func checkFailure(t *testing.T, got []harness.PointView, err error, s *harness.Session) {
	t.Helper()
	want := make([]harness.PointView, 0, 3)
	for _, m := range failingInput()[:3] {
		want = append(want, harness.ViewPoint(m.(edge.PointMessage)))
	}
	checkPoints(t, got, want)
	t.Logf("Kapacitor's side ended with: %v", err)
	if err == nil || !strings.Contains(err.Error(), failingText) {
		t.Errorf("Kapacitor's side ended with %v, expected the handler's error (%q)", err, failingText)
	}
	reported := false
	for _, e := range s.Diag.Errors() {
		if strings.HasPrefix(e, "received error message") && strings.Contains(e, failingText) {
			reported = true
		}
	}
	if !reported {
		t.Errorf("Kapacitor did not log the UDF's ErrorResponse (%q); it logged: %q", failingText, s.Diag.Errors())
	}
}

func TestHandlerErrorOverProcess(t *testing.T) {
	l := harness.FixtureProcess(t, "failing-udf.js", "failing")
	got, err, s := runFailing(t, l)
	// Close returned, so UDFProcess saw the process exit (it waits for
	// cmd.Wait): the process did not linger after its error.
	checkFailure(t, got, err, s)
}

// Over a socket the failing conversation ends, and the server keeps serving:
// the next task node's connection works.
func TestHandlerErrorOverSocket(t *testing.T) {
	l := harness.FixtureSocket(t, "failing-udf.js", "failing")
	got, err, s := runFailing(t, l)
	checkFailure(t, got, err, s)

	next := harness.Open(t, l, "failing_task", "failing2")
	if err := next.Init(); err != nil {
		t.Fatalf("Init on a new connection after the failure: %v", err)
	}
	input := failingInput()[:3]
	if err := next.Send(input...); err != nil {
		t.Fatalf("sending on a new connection: %v", err)
	}
	out, err := next.Close()
	if err != nil {
		t.Fatalf("Close of the new connection: %v", err)
	}
	var want []harness.PointView
	for _, m := range input {
		want = append(want, harness.ViewPoint(m.(edge.PointMessage)))
	}
	checkPoints(t, harness.Points(t, out), want)
}
