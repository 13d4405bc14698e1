package harness

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/kapacitor/edge"
	"github.com/influxdata/kapacitor/udf"
	"github.com/influxdata/kapacitor/udf/agent"
)

// StepTimeout bounds every blocking call into Kapacitor's UDF code, so a UDF
// that wedges fails its scenario with a message instead of hanging the run.
const StepTimeout = 30 * time.Second

// ErrAborted is what Send returns once Kapacitor's side aborted the UDF.
var ErrAborted = errors.New("the UDF was aborted by Kapacitor's side; no more data is accepted")

// Session is one task node's conversation with a UDF, driven the way
// kapacitord's UDFNode.runUDF drives it: Open, Init, optional Restore, data
// written to In() while a goroutine drains Out(), Snapshot whenever asked,
// and Close once the writer stopped (the UDF sees EOF / a half-close).
type Session struct {
	t    testing.TB
	Diag *Diagnostic
	UDF  udf.Interface

	// Like UDFNode: when Kapacitor's server aborts (an ErrorResponse, a
	// keepalive timeout, a dead process), the abort callback stops the
	// writer before the server closes In(). sendMu is held while writing.
	aborted   chan struct{}
	abortOnce sync.Once
	sendMu    sync.Mutex

	outMu   sync.Mutex
	out     []edge.Message
	outMore chan struct{}
	outDone chan struct{}
	closed  bool
}

// Open starts a task node's UDF (spawns the process or connects to the
// socket) and begins draining its output.
func Open(t testing.TB, l Launcher, taskID, nodeID string) *Session {
	t.Helper()
	s := &Session{
		t:       t,
		Diag:    &Diagnostic{},
		aborted: make(chan struct{}),
		outMore: make(chan struct{}, 1),
		outDone: make(chan struct{}),
	}
	s.UDF = l.New(taskID, nodeID, s.Diag, s.abortCallback)
	if err := s.within("Open of "+l.Description, s.UDF.Open); err != nil {
		t.Fatalf("Open of %s failed: %v\n%s", l.Description, err, s.Diag)
	}
	go s.drain()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s:\n%s", l.Description, s.Diag)
		}
		if !s.closed {
			// A scenario that stopped early: abort like kapacitord stopping a task.
			s.UDF.Abort(errors.New("scenario ended"))
			_ = s.within("Close after abort", s.UDF.Close)
		}
	})
	return s
}

// LoadInfo does what kapacitord does once per configured UDF at startup
// (services/udf.Service.loadUDFInfo): open a UDF outside any task, ask for
// Info, close it.
func LoadInfo(t testing.TB, l Launcher) udf.Info {
	t.Helper()
	s := Open(t, l, "", "")
	var info udf.Info
	err := s.within("Info", func() (err error) {
		info, err = s.UDF.Info()
		return err
	})
	if err != nil {
		t.Fatalf("Info from %s failed: %v\n%s", l.Description, err, s.Diag)
	}
	if _, err := s.Close(); err != nil {
		t.Fatalf("Close after Info from %s failed: %v\n%s", l.Description, err, s.Diag)
	}
	return info
}

func (s *Session) abortCallback() {
	s.abortOnce.Do(func() { close(s.aborted) })
	// Wait for a write in progress to give up, as UDFNode waits for its writer.
	s.sendMu.Lock()
	s.sendMu.Unlock()
}

func (s *Session) drain() {
	for m := range s.UDF.Out() {
		s.outMu.Lock()
		s.out = append(s.out, m)
		s.outMu.Unlock()
		select {
		case s.outMore <- struct{}{}:
		default:
		}
	}
	close(s.outDone)
}

// within runs f, failing the test if it does not return within StepTimeout.
func (s *Session) within(what string, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(StepTimeout):
		s.t.Fatalf("%s did not return within %s\n%s", what, StepTimeout, s.Diag)
		return nil
	}
}

// Init sends the options as an InitRequest; the error is Kapacitor's.
func (s *Session) Init(options ...*agent.Option) error {
	return s.within("Init", func() error { return s.UDF.Init(options) })
}

func (s *Session) Restore(snapshot []byte) error {
	return s.within("Restore", func() error { return s.UDF.Restore(snapshot) })
}

func (s *Session) Snapshot() (snapshot []byte, err error) {
	err = s.within("Snapshot", func() error {
		snapshot, err = s.UDF.Snapshot()
		return err
	})
	return snapshot, err
}

// Send writes edge messages to the UDF's In() one by one, as the node's
// writer goroutine does; it stops with ErrAborted once Kapacitor aborted.
func (s *Session) Send(msgs ...edge.Message) error {
	for _, m := range msgs {
		err := s.within("writing to In()", func() error {
			s.sendMu.Lock()
			defer s.sendMu.Unlock()
			select {
			case <-s.aborted:
				return ErrAborted
			default:
			}
			select {
			case s.UDF.In() <- m:
				return nil
			case <-s.aborted:
				return ErrAborted
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Output is what the UDF sent back so far, as Kapacitor's code built it.
func (s *Session) Output() []edge.Message {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	return append([]edge.Message(nil), s.out...)
}

// WaitOutput waits until at least n messages came back, failing the test if
// they do not within StepTimeout.
func (s *Session) WaitOutput(n int) []edge.Message {
	s.t.Helper()
	deadline := time.After(StepTimeout)
	for {
		out := s.Output()
		if len(out) >= n {
			return out
		}
		select {
		case <-s.outMore:
		case <-s.outDone:
			if out := s.Output(); len(out) < n {
				s.t.Fatalf("the UDF's output ended after %d messages, expected at least %d\n%s", len(out), n, s.Diag)
			}
		case <-deadline:
			s.t.Fatalf("only %d of %d expected messages came back within %s\n%s", len(s.Output()), n, StepTimeout, s.Diag)
		}
	}
}

// Close stops the UDF cleanly (closes In(): EOF on the process's stdin or a
// half-close of the socket), waits for it to finish, and returns everything
// it sent back and the error Kapacitor's side ended with.
func (s *Session) Close() ([]edge.Message, error) {
	s.closed = true
	err := s.within("Close", s.UDF.Close)
	select {
	case <-s.outDone:
	case <-time.After(StepTimeout):
		s.t.Fatalf("Out() was not closed within %s of Close returning\n%s", StepTimeout, s.Diag)
	}
	return s.Output(), err
}
